"""One generated function per request type (``engine/codegen/request.py``): made once per
policy and type, in memory; its code names only its own globals and the language's
whitelist; a fast form whose text fails the whitelist is not inlined (reaching it gives
way to the full road); where it runs, its values are the interpreter's, value for value
and type for type, and under any limit it stops where the full road stops, with the
same words.  (The 50 000-case differential run is in ``tests/differential``.)"""

from __future__ import annotations

import copy
import json
import re
from datetime import date, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from benchmarks.casegen import generate, generate_edges
from policykit.engine.case import Case, read_case
from policykit.engine.codegen.request import names_only, request_function, request_source
from policykit.engine.decide import decide, decide_interpreted
from policykit.engine.env import shared_names
from policykit.engine.lean import GAVE_UP, lean_values
from policykit.errors import CaseError
from policykit.lang.fastpath import ALLOWED_NAMES
from policykit.lang.values import Unknown
from policykit.limits import DEFAULT, Budget, LimitError, Limits
from policykit.policy.model import Policy

from ..conftest import ROOT

AS_OF = date(2026, 11, 27)


def _types(policy: Policy) -> tuple[str, ...]:
    types: tuple[str, ...] = policy.facts["request.type"].values
    assert len(types) >= 5
    return types


def _case(policy: Policy, raw: dict[str, Any]) -> Case | None:
    try:
        return read_case(policy, copy.deepcopy(raw))
    except CaseError:
        return None


def _lean(policy: Policy, case: Case, as_of: date = AS_OF, limits: Limits = DEFAULT) -> Any:
    """The lean road's values, the words of the limit it reached, or None where it gave way."""
    try:
        return lean_values(policy, case.request_type, case.facts, as_of, case.given, limits)
    except LimitError as exc:
        return [d.format() for d in exc.diagnostics]
    except GAVE_UP:
        return None


def _typed(values: dict[str, Any]) -> dict[str, Any]:
    return {k: (type(v).__name__, v) for k, v in values.items()}


def test_one_function_per_request_type_made_once_and_kept_in_memory(policy: Policy) -> None:
    made = {t: request_function(policy, t, shared_names) for t in _types(policy)}
    assert all(request_function(policy, t, shared_names) is f for t, f in made.items())
    assert len({id(f) for f in made.values()}) == len(made)
    assert set(policy.memo["generated_requests"]) >= set(made)


@pytest.mark.parametrize("request_type", ["fault", "return", "complaint", "transport_damage", "shipment", "follow_up"])
def test_the_generated_code_names_only_its_globals_and_the_whitelist(policy: Policy, request_type: str) -> None:
    """No builtins; no read through an environment left (every ``_k[...]`` and ``_e``
    became a local); every decision of the type in the dict it returns, in plan order."""
    text, names = request_source(policy, request_type, shared_names(policy))
    assert names["__builtins__"] == {}
    assert not re.search(r"\b_k\b|\b_e\b", text)
    code = compile(text, "<test>", "exec")
    own = {"left", "next_check", "charge", "size", "working_out", "append", "__class__"}
    assert names_only(code, frozenset(names) | {n for n in ALLOWED_NAMES if not n.startswith("_")} | own)
    assert not re.search(r"\b_F_|\b_arith\b|\b_bool\b", text)  # the functions are called directly
    assert not names_only(code, frozenset(ALLOWED_NAMES))  # the check can fail
    decisions = [v.id for v in policy.plan(request_type)[0]]
    returned = re.findall(r"'([^']+)': r\d+", text.rsplit("return {", 1)[1])
    assert returned == decisions


def _tampered(policy: Policy, value_id: str, source: str) -> Policy:
    """``policy`` with the first computed outcome of ``value_id`` given another fast-form text."""
    value = policy.values[value_id]
    rules = list(value.rules)
    i = next(i for i, r in enumerate(rules) if r.outcome is not None and r.outcome.fast is not None)
    outcome = rules[i].outcome
    assert outcome is not None
    rules[i] = rules[i]._replace(outcome=outcome._replace(fast_source=source))
    changed: Policy = policy._replace(values={**policy.values, value_id: value._replace(rules=tuple(rules))})
    return changed


@pytest.mark.parametrize(
    "source",
    [
        "lambda _e, _k: __import__('os').getcwd()",
        "lambda _e, _k: _k.__class__",
        "lambda _e, _k: [x for x in _k['history']]",
        "lambda _e, _k: _e.budget",
        "lambda _e, _k: _k[_k['case_id']]",
        "not python (",
    ],
)
def test_a_fast_form_outside_the_whitelist_is_not_inlined_and_gives_way(policy: Policy, source: str) -> None:
    tampered = _tampered(policy, "warranty.start_date", source)
    text, _ = request_source(tampered, "fault", shared_names(tampered))
    assert "__import__" not in text and "getcwd" not in text and "budget" not in text
    assert "_G()" in text
    ran = gave_way = 0
    for raw in generate(60, seed=5):
        case = _case(tampered, raw)
        if case is None or case.request_type != "fault":
            continue
        reached = case.facts["sale.shipping_method"] == "express"  # the first row's outcome was replaced
        if _lean(tampered, case) is None:
            gave_way += 1
        else:
            assert not reached
            ran += 1
        assert decide(tampered, case, AS_OF) == decide_interpreted(tampered, case, AS_OF)
    assert gave_way and ran


def test_where_it_runs_its_values_are_the_interpreters(policy: Policy) -> None:
    ran = gave_way = 0
    for make, seed in ((generate, 31), (generate_edges, 32)):
        for raw in make(300, seed):
            case = _case(policy, raw)
            if case is None:
                continue
            lean = _lean(policy, case)
            reference = decide_interpreted(policy, case, AS_OF)
            if lean is None:
                gave_way += 1
                continue
            ran += 1
            assert _typed(lean) == _typed(reference.values) and not reference.missing
    assert ran > 200 and gave_way > 50


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 2**31), shift=st.integers(-900, 900))
def test_any_case_on_any_day_gives_the_interpreters_values(policy: Policy, seed: int, shift: int) -> None:
    as_of = AS_OF + timedelta(days=shift)
    for make in (generate, generate_edges):
        for raw in make(4, seed):
            case = _case(policy, raw)
            if case is None:
                continue
            lean = _lean(policy, case, as_of)
            if lean is not None:
                assert _typed(lean) == _typed(decide_interpreted(policy, case, as_of).values)


def _long_history(policy: Policy, entries: int) -> Case:
    """A fault case the lean road decides, its history ``entries`` long."""
    for raw in generate(200, seed=3):
        if raw["request"]["type"] != "fault" or not raw.get("history"):
            continue
        raw["history"] = [dict(raw["history"][0]) for _ in range(entries)]
        case = _case(policy, raw)
        if case is not None and _lean(policy, case, AS_OF, DEFAULT) is not None:
            return case
    raise AssertionError("no generated fault case runs on the lean road")


@pytest.mark.parametrize("list_items", [65, 80, 99])
def test_a_list_over_its_limit_is_refused_as_on_the_full_road(policy: Policy, list_items: int) -> None:
    """A value worked out to a list of 100 items, under a limit below that: the same
    error, naming the same value, as the full road's."""
    case = _long_history(policy, 100)
    limits = DEFAULT.replace(list_items=list_items)
    lean = _lean(policy, case, AS_OF, limits)
    assert isinstance(lean, list) and f"over the limit list_items = {list_items}" in lean[0]
    with pytest.raises(LimitError) as full:
        decide(policy, case, AS_OF, limits, generated=False)
    assert lean == [d.format() for d in full.value.diagnostics]


@pytest.mark.parametrize("operations", [0, 4, 9, 17, 30, 60, 200, 400])
def test_the_work_budget_binds_it_as_the_interpreter(policy: Policy, operations: int) -> None:
    """Under small budgets (a long history makes the functions' own costs count) it stops
    where the interpreter stops, with the same words, or gives the same values."""
    limits = DEFAULT.replace(operations=operations)
    cases = [_long_history(policy, 40)] + [c for raw in generate(40, seed=8) if (c := _case(policy, raw))]
    compared = 0
    for case in cases:
        lean = _lean(policy, case, AS_OF, limits)
        if lean is None:
            continue
        try:
            reference: Any = decide(policy, case, AS_OF, limits, generated=False).values
        except LimitError as exc:
            reference = [d.format() for d in exc.diagnostics]
        assert lean == reference
        compared += 1
    assert compared > 10


def test_another_policy_is_served_unchanged() -> None:
    """The small peer decision of the benchmark (another policy, another request type):
    every case on the lean road, each giving the interpreter's values."""
    from benchmarks.run import ROOT, small_cases
    from policykit.policy.compiler import load_policy

    small, _ = load_policy(ROOT / "benchmarks" / "peer" / "small_policy.yaml")
    for raw in small_cases(300, seed=4):
        case = read_case(small, raw)
        lean = _lean(small, case)
        assert lean is not None
        assert _typed(lean) == _typed(decide_interpreted(small, case, AS_OF).values)


@pytest.mark.parametrize(
    ("kind", "source"),
    [
        ("date", "coalesce(sale.return_days, sale.delivered_on)"),  # both unknown: the fallback is unknown
        ("date", "coalesce(sale.delivered_on, request.date)"),  # the fallback known
        ("bool", "is_known(sale.delivered_on)"),
        ("bool", "coalesce(sale.return_days, 3) > 2"),
    ],
)
def test_a_function_that_reads_unknowns_as_they_are_gives_way_where_it_gives_one(kind: str, source: str) -> None:
    """``coalesce`` reads an unknown fact as it is: where what it gives is unknown, the lean
    road gives way (the full road names the facts that would decide it), never passing
    the unknown on as a value."""
    from .test_settle_branches import AS_OF as DAY
    from .test_settle_branches import C, T, _policy

    rows = [{"compute": source, "cites": C}]
    policy = _policy([], [{"id": "zz.d", "title": T, "applies_to": ["fault"], "type": kind, "rules": rows}])
    raw = json.loads((ROOT / "examples" / "fault.json").read_text(encoding="utf-8"))
    case = read_case(policy, raw)
    assert case.facts["sale.delivered_on"].__class__ is Unknown  # the example leaves both unknown
    ours, reference = decide(policy, case, DAY), decide_interpreted(policy, case, DAY)
    assert _typed(ours.values) == _typed(reference.values)
    assert ours.missing == reference.missing
    assert all(v.__class__ is not Unknown for v in ours.values.values())


@pytest.mark.parametrize("metered", [True, False])
def test_a_value_only_the_function_reads_is_kept_in_one_of_its_locals(metered: bool) -> None:
    """The small peer decision reads ``excluded`` in one decision only: no list of slots
    is made for it; unmetered, its one row is written out where it is read."""
    from benchmarks.run import ROOT, small_cases
    from policykit.policy.compiler import load_policy

    small, _ = load_policy(ROOT / "benchmarks" / "peer" / "small_policy.yaml")
    text, names = request_source(small, "", shared_names(small), metered=metered)
    assert "_s = [" not in text and "_s[" not in text
    assert re.search(r"\(x\d+ := ", text)
    assert ("def w" in text) == metered  # metered: its worker charges its work, given what it reads
    code = compile(text, "<test>", "exec")
    own = {"left", "next_check", "charge", "size", "working_out", "append", "__class__"}
    assert names_only(code, frozenset(names) | {n for n in ALLOWED_NAMES if not n.startswith("_")} | own)
    exec(code, names)
    for raw in small_cases(200, seed=6):
        case = read_case(small, raw)
        budget = Budget(DEFAULT) if metered else None
        got = names["_decide"](budget, small.calendar, case.given, AS_OF, case.facts)
        assert _typed(got) == _typed(decide_interpreted(small, case, AS_OF).values)
