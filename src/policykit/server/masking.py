"""Personal information out of the decision log (China's Personal Information Protection Law, PIPL).

The policy marks the facts that are personal (``personal: true``: a customer's name,
address, phone...).  The log keeps such a value only as whether it was given: a non-blank
text becomes :data:`MASK`, a blank one stays blank, a missing one stays missing.  That is
all the standard's decisions read of them, so a case replayed from the log is decided the
same way.  OPA's decision-log masking is the model.
"""

from __future__ import annotations

import copy
from typing import Any

from policykit.policy.model import Policy

MASK = "***"


def personal_fields(policy: Policy) -> tuple[tuple[str, ...], ...]:
    """The case paths of the policy's personal facts."""
    return tuple(tuple(name.split(".")) for name, fact in policy.facts.items() if fact.personal)


def mask_case(policy: Policy, case: dict[str, Any]) -> tuple[dict[str, Any], bool]:
    """A copy of ``case`` with each personal value masked, and whether anything was."""
    paths = personal_fields(policy)
    if not paths:
        return case, False
    masked = copy.deepcopy(case)
    changed = False
    for path in paths:
        node: Any = masked
        for part in path[:-1]:
            node = node.get(part) if isinstance(node, dict) else None
        if not isinstance(node, dict) or path[-1] not in node:
            continue
        value = node[path[-1]]
        if value is None or (isinstance(value, str) and not value.strip()):
            continue
        node[path[-1]] = MASK
        changed = True
    return masked, changed
