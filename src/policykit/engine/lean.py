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


class LeanEnv(dict[str, Any]):
    """A case on the lean road, and its known values (facts, parameters, values worked out)
    in one object: the generated code reads ``_k[name]`` of it (a value is worked out on
    first use, an unknown fact raises UnknownHit, as
    :class:`~policykit.lang.fastpath.Known` does) and ``_e.get(name)`` (an unknown
    fact's value included).  No cycle: the case's memory goes as soon as it is decided."""

    __slots__ = ("budget", "calendar", "functions", "given", "unknown")

    def __init__(
        self,
        policy: Policy,
        facts: dict[str, Any],
        as_of: date,
        given: frozenset[str],
        limits: Limits,
    ) -> None:
        memo = policy.memo
        made = memo.get("lean")
        if made is None:
            made = memo["lean"] = (shared_names(policy), _functions(policy))
        super().__init__(made[0])
        self.functions: dict[str, tuple[Callable[[Any, Any], Any], int]] = made[1]
        self.update(facts)
        self["as_of"] = as_of
        unknown: dict[str, Any] = {}
        for name, value in facts.items():
            if value.__class__ is Unknown:
                unknown[name] = self.pop(name)
        self.unknown = unknown
        self.given = given
        self.budget = Budget(limits)
        self.calendar = policy.calendar  # the counts only: which days they crossed is not asked

    @property
    def known(self) -> LeanEnv:
        """The known values: this object itself."""
        return self

    def get(self, name: str, default: Any = None) -> Any:  # type: ignore[override]
        """The value of ``name``, an unknown fact's included (worked out if need be)."""
        found = dict.get(self, name, _ABSENT)
        if found is not _ABSENT:
            return found
        found = self.unknown.get(name, _ABSENT)
        if found is not _ABSENT:
            return found
        return self[name]

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
                result = function(self, self)
            except GIVE_UP:
                raise _GaveUp from None
            if (result.__class__ is list or result.__class__ is str) and len(result) > 64:
                budget.size(result)
        except LimitError as exc:
            raise exc.working_out(name) from None
        self[name] = result
        return result


def _functions(policy: Policy) -> dict[str, tuple[Callable[[Any, Any], Any], int]]:
    """Each value's generated function (the value alone) and the work it is charged."""
    generated = codegen.value_functions(policy)
    return {name: (generated[name], len(value.rules) + 1) for name, value in policy.values.items()}
