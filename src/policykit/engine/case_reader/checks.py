"""The policy's case checks on the generated road: each check's expression, run on an
environment that reads the facts where they are instead of copying them (what
:class:`policykit.engine.env.FactEnv` gives a check, made in a fraction of the time).

A check whose fast form reads the case's facts alone (no function, no other name: its
text never names the environment) is run on the facts themselves where every name it
reads is a fact the case knows: what the environment would give it, without making one
(about a third of the time).  Anything else, and anything that form raises, takes the
environment, as every check did.
"""

from __future__ import annotations

from policykit.engine.env import shared_names
from policykit.lang.closures import unknown_if_a_name_is
from policykit.lang.dates import WatchedCalendar, WorkCalendar
from policykit.lang.expr import EvalError
from policykit.lang.fastpath import Known
from policykit.lang.values import Unknown
from policykit.limits import DEFAULT, Budget
from policykit.policy.model import Policy
from policykit.policy.placeholders import has_word

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

    from policykit.lang.expr import Compiled


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
    checks = tuple(
        (check.applies_to, check.require, on_facts(check.require), _unknown_if_a_name_is(check.require))
        for check in policy.case_checks
    )
    if not checks:
        return None
    base, calendar = shared_names(policy), policy.calendar
    absent = object()

    def run(facts: dict[str, Any], given: frozenset[str], request_type: Any) -> bool:
        env = None
        try:
            for applies_to, require, names, strict in checks:
                if applies_to and request_type not in applies_to:
                    continue
                if names is not None and require.try_fast:  # read on the facts, where it reads known ones
                    for name in names:
                        value = facts.get(name, absent)
                        if value is absent or value.__class__ is Unknown:
                            break
                    else:
                        try:
                            if require.fast(None, facts) is False:  # type: ignore[arg-type,misc]  # (reads no environment)
                                return False
                            continue
                        except Exception:  # the environment's road decides, and says the same
                            pass
                    if strict and value.__class__ is Unknown and not value.values:
                        continue  # unknown whatever the other side is: it does not fail
                if env is None:
                    env = CheckEnv(base, calendar, facts, given)
                try:
                    if require(env) is False:
                        return False
                except EvalError:  # the exact reader says where, and what
                    return False
            return True
        finally:
            if env is not None:
                env.known.env = None  # no cycle left for the GC

    return run


def _unknown_if_a_name_is(require: Compiled) -> bool:
    """Whether the check is unknown (so holds) wherever a name it reads is unknown with no
    values known (:func:`~policykit.lang.closures.unknown_if_a_name_is`): such a case is
    not worked out on an environment."""
    try:
        form = require.checked_form()
    except Exception:  # (no form to read: the environment's road, as before)
        return False
    return form is not None and unknown_if_a_name_is(form)


_FAST_HEAD = "lambda _e, _k:"


def on_facts(require: Compiled) -> tuple[str, ...] | None:
    """The names ``require`` reads, where its fast form may run on the case's facts alone: it
    reads them as ``_k["name"]`` only (its text names no ``_e``: no function, no other
    name), and none of them is the evaluation day (a check sees none); else None."""
    source = require.fast_source
    if require.fast is None or source is None or not source.startswith(_FAST_HEAD):
        return None
    if has_word(source, "_e", len(_FAST_HEAD)) or "as_of" in require.names:
        return None
    return tuple(sorted(require.names))
