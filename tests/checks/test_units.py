"""`check` finds a parameter counted in another unit than its own (calendar days for
working days, and the like): every call of the bundled standard, each unit changed."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from policykit.lang.functions import FUNCTIONS
from policykit.tools.units import COUNTED

from ..conftest import POLICY_FILE, cli

TEXT = POLICY_FILE.read_text(encoding="utf-8")
_COUNTERS = "|".join(name for name, f in FUNCTIONS.items() if f.count_unit)
# every parameter the standard counts with: (function, parameter) in the order written
CALLS = re.findall(rf"({_COUNTERS})\([^,()]+(?:\([^()]*\))?, -?params\.(\w+)\)", TEXT)


def _unit_findings(path: Path) -> list[dict[str, str]]:
    _, out, _ = cli("check", str(path), "--format", "json")
    return [f for f in json.loads(out) if f["code"] == "unit-mismatch"]


def _with_unit(tmp_path: Path, param: str, unit: str) -> Path:
    pattern = re.compile(rf"(\n  {param}:\n    value: [^\n]+\n    unit: )(\w+)")
    assert pattern.search(TEXT), param
    path = tmp_path / "edited.yaml"
    path.write_text(pattern.sub(lambda m: m.group(1) + unit, TEXT, count=1), encoding="utf-8")
    return path


def test_the_standard_counts_each_parameter_in_its_unit() -> None:
    assert len(CALLS) >= 8  # the calls the standard makes (a change of its text shows here)
    assert _unit_findings(POLICY_FILE) == []


@pytest.mark.parametrize("function,param", sorted(set(CALLS)))
def test_another_unit_is_found_at_each_call(tmp_path: Path, function: str, param: str) -> None:
    own = FUNCTIONS[function].count_unit
    for unit in COUNTED:
        if unit == own:
            continue
        found = _unit_findings(_with_unit(tmp_path, param, unit))
        mine = [f for f in found if f"params.{param})" in f["message"]]
        assert mine, (param, unit)
        assert all(f"is in {unit.replace('_', ' ')}" in f["message"] and int(f["line"]) > 0 for f in mine)
        assert all(f"{function}(..., params.{param})" in f["message"] for f in mine)
