"""The public surface in ``policykit/__init__.py``: load, read, decide, render, validate."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

import policykit

from .conftest import ROOT, cli

AS_OF = date(2026, 11, 27)


def _fault() -> dict[str, object]:
    data: dict[str, object] = json.loads((ROOT / "examples" / "fault.json").read_text(encoding="utf-8"))
    return data


def test_decide_then_render_equals_the_cli() -> None:
    policy = policykit.load_policy()
    case = policykit.read_case(policy, _fault())
    record = policykit.decide(policy, case, AS_OF)
    assert record.request_type == "fault"
    assert {d.id for d in record.decisions} >= {"service.type"}
    code, out, err = cli("evaluate", str(ROOT / "examples" / "fault.json"), "--format", "json", "--as-of", "2026-11-27")
    assert code == 0, err
    from_cli = json.loads(out)
    from_cli.pop("case_sha256", None)
    assert from_cli["policy"].pop("file") == "policies/standard_v1.yaml"  # the command line names its file
    for lang in ("zh", "en"):
        rendered = policykit.render(record, lang).to_dict()
        assert rendered["lang"] == lang
        if lang == "zh":
            assert rendered == from_cli
    assert policykit.evaluate(policy, case, AS_OF, "en").to_dict() == policykit.render(record, "en").to_dict()


def test_one_record_renders_in_either_language() -> None:
    policy = policykit.load_policy()
    record = policykit.decide(policy, policykit.read_case(policy, _fault()), AS_OF)
    zh, en = policykit.render(record, "zh"), policykit.render(record, "en")
    assert [d.value for d in zh.decisions] == [d.value for d in en.decisions]
    assert [d.because for d in zh.decisions] != [d.because for d in en.decisions]


def test_read_case_raises_with_the_field() -> None:
    policy = policykit.load_policy()
    with pytest.raises(policykit.CaseError) as caught:
        policykit.read_case(policy, {"request": {"type": "fault", "date": "2026-02-30"}})
    assert any(d.path == "request.date" for d in caught.value.diagnostics)


def test_validate_lists_problems_without_raising(tmp_path: Path) -> None:
    assert [d for d in policykit.validate() if d.severity == "error"] == []
    bad = tmp_path / "bad.yaml"
    bad.write_text("metadata: [\n", encoding="utf-8")
    problems = policykit.validate(bad)
    assert problems and all(isinstance(d, policykit.Diagnostic) for d in problems)
    assert problems[0].file == str(bad)


def test_policy_set_selects_the_version_in_force() -> None:
    policy_set = policykit.load_policy_set()
    assert policy_set.select(AS_OF, allow_draft=True).id == policykit.load_policy().id


def test_import_policykit_loads_no_layer() -> None:
    """The public names are imported when first used (PEP 562): ``import policykit`` loads
    no module of the package, nor dataclasses, pathlib or datetime."""
    heavy = ("dataclasses", "pathlib", "datetime", "inspect")
    code = (
        f"import sys, policykit; print(sorted(m for m in sys.modules if m.startswith('policykit.') or m in {heavy!r}))"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True)
    assert run.stdout.strip() == "[]"


def test_public_names_are_the_modules_own() -> None:
    from policykit import errors, limits, version

    assert policykit.CaseError is errors.CaseError and policykit.Diagnostic is errors.Diagnostic
    assert policykit.DEFAULT_LIMITS is limits.DEFAULT and policykit.Limits is limits.Limits
    assert policykit.__version__ == version.__version__
    assert set(policykit.__all__) <= set(dir(policykit))
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        policykit.nope  # noqa: B018


def test_everything_public_is_documented() -> None:
    for name in policykit.__all__:
        if name.startswith("__"):
            continue
        assert getattr(policykit, name).__doc__, name
