"""Differential runs: the engine with the bundled policy against an independent reference
model written from CONTRACT.md and STANDARD.md (``reference.py``): every decision's value and
the facts ``missing`` names, over generated cases of
all six request types that leave many facts unknown or defaulted (``benchmarks.casegen``):
unknown warranty status with coinciding deadlines, shipments with and without quotes,
requested methods and required days."""

from __future__ import annotations

import copy
from datetime import date
from typing import Any

import pytest

from benchmarks.casegen import generate, generate_edges
from policykit.engine.case import read_case
from policykit.errors import CaseError
from policykit.evaluator import evaluate
from policykit.policy.model import Policy
from policykit.present.result import jsonable

from .reference import expected_missing, reference

AS_OF = date(2026, 11, 27)


def _differences(policy: Policy, case: dict[str, Any]) -> list[str]:
    try:
        read = read_case(policy, copy.deepcopy(case))
    except CaseError:
        return []  # a generated impossibility (say a fault before the ship date): rejected, as it must be
    result = jsonable(evaluate(policy, read, AS_OF).to_dict())
    got = {k: v["value"] for k, v in result["decisions"].items()}
    expected = reference(case, AS_OF)
    out = [f"{k}: reference {v!r}, engine {got.get(k)!r}" for k, v in expected.items() if got.get(k) != v]
    missing = {m["fact"] for m in result["missing"]}
    wanted = expected_missing(case, expected)
    if missing != wanted:
        out.append(f"missing: reference {sorted(wanted)}, engine {sorted(missing)}")
    return out


@pytest.mark.parametrize(("cases", "label"), [(generate_edges(2000), "edges"), (generate(600, seed=7), "everyday")])
def test_the_engine_agrees_with_the_reference_model(policy: Policy, cases: Any, label: str) -> None:
    disagreements = {}
    for case in cases:
        found = _differences(policy, case)
        if found:
            disagreements[case["case_id"]] = found
    shown = dict(list(disagreements.items())[:10])
    assert disagreements == {}, f"{len(disagreements)} {label} cases differ, e.g. {shown}"


def test_the_edge_cases_cover_what_they_are_for() -> None:
    cases = list(generate_edges(2000))
    kinds = {c["request"]["type"] for c in cases}
    assert kinds == {"fault", "return", "complaint", "transport_damage", "shipment", "follow_up"}
    shipments = [c["shipment"] for c in cases if c["request"]["type"] == "shipment"]
    assert any("options" not in s for s in shipments) and any(s.get("options") == [] for s in shipments)
    assert any(s.get("customer_requested_method") for s in shipments)
    assert any("required_by" not in s and s.get("options") for s in shipments)
    assert sum(1 for c in cases if c["request"]["type"] == "fault" and "ship_date" not in c["sale"]) > 50
