"""The lean road of :func:`~policykit.engine.decide.decide`: only the values of the
decisions, worked out by the policy's generated functions alone, with none of what a full
result needs (the rows that fired, the calendar's cited days, the reads of defaulted
facts).  It gives up (:data:`GAVE_UP`) on the first value the generated code cannot
work out (it reads an unknown, or a value of an unexpected kind), and the caller then
decides the case on the full road, which would have done exactly the same work up to
that point: the values, the errors and the work charged to the budget are those of the
full road (a limit is reached at the same value, and named the same way).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from policykit.engine import codegen
from policykit.engine.codegen import GIVE_UP
from policykit.engine.env import shared_names
from policykit.lang.expr import EvalError
from policykit.lang.fastpath import UnknownHit
from policykit.lang.values import Unknown
from policykit.limits import Budget, LimitError, Limits
from policykit.policy.model import Policy


class _GaveUp(Exception):
    """A value the generated code could not work out: the full road decides the case."""


GAVE_UP = (_GaveUp, *GIVE_UP)
"""What the lean road raises where the full road must decide the case."""

_ABSENT = object()


class _Known(dict[str, Any]):
    """The known values of a case on the lean road; a value is worked out on first use,
    and an unknown fact raises UnknownHit (as :class:`~policykit.lang.fastpath.Known` does)."""

    __slots__ = ("budget", "env", "functions", "unknown")
    budget: Budget
    env: LeanEnv | None
    functions: dict[str, tuple[Callable[[Any, Any], Any], int]]
    unknown: dict[str, Any]

    def __missing__(self, name: str) -> Any:
        """Work out the value ``name`` by its generated function (it is not known yet)."""
        found = self.functions.get(name)
        if found is None:
            if name in self.unknown:
                raise UnknownHit(name)
            raise EvalError(f"unknown name '{name}'")
        function, cost = found
        budget = self.budget
        try:
            budget.left -= cost  # as the full road charges: a value, each row it may read
            if budget.left < budget.next_check:
                budget.charge(0)
            try:
                result = function(self.env, self)
            except GIVE_UP:
                raise _GaveUp from None
            if (result.__class__ is list or result.__class__ is str) and len(result) > 64:
                budget.size(result)
        except LimitError as exc:
            raise exc.working_out(name) from None
        self[name] = result
        return result


class LeanEnv:
    """A case on the lean road: known values (facts, parameters, worked-out values) in
    ``known``, the unknown facts apart, every value by its generated function."""

    __slots__ = ("budget", "calendar", "given", "known", "unknown")

    def __init__(
        self,
        policy: Policy,
        facts: dict[str, Any],
        as_of: date,
        given: frozenset[str],
        limits: Limits,
    ) -> None:
        self.given = given
        budget = self.budget = Budget(limits)
        self.calendar = policy.calendar  # the counts only: which days they crossed is not asked
        known = self.known = _Known(shared_names(policy))
        known.update(facts)
        known["as_of"] = as_of
        unknown: dict[str, Any] = {}
        for name, value in facts.items():
            if value.__class__ is Unknown:
                unknown[name] = known.pop(name)
        self.unknown = known.unknown = unknown
        known.env, known.budget, known.functions = self, budget, _functions(policy)

    def get(self, name: str) -> Any:
        """The value of ``name``, an unknown fact's included (worked out if need be)."""
        found = self.known.get(name, _ABSENT)
        if found is not _ABSENT:
            return found
        found = self.unknown.get(name, _ABSENT)
        if found is not _ABSENT:
            return found
        return self.known[name]

    def release(self) -> None:
        """Break the env <-> known-values cycle so that a case's memory goes at once, without the GC."""
        self.known.env = None


def _functions(policy: Policy) -> dict[str, tuple[Callable[[Any, Any], Any], int]]:
    """Each value's generated function (the value alone) and the work it is charged (made once per policy)."""
    made: dict[str, tuple[Callable[[Any, Any], Any], int]] | None = policy.memo.get("lean")
    if made is None:
        generated = codegen.value_functions(policy)
        made = policy.memo["lean"] = {
            name: (generated[name], len(value.rules) + 1) for name, value in policy.values.items()
        }
    return made
