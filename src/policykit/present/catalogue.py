"""Fixed words of the output in every language: the policy's ``messages:`` first, then
policykit's own catalogue (:mod:`policykit.policy.catalogue`)."""

from __future__ import annotations

from policykit.lang.dates import date
from policykit.policy.catalogue import catalogue
from policykit.policy.model import Policy, Text


def has(policy: Policy, key: str) -> bool:
    return key in policy.messages or key in catalogue()


def say(policy: Policy, key: str, lang: str, /, **fields: object) -> str:
    """The fixed text ``key`` in ``lang`` with its ``{fields}`` filled in."""
    return policy.message(key, lang, **fields)


def day(policy: Policy, value: date, lang: str) -> str:
    """A date with its weekday: ``2026-02-13 Fri`` in English."""
    return f"{value.isoformat()} {say(policy, f'weekday_{value.weekday()}', lang)}"


def title(policy: Policy, name: str, lang: str) -> str:
    """What ``name`` is called: the title of its fact or value, else the catalogue's word."""
    text: Text | None = None
    if name in policy.facts:
        text = policy.facts[name].title
    elif name in policy.values:
        text = policy.values[name].title
    if text is not None:
        return _lower(text.get(lang), lang)
    if has(policy, f"name_{name}"):
        return say(policy, f"name_{name}", lang)
    return name


def _lower(text: str, lang: str) -> str:
    """An English title inside a sentence: ``Warranty status`` -> ``warranty status``."""
    if lang == "en" and len(text) > 1 and text[0].isupper() and text[1].islower():
        return text[0].lower() + text[1:]
    return text
