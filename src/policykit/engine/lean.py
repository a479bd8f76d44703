"""The lean road of :func:`~policykit.engine.decide.decide`: only the values of the
decisions, worked out by one generated function per request type
(:mod:`policykit.engine.codegen.request`, every value a local variable), with none of
what a full result needs (the rows that fired, the calendar's cited days, the reads of
defaulted facts).  It gives up (:data:`GAVE_UP`) on the first value the generated code
cannot work out (it reads an unknown, or a value of an unexpected kind), and the caller
then decides the case on the full road, which would have done exactly the same work up
to that point: the values, the errors and the work charged to the budget are those of
the full road (a limit is reached at the same value, and named the same way).
"""

from __future__ import annotations

from datetime import date

from policykit.engine.codegen import GIVE_UP
from policykit.engine.codegen.request import request_function
from policykit.engine.env import shared_names
from policykit.limits import Budget, Limits
from policykit.policy.model import Policy

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

GAVE_UP = GIVE_UP
"""What the lean road raises where the full road must decide the case."""


def lean_values(
    policy: Policy, request_type: str, facts: dict[str, Any], as_of: date, given: frozenset[str], limits: Limits
) -> dict[str, Any]:
    """Each decision of ``request_type`` by its value, on the lean road (raises
    :data:`GAVE_UP` where the full road must decide; a limit's or an evaluation's error as
    the full road raises it).  The calendar's counts only: which days they crossed is not asked."""
    run = request_function(policy, request_type, shared_names)
    return run(Budget(limits), policy.calendar, given, as_of, facts)
