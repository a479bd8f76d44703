"""A way out of a refused expression: the usual slips from other languages, named with
the form the policy language uses (``=`` for ``==``, ``&&`` for ``and``...)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache

# (pattern, hint); compiled on the first refused expression, not on every start
_HINT_PATTERNS = (
    (r"(?<![=!<>])=(?!=)", "to compare, write == (a single = assigns)"),
    (r"&&", "write and instead of &&"),
    (r"\|\|", "write or instead of ||"),
    (r"!(?!=)", "write not x instead of !x"),
    (r"\bis\s+not\b", "write != instead of is not"),
    (r"\bis\b(?!\s+not\b)", "write == instead of is"),
    (r"\b(nil|undefined|NULL)\b", "write null, or is_given(name) to test whether a fact is known"),
)


@cache
def _hints() -> tuple[tuple[re.Pattern[str], str], ...]:
    return tuple((re.compile(pattern), text) for pattern, text in _HINT_PATTERNS)


def hint(source: str) -> str:
    """``": hint; hint"`` for the slips in ``source``, or an empty string."""
    found = [text for pattern, text in _hints() if pattern.search(_without_strings(source))]
    return f" (hint: {'; '.join(found)})" if found else ""


def _without_strings(source: str) -> str:
    return re.sub(r"'[^']*'|\"[^\"]*\"", "''", source)


def quote(text: str, limit: int = 60) -> str:
    """A short, printable quotation of ``text`` for a message (control characters escaped)."""
    short = text if len(text) <= limit else text[: limit - 1] + "…"
    return "'" + "".join(ch if ch.isprintable() else ch.encode("unicode_escape").decode() for ch in short) + "'"


def suggest(name: str, candidates: Sequence[str]) -> str:
    """ "; did you mean 'x'?" for the closest of ``candidates``, or ""."""
    import difflib  # only when a name is unknown

    close = difflib.get_close_matches(name, list(candidates), n=1, cutoff=0.6)
    return f"; did you mean '{close[0]}'?" if close else ""
