"""Personal information out of the decision log (China's Personal Information Protection Law, PIPL).

The policy marks the facts that are personal (``personal: true``: a customer's name,
address, phone...).  The log keeps such a value only as whether it was given: a non-blank
text becomes :data:`MASK`, a blank one stays blank, a missing one stays missing.  That is
all the standard's decisions read of them, so a case replayed from the log is decided the
same way.  OPA's decision-log masking is the model.

A field the case format does not know (``customer.id_card``, ``notes``...) is ignored by the
engine, which only warns of it; what it holds is nobody's business but the caller's, and it
may well be personal.  So its value is masked too, whatever its type (a number, an object:
all of it), unless it is null or blank.  Its name stays: the result's warning names it, and a
case replayed from the log must warn of the same fields to be decided the same way.
"""

from __future__ import annotations

from typing import Any

from policykit.engine.case_schema import case_validator, unknown_keys
from policykit.policy.model import Policy

MASK = "***"

Path = tuple[str | int, ...]


def personal_fields(policy: Policy) -> tuple[tuple[str, ...], ...]:
    """The case paths of the policy's personal facts (worked out once per policy)."""
    paths: tuple[tuple[str, ...], ...] | None = policy.memo.get("personal_fields")
    if paths is None:
        paths = tuple(tuple(name.split(".")) for name, fact in policy.facts.items() if fact.personal)
        policy.memo["personal_fields"] = paths
    return paths


def unknown_fields(policy: Policy, case: Any) -> list[Path]:
    """The paths of ``case``'s fields that the policy's case format does not know, as the
    reader finds them (the format's ``additionalProperties: false``)."""
    found: list[Path] = []
    for error in case_validator(policy.case_schema).iter_errors(case):
        found.extend((*error.absolute_path, key) for key in unknown_keys(error))
    return found


def mask_case(policy: Policy, case: dict[str, Any], unknown_too: bool = True) -> tuple[dict[str, Any], bool]:
    """``case`` with each personal value masked, and (``unknown_too``) the value of each
    field the case format does not know; and whether anything was.  Only the objects on a
    masked path are new; ``case`` itself is never changed.  (A caller that knows the case
    has no unknown field, its reader having raised no notice, may spare the search.)"""
    masked = case
    for path in personal_fields(policy):
        masked = _masked(masked, path, _text)
    if unknown_too:
        for unknown in unknown_fields(policy, case):
            masked = _masked(masked, unknown, _anything)
    return masked, masked is not case


def _text(value: Any) -> bool:
    """Whether a personal fact's value is masked: a non-blank text."""
    return isinstance(value, str) and bool(value.strip())


def _anything(value: Any) -> bool:
    """Whether an unknown field's value is masked: anything but null and blank text."""
    return value is not None and (not isinstance(value, str) or bool(value.strip()))


def _masked(node: Any, path: Path, masks: Any) -> Any:
    key = path[0]
    if isinstance(node, dict):
        if not isinstance(key, str) or key not in node:
            return node
    elif not isinstance(node, list) or not isinstance(key, int) or not 0 <= key < len(node):
        return node
    if len(path) == 1:
        if not masks(node[key]):
            return node
        child: Any = MASK
    else:
        child = _masked(node[key], path[1:], masks)
        if child is node[key]:
            return node
    copy: Any = dict(node) if isinstance(node, dict) else list(node)
    copy[key] = child
    return copy
