"""Deciding a case on the generated road: the interpreter's environment, with each value
worked out by its generated function; the same work budget, counted per value."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from policykit.engine.case import Case
from policykit.engine.codegen.generate import functions
from policykit.engine.env import CaseEnv
from policykit.engine.record import Decided
from policykit.lang.expr import EvalError
from policykit.limits import DEFAULT, Limits
from policykit.policy.model import Policy


class GeneratedEnv(CaseEnv):
    """A case whose values come from the generated functions; never an unknown value."""

    def __init__(self, policy: Policy, case: Case, as_of: date, limits: Limits = DEFAULT) -> None:
        super().__init__(policy, case.facts, as_of, given=case.given, limits=limits)
        self.generated: dict[str, Callable[[Any, Any], Any]] = functions(policy)

    def get(self, name: str) -> Any:
        try:
            return self.cache[name]
        except KeyError:
            pass
        function = self.generated.get(name)
        if function is None:
            raise EvalError(f"unknown name '{name}'")
        budget = self.budget  # charged as the interpreter charges: the value and each row it may read
        budget.left -= len(self.policy.values[name].rules) + 1
        if budget.left < budget.next_check:
            budget.charge(0)
        value = self.cache[name] = function(self, self.known)
        return value


def decide_generated(policy: Policy, case: Case, as_of: date, limits: Limits = DEFAULT) -> Decided | None:
    """The decisions of ``case`` when every one of them is known on the generated road;
    None when the interpreter must decide (an unknown fact, a settled value, an error,
    the work budget of ``limits`` spent)."""
    env = GeneratedEnv(policy, case, as_of, limits)
    try:
        return Decided({v.id: env.get(v.id) for v in policy.plan(case.request_type)[0]}, {})
    except Exception:  # Fallback, an unknown fact read, any error: the interpreter decides, and reports
        return None
    finally:
        env.release()
