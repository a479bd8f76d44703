"""Settling (CONTRACT 1.1): a value decided while facts are unknown is the value of every
case that gives those facts; citations settled after the unknowns; the ground of a when_any row."""

from __future__ import annotations

import copy
from datetime import date, timedelta
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from policykit.engine.case import read_case
from policykit.evaluator import decide, evaluate
from policykit.policy.model import Policy

AS_OF = date(2026, 11, 27)
CUSTOMER = {"name": "n", "address": "a", "phone": "p"}


def _fault(request: date, received: date, **fault: Any) -> dict[str, Any]:
    return {
        "request": {"type": "fault", "date": request.isoformat()},
        "customer": CUSTOMER,
        "product": {"model": "m", "serial_number": "s"},
        "sale": {"shipping_method": "express"},
        "fault": {"code": "x", **fault},
        "received_on": received.isoformat(),
    }


def _values(policy: Policy, case: dict[str, Any]) -> dict[str, Any]:
    return decide(policy, read_case(policy, copy.deepcopy(case)), AS_OF).values


days = st.dates(min_value=date(2024, 1, 1), max_value=date(2026, 12, 20))
flags = st.fixed_dictionaries(
    {},
    optional={
        "disassembled": st.booleans(),
        "severe_exterior_damage": st.booleans(),
        "misuse": st.booleans(),
        "works_normally": st.booleans(),
    },
)


@settings(max_examples=60, deadline=None)
@given(request=days, wait=st.integers(0, 8), fault=flags, back=st.lists(st.integers(0, 700), min_size=1, max_size=4))
def test_a_value_decided_without_the_ship_date_is_the_value_for_every_ship_date(
    policy: Policy, request: date, wait: int, fault: dict[str, bool], back: list[int]
) -> None:
    """The law of CONTRACT 1.1: what is decided while a fact is unknown does not change when
    the fact becomes known, whatever it turns out to be."""
    case = _fault(request, request + timedelta(days=wait), **fault)
    unknown = _values(policy, case)
    for days_before in back:
        known = copy.deepcopy(case)
        known["sale"]["ship_date"] = (request - timedelta(days=days_before)).isoformat()
        full = _values(policy, known)
        for name, value in unknown.items():
            if value is not None:
                assert full[name] == value, (name, days_before)


quotes = st.lists(
    st.fixed_dictionaries(
        {
            "method": st.sampled_from(["express", "freight"]),
            "carrier": st.sampled_from(["SF Express", "EMS", "Deppon"]),
            "cost": st.integers(0, 200),
            "transit_days": st.integers(0, 8),
        }
    ),
    min_size=1,
    max_size=5,
)


@settings(max_examples=80, deadline=None)
@given(options=quotes, budgets=st.lists(st.integers(-2, 10), min_size=1, max_size=5))
def test_a_shipment_decided_without_the_required_day_holds_for_every_required_day(
    policy: Policy, options: list[dict[str, Any]], budgets: list[int]
) -> None:
    """INT-14 as clarified: carrier, method and arrival are decided without the required day
    only when every required day gives the same."""
    shipping = date(2026, 3, 2)
    case: dict[str, Any] = {
        "request": {"type": "shipment", "date": shipping.isoformat()},
        "shipment": {
            "contract_model": "m",
            "shipped_model": "m",
            "labels_complete": True,
            "packaging_intact": True,
            "options": options,
        },
    }
    unknown = _values(policy, case)
    for budget in budgets:
        known = copy.deepcopy(case)
        known["shipment"]["required_by"] = (shipping + timedelta(days=budget)).isoformat()
        full = _values(policy, known)
        for name in ("shipment.carrier", "shipment.method", "shipment.arrives_on"):
            if unknown[name] is not None:
                assert full[name] == unknown[name], (name, budget)


def test_coinciding_deadlines_are_decided_and_cited_from_each_branch(policy: Policy) -> None:
    # received Thursday 2026-06-18: the Dragon Boat Festival (06-19) and the weekend follow,
    # so the next working day is Monday 06-22, the same day as 06-18 + 4 calendar days
    case = read_case(policy, _fault(date(2026, 6, 15), date(2026, 6, 18)))
    result = evaluate(policy, case, AS_OF)
    ship_by = result.decision("deadlines.ship_by")
    assert result.decision("service.type").value is None
    assert ship_by.value == date(2026, 6, 22)
    assert [c.clause for c in ship_by.cites] == ["repair-time.1", "ops.exchange.procedure.4", "repair-time.2"]
    ship_date = policy.facts["sale.ship_date"].title
    assert ship_date is not None
    assert any(ship_date.get("zh") in line for line in ship_by.because)  # decided whatever the ship date is
    assert {a.id: a.due for a in result.actions}["ship-unit"] == date(2026, 6, 22)


def test_the_ground_of_a_paid_repair_is_named_in_its_reason_and_clauses(policy: Policy) -> None:
    disassembled = evaluate(
        policy, read_case(policy, _fault(date(2026, 6, 15), date(2026, 6, 18), disassembled=True)), AS_OF
    )
    service = disassembled.decision("service.type")
    assert service.value == "paid_repair"
    assert [c.clause for c in service.cites] == ["ops.paid-repair.conditions.2"]
    assert service.because[0].startswith("经客户私自拆卸：")
    both = _fault(date(2026, 6, 15), date(2026, 6, 18), disassembled=True, misuse=True)
    both["sale"] = {"ship_date": "2024-01-01", "shipping_method": "freight"}
    service = evaluate(policy, read_case(policy, both), AS_OF, lang="en").decision("service.type")
    assert [c.clause for c in service.cites] == [
        "ops.paid-repair.conditions.1",
        "warranty.1",
        "ops.paid-repair.conditions.2",
        "warranty.2",
    ]
    assert service.because[0] == (
        "Paid repair (repair for life, parts only): out of warranty, taken apart by the customer, "
        "an exclusion applies (misuse)"
    )


def test_every_case_made_knows_which_of_its_facts_are_unknown(policy: Policy, monkeypatch: Any) -> None:
    """The branches made to settle a value are told which facts they do not know (found once
    per split, not per branch): it must be exactly the facts of theirs that are unknown."""
    import benchmarks.casegen as casegen
    from policykit.engine import env as env_module
    from policykit.engine.decide import decide_case
    from policykit.errors import CaseError
    from policykit.lang.values import Unknown

    made: list[tuple[env_module.CaseEnv, frozenset[str]]] = []
    init = env_module.CaseEnv.__init__

    def noting(self: env_module.CaseEnv, p: Policy, facts: dict[str, Any], *args: Any, **kwargs: Any) -> None:
        init(self, p, facts, *args, **kwargs)
        made.append((self, frozenset(n for n, v in facts.items() if v.__class__ is Unknown)))

    branch = env_module.CaseEnv.branch

    def noting_branch(
        self: env_module.CaseEnv, facts: dict[str, Any], given: frozenset[str], unknown: frozenset[str]
    ) -> env_module.CaseEnv:
        sub = branch(self, facts, given, unknown)
        made.append((sub, frozenset(n for n, v in facts.items() if v.__class__ is Unknown)))
        return sub

    monkeypatch.setattr(env_module.CaseEnv, "__init__", noting)
    monkeypatch.setattr(env_module.CaseEnv, "branch", noting_branch)
    branches = 0
    for raw in casegen.generate_edges(150, 41):
        try:
            case = read_case(policy, copy.deepcopy(raw))
        except CaseError:
            continue
        made.clear()
        decide_case(policy, case, AS_OF)
        for env, unknown in made:
            assert env.unknown_facts == unknown
            assert all(name not in env.known for name in unknown)
        branches += len(made) - 1
    assert branches > 100  # the edge cases settle values: branches were made and checked


def test_the_rows_that_decided_a_settled_value_count_as_fired(policy: Policy) -> None:
    """Coverage (``policykit test --coverage``) reads the rows a case fired: a decision
    settled over its unknowns names the rows its branches decided it by, and they fired,
    on either road; every row a decided decision names is among them."""
    from benchmarks.casegen import generate
    from policykit.engine.decide import decide_case
    from policykit.errors import CaseError

    settled = 0
    for raw in generate(400, seed=5):
        try:
            case = read_case(policy, raw)
        except CaseError:
            continue
        for generated in (True, False):
            record = decide_case(policy, case, AS_OF, generated=generated)
            fired = set(record.fired)
            assert len(fired) == len(record.fired)  # each row once
            for d in record.decisions:
                settled += bool(d.settled_on and d.rules)
                assert {(d.id, rule.index) for rule in d.rules} <= fired, (d.id, raw)
    assert settled > 0  # the corpus settles some: the law is not held vacuously


# a fault on 2024-10-04 (a Friday before the National Day week's end), the ship date
# unknown: a free replacement ships 1 working day after receipt and a repair 4 days after,
# and both come to 2024-10-08: the deadline is settled, by one row in each branch
BY_TWO_ROWS: dict[str, Any] = {
    "request": {"type": "fault", "date": "2024-10-02"},
    "customer": CUSTOMER,
    "product": {"model": "m", "serial_number": "s"},
    "sale": {"shipping_method": "freight"},
    "fault": {"code": "ptz-stuck"},
    "received_on": "2024-10-04",
}


def test_a_value_settled_by_two_rows_fired_both_and_counts_no_days_off(policy: Policy) -> None:
    """Coverage counts the row of every branch; the text view says no days off were skipped
    (the count of one branch's row is not the deadline's: the other row counts days)."""
    from policykit.engine.decide import decide_case
    from policykit.present.assemble import build_result
    from policykit.present.calendar_notes import counted

    case = read_case(policy, copy.deepcopy(BY_TWO_ROWS))
    record = decide_case(policy, case, AS_OF)
    ship_by = next(d for d in record.decisions if d.id == "deadlines.ship_by")
    assert ship_by.value == date(2024, 10, 8) and ship_by.settled_on == ("sale.ship_date",)
    assert {i for name, i in record.fired if name == "deadlines.ship_by"} == {0, 1}
    result = build_result(record, "en")
    shown = next(d for d in result.decisions if d.id == "deadlines.ship_by")
    assert counted(policy, result, shown, case) is None
    # decided by one row, the same deadline counts the days off it stepped over
    given = copy.deepcopy(BY_TWO_ROWS)
    given["sale"]["ship_date"] = "2024-09-01"
    one = read_case(policy, given)
    result = build_result(decide_case(policy, one, AS_OF), "en")
    shown = next(d for d in result.decisions if d.id == "deadlines.ship_by")
    found = counted(policy, result, shown, one)
    assert found is not None and date(2024, 10, 5) in found.off


def test_a_branch_is_made_once_per_case_and_kept_until_a_value_is_settled(policy: Policy, monkeypatch: Any) -> None:
    """The values split the same way (a service type each of charges, deadlines and
    exchange split on) share the branches: each branch is made once in a case, and made
    anew only once a value was settled (each branch takes the values settled).  The
    decisions are those of the same case decided with each branch made anew (the corpus's
    decisions do not change), on either road."""
    from benchmarks.casegen import generate_edges
    from policykit.engine import env as env_module
    from policykit.engine import settle as settle_module
    from policykit.engine.decide import decide_case
    from policykit.errors import CaseError

    made: list[tuple[int, str]] = []
    branch = env_module.CaseEnv.branch

    def noting(
        self: env_module.CaseEnv, facts: dict[str, Any], given: frozenset[str], unknown: frozenset[str]
    ) -> env_module.CaseEnv:
        made.append((len(self.settled), repr(sorted(facts.items()))))
        return branch(self, facts, given, unknown)

    monkeypatch.setattr(env_module.CaseEnv, "branch", noting)
    each = settle_module._each

    def anew(env: Any, *args: Any) -> Any:
        env.branched = {}
        return each(env, *args)

    shared = 0
    for raw in generate_edges(200, 43):
        try:
            case = read_case(policy, copy.deepcopy(raw))
        except CaseError:
            continue
        for generated in (True, False):
            made.clear()
            kept = decide_case(policy, case, AS_OF, generated=generated)
            assert len(set(made)) == len(made), raw  # no branch made twice
            calls = len(made)
            with monkeypatch.context() as each_anew:
                each_anew.setattr(settle_module, "_each", anew)
                made.clear()
                fresh = decide_case(policy, case, AS_OF, generated=generated)
            assert [(d.id, d.value, d.cites, d.settled_on) for d in kept.decisions] == [
                (d.id, d.value, d.cites, d.settled_on) for d in fresh.decisions
            ]
            assert [a.id for a in kept.actions] == [a.id for a in fresh.actions]
            shared += len(made) - calls
    assert shared > 50  # the corpus has values split the same way: branches were shared
