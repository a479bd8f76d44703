"""policykit's own words: the fixed texts of the output that belong to no standard
(weekdays, headings of ``--explain``, the connectives of a condition in words, a case's
problems).  :meth:`Policy.message` falls back to them; a policy's ``messages:`` of the same
key take precedence."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import yaml

_FILE = Path(__file__).with_name("catalogue.yaml")


@cache
def catalogue() -> dict[str, tuple[tuple[str, str], ...]]:
    """Key -> (language, text) pairs (read once, with libyaml's safe loader where PyYAML has
    it: the pure-Python one costs a cold run tens of milliseconds)."""
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    with open(_FILE, encoding="utf-8") as handle:
        data = yaml.load(handle, Loader=loader)
    return {str(key): tuple((str(k), str(v)) for k, v in texts.items()) for key, texts in data.items()}
