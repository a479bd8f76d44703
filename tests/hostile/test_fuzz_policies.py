"""Hostile policies and cases, generated: chains of doublings, rows of long working-day walks,
texts that show a value hundreds of times, long string parameters, long histories, each
under random (often tight) limits.  Whatever is drawn, compiling ends in a policy or in
coded diagnostics, and deciding ends in a result that is valid JSON and UTF-8 or in a coded
error naming a limit: never another exception.

``POLICYKIT_LONG_FUZZ=1`` runs ``POLICYKIT_LONG_FUZZ_POLICIES`` examples (default 1 500);
the README records the last long run."""

from __future__ import annotations

import copy
import json
import os
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from policykit.engine.case import read_case
from policykit.errors import PolicykitError
from policykit.evaluator import evaluate
from policykit.limits import DEFAULT, MEANING, LimitError, Limits
from policykit.policy.compiler import load_policy_text

ROOT = Path(__file__).resolve().parents[2]
BASE = yaml.safe_load((ROOT / "policies" / "standard_v1.yaml").read_text(encoding="utf-8"))
COMPLAINT = json.loads((ROOT / "examples" / "complaint.json").read_text(encoding="utf-8"))
LONG = bool(os.environ.get("POLICYKIT_LONG_FUZZ"))
EXAMPLES = int(os.environ.get("POLICYKIT_LONG_FUZZ_POLICIES", "1500")) if LONG else 12
TITLE = {"zh": "t", "en": "t"}
CITES = ["ops.complaint"]


def _value(vid: str, kind: str, compute: str) -> dict[str, Any]:
    return {"id": vid, "title": TITLE, "type": kind, "rules": [{"compute": compute, "cites": CITES}]}


class _Plain(yaml.SafeDumper):
    """Writes a shared object out again each time: a policy may have no anchors."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


@st.composite
def hostile(draw: st.DrawFn) -> tuple[dict[str, Any], dict[str, Any], Limits]:
    data = copy.deepcopy(BASE)
    shown: list[str] = []
    kind = draw(st.sampled_from(["list", "string"]))
    steps = draw(st.integers(min_value=0, max_value=12))
    first = "history" if kind == "list" else repr("x" * draw(st.integers(min_value=0, max_value=500)))
    data["derived"].append(_value("z0", kind, first))
    for i in range(1, steps + 1):
        data["derived"].append(_value(f"z{i}", kind, f"z{i - 1} + z{i - 1}"))
    shown.append(f"len(distinct(z{steps})) >= 0" if kind == "list" else f"len(z{steps}) >= 0")
    rows = draw(st.integers(min_value=0, max_value=40))
    parts = draw(st.integers(min_value=1, max_value=20))
    count = draw(st.sampled_from([0, 1, 30, 365, 3660]))
    if rows:
        walk = f"add_working_days(request.date, {count}) == request.date"
        data["derived"].append(
            {
                "id": "walks",
                "title": TITLE,
                "type": "bool",
                "rules": [{"when_any": [walk] * parts, "value": True, "cites": CITES} for _ in range(rows)],
            }
        )
        shown.append("walks or True")
    size = draw(st.sampled_from([0, 10, 1000, 100_000, 100_001]))
    data["parameters"]["big"] = {"value": "y" * size, "unit": "text", "cites": CITES}
    repeat = draw(st.integers(min_value=1, max_value=300))
    text = "{params.big}" * repeat + (f"{{z{steps}}}" * draw(st.integers(min_value=0, max_value=50)))
    data["warnings"].append(
        {"id": "hostile", "when": " and ".join(shown), "text": {"zh": text, "en": "x"}, "cites": CITES}
    )
    case = copy.deepcopy(COMPLAINT)
    case["history"] = [{"date": "2026-03-01", "kind": "repair", "fault_code": "ir-cut"}] * draw(
        st.integers(min_value=0, max_value=1000)
    )
    limits = DEFAULT.replace(
        operations=draw(st.sampled_from([1_000, 50_000, 2_000_000])),
        list_items=draw(st.sampled_from([100, 2_000, 10_000])),
        string_chars=draw(st.sampled_from([1_000, 100_000])),
    )
    return data, case, limits


@settings(max_examples=EXAMPLES, deadline=None, derandomize=not LONG, suppress_health_check=list(HealthCheck))
@given(hostile())
def test_a_hostile_policy_is_refused_or_decides_within_its_limits(drawn: tuple[Any, Any, Limits]) -> None:
    data, case_data, limits = drawn
    text = yaml.dump(data, Dumper=_Plain, allow_unicode=True, sort_keys=False, width=10**9).encode("utf-8")
    if len(text) > limits.policy_bytes:
        return
    policy, diags = load_policy_text(text, "hostile.yaml", limits)
    if policy is None:
        errors = [d for d in diags if d.severity == "error"]
        assert errors and all(d.code and d.message for d in errors)
        assert {d.code for d in errors} <= {"too-costly", "too-large", "limit-exceeded"}, [d.format() for d in errors]
        return
    try:
        result = evaluate(policy, read_case(policy, case_data), date(2026, 11, 27), limits=limits).to_dict()
    except LimitError as exc:
        named = exc.diagnostics[0].message.split("over the limit ")[1].split(" = ")[0]
        assert named in MEANING and exc.diagnostics[0].code == "limit-exceeded"
        return
    except PolicykitError as exc:
        pytest.fail(f"a valid policy and case gave {[d.format() for d in exc.diagnostics]}")
    written = json.dumps(result, ensure_ascii=False, allow_nan=False)
    written.encode("utf-8")
    assert len(written) < 32 * limits.operations + 2_000_000  # what texts show is paid for in operations
