"""Fixed words of the output in every language: the policy's ``messages:`` first, then
policykit's own catalogue (:mod:`policykit.policy.catalogue`)."""

from __future__ import annotations

from datetime import date

from policykit.policy.catalogue import catalogue
from policykit.policy.model import Policy


def has(policy: Policy, key: str) -> bool:
    return key in policy.messages or key in catalogue()


def say(policy: Policy, key: str, lang: str, /, **fields: object) -> str:
    """The fixed text ``key`` in ``lang`` with its ``{fields}`` filled in."""
    return policy.message(key, lang, **fields)


def day(policy: Policy, value: date, lang: str) -> str:
    """A date with its weekday: ``2026-02-13 Fri`` in English."""
    return f"{value.isoformat()} {say(policy, f'weekday_{value.weekday()}', lang)}"
