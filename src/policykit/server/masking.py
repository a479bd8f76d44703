"""Personal information out of the decision log (China's Personal Information Protection Law, PIPL).

The policy marks the facts that are personal (``personal: true``: a customer's name,
address, phone...).  The log keeps such a value only as whether it was given: a non-blank
text becomes :data:`MASK`, a blank one stays blank, a missing one stays missing.  That is
all the standard's decisions read of them, so a case replayed from the log is decided the
same way.  OPA's decision-log masking is the model.
"""

from __future__ import annotations

from typing import Any

from policykit.policy.model import Policy

MASK = "***"


def personal_fields(policy: Policy) -> tuple[tuple[str, ...], ...]:
    """The case paths of the policy's personal facts (worked out once per policy)."""
    paths: tuple[tuple[str, ...], ...] | None = policy.memo.get("personal_fields")
    if paths is None:
        paths = tuple(tuple(name.split(".")) for name, fact in policy.facts.items() if fact.personal)
        policy.memo["personal_fields"] = paths
    return paths


def mask_case(policy: Policy, case: dict[str, Any]) -> tuple[dict[str, Any], bool]:
    """``case`` with each personal value masked, and whether anything was.  Only the
    objects on a masked path are new; ``case`` itself is never changed."""
    masked = case
    for path in personal_fields(policy):
        masked = _masked(masked, path)
    return masked, masked is not case


def _masked(node: Any, path: tuple[str, ...]) -> Any:
    if not isinstance(node, dict) or path[0] not in node:
        return node
    if len(path) == 1:
        value = node[path[0]]
        if not isinstance(value, str) or not value.strip():
            return node
        return {**node, path[0]: MASK}
    child = _masked(node[path[0]], path[1:])
    return node if child is node[path[0]] else {**node, path[0]: child}
