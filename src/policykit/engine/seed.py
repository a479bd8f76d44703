"""A case's values worked out at once, before its record is made: the common road of
:func:`~policykit.engine.decide.decide_case`.

The decisions of the case's request type, and every value they read, are worked out by
one generated function (:mod:`policykit.engine.codegen.request`, made with the rows that
gave each value), instead of one value at a time through the case's tables.  What it
gives is put in the case as the tables would have left it: each value with the rows that
gave it, the calendar that counted its working days, the work charged.  The record is
then made as on any road: citations, reasons and steps read the values kept.

Where the function gives way (it reads a fact the case does not give, reaches an ``ask:``
row, meets a value of an unexpected kind or a value a function of the language refuses),
the values it worked out until then are kept, charged the work they cost (not the work
of the values it gave way within: the tables do those again), and the tables work out
the rest, and reach any error there as they do.  Where it reaches a limit, an evaluation
error or a recursion too deep, the case is worked out by the tables as if it had never
run: they reach it as they do, and word it so.  The work charged is the same as the
tables', in another order: a case past a limit fails on either road, though the value
being worked out when it did may differ.  Not taken where the policy's calendar has days
of its own to cite (which value's citations show the days a count crossed depends on the
order the values are worked out in, which only the tables keep); for the same reason,
the order in which the record lists the rows that fired (``fired``, for coverage) may
differ from the tables': its order promises nothing.

The facts with a default it reads are noted, as the tables note them
(:attr:`~policykit.engine.env.CaseEnv.watched`: which defaults the case read tells the
assumption probes which of them to try).
"""

from __future__ import annotations

from policykit.engine.case import Case
from policykit.engine.codegen import GIVE_UP
from policykit.engine.env import CaseEnv, Outcome, shared_names
from policykit.lang.dates import WatchedCalendar, date
from policykit.limits import Budget, Limits
from policykit.policy.model import Policy

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Iterable
    from typing import Any

    Seeder = Callable[
        [
            Budget,
            WatchedCalendar,
            frozenset[str],
            date,
            dict[str, Any],
            dict[str, tuple[Any, Any, int, int]],
            list[str],
        ],
        None,
    ]


def seeder(policy: Policy, request_type: str) -> Seeder:
    """The generated function giving every value of ``request_type`` with its rows (made
    once per compiled policy and request type, on first use)."""
    made: dict[str, Seeder] = policy.memo.get("seeders") or policy.memo.setdefault("seeders", {})
    function = made.get(request_type)
    if function is None:
        # the code generator (and ``ast``) loaded when first needed: one case decided from
        # the command line is decided on the interpreter and never needs it
        from policykit.engine.codegen.request import compiled, request_source

        text, names = request_source(policy, request_type, shared_names(policy), rows=True)
        function = made[request_type] = compiled(text, names, request_type)[0]  # type: ignore[assignment]
    return function  # type: ignore[return-value]  # (mypy takes it for the Optional it was)


def seed(env: CaseEnv, case: Case, as_of: date, limits: Limits) -> bool:
    """Put in ``env`` the values of ``case``'s request type worked out at once: all of them
    (True), or those the generated function worked out before it gave way (False)."""
    policy = env.policy
    if policy.calendar.entries or env.tracing or env.generated is None:
        return False
    budget = Budget(limits)
    calendar = WatchedCalendar(policy.calendar)
    done: dict[str, tuple[Any, Any, int, int]] = {}
    read: list[str] = []
    whole = True
    try:
        seeder(policy, case.request_type)(budget, calendar, env.given, as_of, case.facts, done, read)
    except GIVE_UP:  # the tables work out the rest
        whole = False
    except Exception:  # a limit, an error: the tables reach it as they do, and word it
        return False
    if not done:
        return False
    cache, known, outcomes = env.cache, env.known, env.outcomes
    for name, (value, rows, _, _) in done.items():
        cache[name] = known[name] = value
        outcomes[name] = Outcome(value, rows)
    if env.watch:
        env.watched.update(env.watch.intersection(read))
    if whole:
        env.budget = budget
    else:  # the work of the values it did, not of those it gave way in: the tables do them again
        env.budget.left -= work_done(done.values())
    env.calendar = calendar
    return whole


def work_done(done: Iterable[tuple[Any, Any, int, int]]) -> int:
    """The work charged for the values ``done`` (each with the work left when it was begun
    and when it was done), each once: a value worked out within another is in its work."""
    total = 0
    low: int | None = None  # where the last value counted was begun: one begun below it is another
    for begun, ended in sorted(((b, e) for _, _, b, e in done), reverse=True):
        if low is None or begun <= low:
            total += begun - ended
            low = ended
    return total
