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
from policykit.engine import lean as lean_module
from policykit.engine.case import Case, read_case
from policykit.engine.decide import decide, decide_interpreted
from policykit.engine.env import CaseEnv
from policykit.engine.lean import GAVE_UP, lean_values
from policykit.errors import CaseError
from policykit.lang.values import Unknown
from policykit.limits import DEFAULT, Budget, LimitError, Limits
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


# The function made without the budget (lean.Lean.plain): where it is used, it gives what
# the metered one gives; where it cannot be sure of the budget, the metered one decides.


def _small(decisions: list[dict[str, Any]] | None = None) -> Policy:
    """The small peer decision of the benchmark (one request type, no function with a cost),
    with ``decisions`` added."""
    import yaml

    from benchmarks.run import ROOT
    from policykit.policy.compiler import load_policy_text

    data = yaml.safe_load((ROOT / "benchmarks" / "peer" / "small_policy.yaml").read_text(encoding="utf-8"))
    data["decisions"].extend(decisions or [])
    policy, problems = load_policy_text(yaml.safe_dump(data).encode("utf-8"), "small.yaml")
    assert policy is not None, [p.format() for p in problems]
    return policy


def _small_cases(policy: Policy, count: int, seed: int) -> list[Case]:
    from benchmarks.run import small_cases

    cases = [read_case(policy, raw) for raw in small_cases(count, seed)]
    cases += [read_case(policy, {"ship_date": "2026-01-05", "shipping_method": "express", "reported_on": d})
              for d in ("2026-01-08", "2027-01-08", "2027-01-09")]  # fmt: skip
    return cases


def _metered(policy: Policy, case: Case, limits: Limits) -> Any:
    lean = lean_module.lean_of(policy, case.request_type)
    try:
        return lean.metered(Budget(limits), policy.calendar, case.given, AS_OF, case.facts)
    except LimitError as exc:
        return [d.format() for d in exc.diagnostics]
    except GAVE_UP:
        return None


def test_a_request_type_whose_work_is_fixed_has_a_function_without_the_budget(policy: Policy) -> None:
    small = _small()
    lean = lean_module.lean_of(small, "")
    assert lean.plain is not None and 0 < lean.work <= lean_module.CLOCK_EVERY
    # each of its values, and each row each may read: the most work a case can cost
    assert lean.work == sum(len(v.rules) + 1 for v in small.values.values())
    kinds = {t: lean_module.lean_of(policy, t).plain is not None for t in policy.facts["request.type"].values}
    assert kinds["fault"] is False  # it counts what a function reads (history...): metered only
    assert True in kinds.values()


@pytest.mark.parametrize("seed", [1, 2])
def test_without_the_budget_it_gives_the_metered_values(policy: Policy, seed: int) -> None:
    small = _small()
    for case in _small_cases(small, 300, seed):
        lean = lean_module.lean_of(small, "")
        assert lean.plain is not None
        plain = lean.plain(None, small.calendar, case.given, AS_OF, case.facts)
        assert {k: (type(v), v) for k, v in plain.items()} == {
            k: (type(v), v) for k, v in _metered(small, case, DEFAULT).items()
        }
    for case in _cases(policy, 200):  # the standard's types that have one
        lean = lean_module.lean_of(policy, case.request_type)
        if lean.plain is not None:
            try:
                got: Any = lean.plain(None, policy.calendar, case.given, AS_OF, case.facts)
            except GAVE_UP:
                got = None
            assert got == _metered(policy, case, DEFAULT)


def test_it_is_used_only_where_the_budget_could_not_have_stopped_the_case() -> None:
    lean = lean_module.lean_of(_small(), "")
    assert lean.plain_under(DEFAULT) and lean.plain_under(DEFAULT.replace(operations=lean.work))
    assert not lean.plain_under(DEFAULT.replace(operations=lean.work - 1))
    assert not lean.plain_under(DEFAULT.replace(seconds=lean_module.PLAIN_SECONDS / 2))
    assert not lean.plain_under(DEFAULT.replace(seconds=0.0))


@pytest.mark.parametrize(
    "limits",
    [
        DEFAULT.replace(seconds=0.0),  # (a time limit the first look at the clock finds up)
        DEFAULT.replace(operations=0),
        DEFAULT.replace(operations=4),
        DEFAULT.replace(operations=13),
    ],
)
def test_under_a_limit_it_cannot_be_sure_of_the_metered_function_decides(limits: Limits) -> None:
    """A budget of operations below the most work a case can cost, or no time: the lean road
    stops where the full road stops, with the same words."""
    small = _small()
    compared = stopped = 0
    for case in _small_cases(small, 40, 3):
        lean = _lean_road(small, case, limits)
        assert lean == _full_road(small, case, limits) == _metered(small, case, limits)
        compared += 1
        stopped += isinstance(lean, list)
    assert compared and stopped


def test_a_value_whose_size_the_budget_charges_sends_the_case_to_the_metered_function() -> None:
    """A text longer than 64 characters is charged by its size: the function without the
    budget hands the case to the metered one, which gives the full road's value, or its
    error under a limit on texts."""
    text = "x" * 100
    small = _small([{"id": "note", "type": "string", "rules": [{"value": text, "cites": ["remedy"]}]}])
    lean = lean_module.lean_of(small, "")
    assert lean.plain is not None
    case = _small_cases(small, 1, 5)[0]
    with pytest.raises(lean_module.NeedsBudget):
        lean.plain(None, small.calendar, case.given, AS_OF, case.facts)
    assert _lean_road(small, case, DEFAULT)["note"] == text == _full_road(small, case, DEFAULT)["note"]
    tight = DEFAULT.replace(string_chars=99)
    refused = _lean_road(small, case, tight)
    assert isinstance(refused, list) and "string_chars = 99" in refused[0] and "'note'" in refused[0]
    assert refused == _full_road(small, case, tight)


def test_decide_calls_the_function_without_the_budget_and_hands_a_sized_value_on() -> None:
    """Once the limits are found to let it, ``decide`` calls the function without the budget
    itself; a case with a value whose size the budget charges still gets the metered
    function's values, and under a limit on texts its error."""
    text = "x" * 100
    small = _small([{"id": "note", "type": "string", "rules": [{"value": text, "cites": ["remedy"]}]}])
    case = _small_cases(small, 1, 5)[0]
    decide(small, case, AS_OF)  # the first call finds the limits let it: kept as ``fits``
    lean = lean_module.lean_of(small, "")
    assert lean.fits is DEFAULT
    calls = {"plain": 0, "metered": 0}
    for name in calls:
        function = getattr(lean, name)

        def counted(*args: object, name: str = name, function: Any = function) -> Any:
            calls[name] += 1
            return function(*args)

        setattr(lean, name, counted)
    for _ in range(2):
        assert decide(small, case, AS_OF).values == _full_road(small, case, DEFAULT)
    assert calls == {"plain": 2, "metered": 2}  # each call: the plain function once, then the metered
    tight = DEFAULT.replace(string_chars=99)
    with pytest.raises(LimitError) as found:
        decide(small, case, AS_OF, tight)
    assert "string_chars = 99" in found.value.diagnostics[0].message
