"""A case's values worked out at once before its record is made (``engine/seed.py``): it
leaves the case as the tables would have, values, rows, defaults read and work charged;
it keeps what it did where it gives way; and it leaves no trace where it reaches a limit
or where the policy's calendar has days of its own to cite.  (That the records and the
results are the same on every road is ``tests/differential/test_generated.py``.)"""

from __future__ import annotations

from datetime import date

import pytest

from benchmarks.casegen import generate
from policykit.engine import codegen
from policykit.engine.assume import defaulted_facts
from policykit.engine.case import Case, read_case
from policykit.engine.env import CaseEnv
from policykit.engine.seed import seed, work_done
from policykit.lang.dates import WatchedCalendar
from policykit.lang.values import Unknown
from policykit.limits import DEFAULT, Limits
from policykit.policy.model import Policy

from .cases import readable

AS_OF = date(2026, 11, 27)


def _env(policy: Policy, case: Case, limits: Limits = DEFAULT) -> CaseEnv:
    return CaseEnv(
        policy,
        case.facts,
        AS_OF,
        given=case.given,
        limits=limits,
        generated=codegen.functions(policy),
        watch=defaulted_facts(policy, case),
    )


def test_a_seeded_case_holds_what_its_tables_would_have_worked_out(policy: Policy) -> None:
    """Each value the seed put in the case, worked out by the tables in the same order,
    gives the same value and rows; the defaults read and the work charged are the same."""
    whole = partial = 0
    for case in readable(policy, 600, 31):
        seeded, tables = _env(policy, case), _env(policy, case)
        done = seed(seeded, case, AS_OF, DEFAULT)
        whole, partial = whole + done, partial + (not done and bool(seeded.outcomes))
        for name, outcome in seeded.outcomes.items():
            value = tables.get(name)
            assert value.__class__ is not Unknown, name
            assert (type(value), value) == (type(outcome.value), outcome.value), name
            assert tuple(tables.outcomes[name].rules) == tuple(outcome.rules), name
            assert outcome.days == (), name
        assert seeded.outcomes.keys() == tables.outcomes.keys()
        assert seeded.budget.left == tables.budget.left  # the work of what it did, once
        if done:  # (where it gave way, the value it was working out may have read more)
            assert seeded.watched == tables.watched
            assert isinstance(seeded.calendar, WatchedCalendar) and isinstance(tables.calendar, WatchedCalendar)
            assert seeded.calendar.years == tables.calendar.years
        else:
            assert seeded.watched >= tables.watched
        seeded.release()
        tables.release()
    assert whole > 300 and partial > 50  # both roads taken, many times


def test_where_it_gives_way_the_tables_work_out_the_rest(policy: Policy) -> None:
    raw = next(c for c in generate(400, seed=11) if c["request"]["type"] == "fault")
    raw["sale"].pop("ship_date", None)
    case = read_case(policy, raw)
    env = _env(policy, case)
    assert seed(env, case, AS_OF, DEFAULT) is False
    assert "warranty.start_date" not in env.outcomes  # the value that read the unknown
    assert env.get("warranty.start_date").__class__ is Unknown
    env.release()


def test_a_limit_reached_leaves_the_case_to_the_tables(policy: Policy) -> None:
    """The tables then reach the limit as they do, and name it so."""
    case = readable(policy, 50, 31)[0]
    tight = Limits(operations=3)
    env = _env(policy, case, tight)
    budget, calendar = env.budget, env.calendar
    assert seed(env, case, AS_OF, tight) is False
    assert not env.outcomes and env.budget is budget and env.calendar is calendar
    env.release()


def test_not_taken_where_the_calendar_has_days_of_its_own(policy: Policy, monkeypatch: pytest.MonkeyPatch) -> None:
    """Which value's citations show the days a count crossed depends on the order the
    values are worked out in: only the tables keep it."""
    case = readable(policy, 50, 31)[0]
    monkeypatch.setattr(policy.calendar, "entries", (object(),))
    env = _env(policy, case)
    assert seed(env, case, AS_OF, DEFAULT) is False
    assert not env.outcomes
    env.release()


def test_the_work_done_counts_each_value_once_and_values_within_others_not_again() -> None:
    """Work left when each value was begun and done: c and b within a, d after it."""
    done = {
        "c": (0, (), 90, 80),
        "b": (0, (), 78, 70),
        "a": (0, (), 100, 60),
        "d": (0, (), 60, 55),
        "e": (0, (), 50, 50),
    }
    assert work_done(done.values()) == 45
    assert work_done([]) == 0
    assert work_done([done["c"], done["b"]]) == 18  # a given way within: not counted
