"""A way out of a refused expression: the usual slips from other languages, named with
the form the policy language uses (``=`` for ``==``, ``&&`` for ``and``...)."""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence

_HINTS = (
    (re.compile(r"(?<![=!<>])=(?!=)"), "to compare, write == (a single = assigns)"),
    (re.compile(r"&&"), "write and instead of &&"),
    (re.compile(r"\|\|"), "write or instead of ||"),
    (re.compile(r"!(?!=)"), "write not x instead of !x"),
    (re.compile(r"\bis\s+not\b"), "write != instead of is not"),
    (re.compile(r"\bis\b(?!\s+not\b)"), "write == instead of is"),
    (re.compile(r"\b(nil|undefined|NULL)\b"), "write null, or is_given(name) to test whether a fact is known"),
)


def hint(source: str) -> str:
    """``": hint; hint"`` for the slips in ``source``, or an empty string."""
    found = [text for pattern, text in _HINTS if pattern.search(_without_strings(source))]
    return f" (hint: {'; '.join(found)})" if found else ""


def _without_strings(source: str) -> str:
    return re.sub(r"'[^']*'|\"[^\"]*\"", "''", source)


def quote(text: str, limit: int = 60) -> str:
    """A short, printable quotation of ``text`` for a message (control characters escaped)."""
    short = text if len(text) <= limit else text[: limit - 1] + "…"
    return "'" + "".join(ch if ch.isprintable() else ch.encode("unicode_escape").decode() for ch in short) + "'"


def suggest(name: str, candidates: Sequence[str]) -> str:
    """ "; did you mean 'x'?" for the closest of ``candidates``, or ""."""
    close = difflib.get_close_matches(name, list(candidates), n=1, cutoff=0.6)
    return f"; did you mean '{close[0]}'?" if close else ""
