"""Patterns of the case format whose matching backtracks: a first line of defence, with
a clear message, when the policy is compiled.

A case's patterns are matched by RE2, in time linear in the text
(:mod:`policykit.policy.pattern_match`), so no pattern can hold a case any more.  This
check still refuses the forms that would backtrack exponentially in an engine that
backtracks, as Python's ``re`` does (``^(a+)+$``: seconds on thirty letters and a ``!``,
twice as long for each letter more): they are a policy editor's mistake (one text matched
many ways) and the message says how to write them.  It is the usual conservative one, on
the tree ``re`` itself parses the pattern to: inside a repeat (``*``, ``+``, ``{n,}``,
``{2,5}``...), no other repeat of varying length and no choice between alternatives,
which is where the ways of matching one text multiply (``(.*a){20}`` is as bad: a power of
the text's length), within an atomic group or a possessive repeat too (RE2 refuses those
anyway).  A fixed count (``{3}``) and a set of characters (``[ab]``, which ``re`` makes of
``a|b``) are allowed.  It refuses some patterns that would match in time (``^(a+b){3}$``:
write ``^a+ba+ba+b$``).  A pattern of RE2's language that ``re`` cannot read (``\\pL``,
``\\z``) is not checked here.
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


def exponential(pattern: str) -> str | None:
    """Why matching ``pattern`` may take exponential time in a backtracking engine (a
    phrase), or None when it cannot or ``re`` cannot read the pattern (a RecursionError
    for groups nested too deeply to parse)."""
    import warnings
    from re import _parser  # the parser of the re module itself: the tree re compiles

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # ('[[:alpha:]]', a class of RE2's, is a nested set to re)
            tree = _parser.parse(pattern)
    except (_parser.error, OverflowError):
        return None
    return _walk(tree.data, False, _parser)


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
