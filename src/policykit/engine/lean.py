"""The lean road of :func:`~policykit.engine.decide.decide`: only the values of the
decisions, worked out by one generated function per request type
(:mod:`policykit.engine.codegen.request`, every value a local variable), with none of
what a full result needs (the rows that fired, the calendar's cited days, the reads of
defaulted facts).  It gives up (:data:`GAVE_UP`) on the first value the generated code
cannot work out (it reads an unknown, or a value of an unexpected kind), and the caller
then decides the case on the full road, which would have done exactly the same work up
to that point: the values, the errors and the work charged to the budget are those of
the full road (a limit is reached at the same value, and named the same way).

Most request types charge their work value by value only, a fixed amount each: then the
most work a case can cost is known when the function is made.  Where that is within the
case's limit of operations and within one period of the budget's clock, the budget could
neither run out nor look at the clock more than once, when the first value is charged,
microseconds after it was made.  Where the time limit is far above that too (at least
:data:`PLAIN_SECONDS`), that look could only find the time up if the process stalled
that long between two statements: the case is then decided by the same function made
without the budget, the same values and errors for none of the counting.  A value whose
size the budget would charge (a long list or text) sends the case to the metered function.

A case the plain function gives up on (a fact unknown) is run by the same function made
``partial`` (:func:`~policykit.engine.codegen.request.request_source`): only the decisions
that read an unknown (or read one that did) are left open, and the full road is given the
values worked out, with the work they cost, to work out the open ones alone
(:func:`~policykit.engine.decide.decide`).
"""

from __future__ import annotations

from datetime import date

from policykit.engine.codegen import GIVE_UP
from policykit.engine.codegen.generate import OPEN
from policykit.engine.codegen.request import (
    NeedsBudget,
    RequestFunction,
    Unmeterable,
    compiled,
    request_function,
    request_source,
)
from policykit.engine.env import shared_names
from policykit.limits import _CLOCK_EVERY as CLOCK_EVERY  # work between two looks of a budget at the clock
from policykit.limits import Budget, Limits
from policykit.policy.model import Policy

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

__all__ = ["CLOCK_EVERY", "GAVE_UP", "PLAIN_SECONDS", "Lean", "NeedsBudget", "lean_of", "lean_values"]

GAVE_UP = GIVE_UP
"""What the lean road raises where the full road must decide the case."""

PLAIN_SECONDS = 0.01
"""The least time limit under which a case is decided without the budget (under it, the
budget's look at the clock decides, as on the full road)."""


class Lean:
    """How one request type is decided on the lean road: ``metered``, the generated function
    under the case's budget; ``plain``, the same without the budget (None: its work depends
    on what it reads); ``work``, the most work ``metered`` can charge a case; ``partial``,
    ``metered`` made partial (:meth:`opened`), when first needed."""

    __slots__ = ("fits", "metered", "partial", "plain", "work")

    def __init__(self, metered: RequestFunction, plain: RequestFunction | None, work: int) -> None:
        self.metered, self.plain, self.work = metered, plain, work
        self.fits: Limits | None = None  # the last limits found to let ``plain`` decide (a call's are mostly the same)
        self.partial: Callable[..., tuple[dict[str, Any], int]] | None = None  # ``metered`` made partial

    def plain_under(self, limits: Limits) -> bool:
        """Whether ``plain`` decides a case under ``limits`` (see the module's text)."""
        if self.plain is None or self.work > limits.operations or limits.seconds < PLAIN_SECONDS:
            return False
        self.fits = limits
        return True

    def opened(
        self,
        policy: Policy,
        request_type: str,
        given: frozenset[str],
        as_of: date,
        facts: dict[str, Any],
        limits: Limits,
    ) -> tuple[dict[str, Any], dict[str, Any], int]:
        """(the decisions of ``request_type`` but those left open (they give way), the values
        worked out for them, the work those cost) by the metered function made partial
        (:func:`~policykit.engine.codegen.request.request_source`), under ``limits``."""
        function = self.partial
        if function is None:
            text, names = request_source(policy, request_type, shared_names(policy), partial=True)
            function = self.partial = compiled(text, names, request_type)[1]["_decide"]
        budget = Budget(limits)
        done: dict[str, Any] = {}
        found, lost = function(budget, policy.calendar, given, as_of, facts, done)
        decided = {name: value for name, value in found.items() if value is not OPEN}
        return decided, done, budget.total - budget.left - lost


def lean_values(
    policy: Policy, request_type: str, facts: dict[str, Any], as_of: date, given: frozenset[str], limits: Limits
) -> dict[str, Any]:
    """Each decision of ``request_type`` by its value, on the lean road (raises
    :data:`GAVE_UP` where the full road must decide; a limit's or an evaluation's error as
    the full road raises it).  The calendar's counts only: which days they crossed is not asked."""
    made: dict[str, Lean] | None = policy.memo.get("lean_requests")
    lean = made.get(request_type) if made is not None else None
    if lean is None:
        lean = lean_of(policy, request_type)
    plain = lean.plain
    if plain is not None and (limits is lean.fits or lean.plain_under(limits)):
        try:
            return plain(None, policy.calendar, given, as_of, facts)
        except NeedsBudget:
            pass
    return lean.metered(Budget(limits), policy.calendar, given, as_of, facts)


def lean_of(policy: Policy, request_type: str) -> Lean:
    """How ``request_type`` is decided on the lean road (made once per compiled policy and
    request type, on first use)."""
    made: dict[str, Lean] = policy.memo.setdefault("lean_requests", {})
    lean = made.get(request_type)
    if lean is None:
        lean = made[request_type] = _make(policy, request_type)
    return lean


def _make(policy: Policy, request_type: str) -> Lean:
    metered = request_function(policy, request_type, shared_names)
    plain: RequestFunction | None = None
    work = 0
    try:
        text, names = request_source(policy, request_type, shared_names(policy), metered=False)
    except Unmeterable:
        pass
    else:
        work = names["_work"]
        if work <= CLOCK_EVERY:
            plain = compiled(text, names, request_type)[0]
    return Lean(metered, plain, work)
