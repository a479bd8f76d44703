"""Fixed words of the output in every language: the policy's ``messages:`` first, then
policykit's own catalogue (``catalogue.yaml``) for the words that belong to no standard
(weekdays, headings of ``--explain``, the connectives of a condition in words)."""

from __future__ import annotations

from datetime import date
from functools import cache
from pathlib import Path

import yaml

from policykit.policy.model import Policy, Text

_FILE = Path(__file__).with_name("catalogue.yaml")


@cache
def catalogue() -> dict[str, Text]:
    """policykit's own fixed texts: key -> text in each language."""
    with open(_FILE, encoding="utf-8") as handle:
        data = yaml.safe_load(handle)
    return {str(key): Text(tuple((str(k), str(v)) for k, v in texts.items())) for key, texts in data.items()}


def has(policy: Policy, key: str) -> bool:
    return key in policy.messages or key in catalogue()


def say(policy: Policy, key: str, lang: str, /, **fields: object) -> str:
    """The fixed text ``key`` in ``lang`` with its ``{fields}`` filled in."""
    text = policy.messages.get(key) or catalogue().get(key)
    template = text.get(lang) if text is not None else key
    for name, value in fields.items():
        template = template.replace("{" + name + "}", str(value))
    return template


def day(policy: Policy, value: date, lang: str) -> str:
    """A date with its weekday: ``2026-02-13 Fri`` in English."""
    return f"{value.isoformat()} {say(policy, f'weekday_{value.weekday()}', lang)}"
