"""The policy's case checks on the generated road: each check's expression, run on an
environment that reads the facts where they are instead of copying them (what
:class:`policykit.engine.env.FactEnv` gives a check, made in a fraction of the time)."""

from __future__ import annotations

from collections.abc import Callable

from policykit.engine.env import shared_names
from policykit.lang.dates import WatchedCalendar, WorkCalendar
from policykit.lang.fastpath import Known
from policykit.limits import DEFAULT, Budget
from policykit.policy.model import Policy

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


class CheckEnv:
    """Facts, parameters and built-in names, as a case check sees them (no evaluation day)."""

    __slots__ = ("_budget", "base", "calendar", "facts", "given", "known")

    def __init__(self, base: dict[str, Any], calendar: WorkCalendar, facts: dict[str, Any], given: frozenset[str]):
        self.calendar: WorkCalendar | WatchedCalendar = calendar
        self.base, self.facts, self.given = base, facts, given
        self.known = Known(self, {})
        self._budget: Budget | None = None

    @property
    def budget(self) -> Budget:
        if self._budget is None:
            self._budget = Budget(DEFAULT)  # made when a function first charges its work
        return self._budget

    @budget.setter
    def budget(self, value: Budget) -> None:
        self._budget = value

    def get(self, name: str) -> Any:
        if name == "as_of":
            return None
        facts = self.facts
        return facts[name] if name in facts else self.base.get(name)


def case_checks(policy: Policy) -> Callable[[dict[str, Any], frozenset[str], Any], bool] | None:
    """``(facts, given, request type) -> whether every check that applies holds`` (None: no checks)."""
    checks = tuple((check.applies_to, check.require) for check in policy.case_checks)
    if not checks:
        return None
    base, calendar = shared_names(policy), policy.calendar

    def run(facts: dict[str, Any], given: frozenset[str], request_type: Any) -> bool:
        env = None
        try:
            for applies_to, require in checks:
                if applies_to and request_type not in applies_to:
                    continue
                if env is None:
                    env = CheckEnv(base, calendar, facts, given)
                if require(env) is False:
                    return False
            return True
        finally:
            if env is not None:
                env.known.env = None  # no cycle left for the GC

    return run
