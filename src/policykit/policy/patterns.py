"""Patterns of the case format that could take a server down: a regular expression whose
matching may take time exponential in the text it checks.

Python's ``re`` backtracks, with no limit of time: ``^(a+)+$`` takes seconds on a text of
thirty letters and a ``!``, and each letter more doubles it.  A case is checked against the
contract's patterns (by the case reader and by JSON Schema) before any limit of the case's
work applies, so a pattern is checked when the policy is compiled instead.  The check is
the usual conservative one, on the tree ``re`` itself parses the pattern to: inside a
repeat (``*``, ``+``, ``{n,}``, ``{2,5}``...), no other repeat of varying length and no
choice between alternatives, which is where the ways of matching one text multiply
(``(.*a){20}`` is as bad: a power of the text's length), within an atomic group or a
possessive repeat too (they give nothing back once matched, but backtrack within).  A
fixed count (``{3}``) and a set of characters (``[ab]``, which ``re`` makes of ``a|b``) are
allowed.  It refuses some patterns that would match in time (``^(a+b){3}$``: write
``^a+ba+ba+b$``), and it is not complete: repeats or choices side by side (``^a*a*a*a*a*$``,
twelve ``(?:a|.)`` in a row) still cost a power of the text's length, which nothing bounds
(JSON Schema checks a pattern even on a text already too long).  Matching in linear time
(RE2) would close that; until then a policy's patterns are trusted as far as this goes.
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


def exponential(pattern: str) -> str | None:
    """Why matching ``pattern`` may take exponential time (a phrase), or None when it cannot.
    ``pattern`` must compile."""
    from re import _parser  # the parser of the re module itself: the tree re compiles

    return _walk(_parser.parse(pattern).data, False, _parser)


def _walk(items: Any, open_repeat: bool, parser: Any) -> str | None:
    for op, arg in items:
        name = str(op)
        if name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
            low, high, body = arg
            if open_repeat and low != high:
                return "a repeat inside a repeat"
            found = _walk(body, open_repeat or high > 1, parser)
        elif name == "ATOMIC_GROUP":  # it gives nothing back once matched, but backtracks within
            found = _walk(arg, open_repeat, parser)
        elif name == "BRANCH":
            if open_repeat:
                return "a choice between alternatives inside a repeat"
            found = next((f for branch in arg[1] if (f := _walk(branch, False, parser))), None)
        elif name == "SUBPATTERN":
            found = _walk(arg[3], open_repeat, parser)
        elif name in ("ASSERT", "ASSERT_NOT"):
            found = _walk(arg[1], open_repeat, parser)
        elif name == "GROUPREF_EXISTS":
            found = _walk(arg[1], open_repeat, parser) or (_walk(arg[2], open_repeat, parser) if arg[2] else None)
        else:
            found = None
        if found:
            return found
    return None
