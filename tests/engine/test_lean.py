"""The lean road of ``decide``: the values alone, by the generated functions alone.  It
gives the full road's values where it runs to the end, gives way where a value reads an
unknown, and spends the work budget exactly as the full road does (a limit is reached at
the same value and named the same way)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from benchmarks.casegen import generate
from policykit.engine import codegen
from policykit.engine.case import Case, read_case
from policykit.engine.decide import decide, decide_interpreted
from policykit.engine.env import CaseEnv
from policykit.engine.lean import GAVE_UP, lean_values
from policykit.errors import CaseError
from policykit.lang.values import Unknown
from policykit.limits import DEFAULT, LimitError, Limits
from policykit.policy.model import Policy

AS_OF = date(2026, 11, 27)


def _cases(policy: Policy, count: int) -> list[Case]:
    out = []
    for raw in generate(count, seed=18):
        try:
            out.append(read_case(policy, raw))
        except CaseError:
            continue
    return out


def _full_road(policy: Policy, case: Case, limits: Limits) -> Any:
    """The values of the decisions on the full generated road (what ``decide`` did before
    the lean road), or the problem it raised."""
    env = CaseEnv(policy, case.facts, AS_OF, given=case.given, limits=limits, generated=codegen.functions(policy))
    try:
        return {v.id: env.get(v.id) for v in policy.plan(case.request_type)[0]}
    except LimitError as exc:
        return [d.format() for d in exc.diagnostics]
    finally:
        env.release()


def _lean_road(policy: Policy, case: Case, limits: Limits) -> Any:
    """The values on the lean road, the problem it raised, or None where it gave way."""
    try:
        return lean_values(policy, case.request_type, case.facts, AS_OF, case.given, limits)
    except LimitError as exc:
        return [d.format() for d in exc.diagnostics]
    except GAVE_UP:
        return None


def test_the_lean_road_runs_every_case_whose_decisions_read_no_unknown(policy: Policy) -> None:
    """Where it runs, its values are the full road's, value for value and type for type;
    it gives way exactly where a decision on the full road came out unknown or read one."""
    ran = gave_way = 0
    for case in _cases(policy, 400):
        lean = _lean_road(policy, case, DEFAULT)
        full = _full_road(policy, case, DEFAULT)
        if lean is None:
            gave_way += 1
            continue
        ran += 1
        assert {k: (type(v), v) for k, v in lean.items()} == {k: (type(v), v) for k, v in full.items()}
        assert not any(v.__class__ is Unknown for v in full.values())
    assert ran > 100 and gave_way > 10  # both roads are exercised by the generated cases


def test_a_case_reading_an_unknown_gives_way_and_decide_still_answers(policy: Policy) -> None:
    for case in _cases(policy, 400):
        if _lean_road(policy, case, DEFAULT) is None:
            either, reference = decide(policy, case, AS_OF), decide_interpreted(policy, case, AS_OF)
            assert either == reference
            return
    pytest.fail("no generated case read an unknown")


@pytest.mark.parametrize("operations", [0, 1, 2, 3, 5, 8, 13, 21, 34, 55])
def test_the_work_budget_binds_the_lean_road_as_the_full_road(policy: Policy, operations: int) -> None:
    """Under every small budget the lean road stops where the full road stops, with the
    same words (the limit, its value, the value being worked out), or runs as it runs."""
    limits = DEFAULT.replace(operations=operations)
    compared = 0
    for case in _cases(policy, 60):
        lean = _lean_road(policy, case, limits)
        if lean is None:
            continue
        assert lean == _full_road(policy, case, limits)
        compared += 1
    assert compared > 10


def test_decide_raises_the_limit_of_the_lean_road(policy: Policy) -> None:
    case = _cases(policy, 5)[0]
    with pytest.raises(LimitError) as found:
        decide(policy, case, AS_OF, DEFAULT.replace(operations=1))
    assert "over the limit operations = 1" in found.value.diagnostics[0].message
    assert "working out '" in found.value.diagnostics[0].message
