"""How a pattern of the case format is matched: in RE2's language and in time linear in
the text, whatever the pattern.

Python's ``re`` backtracks with no limit of time (``^a*a*a*a*a*$`` holds a text of 400
letters and a ``!`` for minutes, forty ``(?:a|.)`` side by side one of forty letters for
hours), so a pattern is searched for by RE2 (``google-re2``), which never backtracks.
Its language is the language of the case format's patterns: what RE2 cannot compile (a
lookaround, a backreference, an atomic group, a possessive repeat) is refused when the
policy is compiled (:func:`re2_problem`), ``\\d`` and ``\\w`` are ASCII (as in JSON
Schema's own dialect, ECMA 262), and ``$`` holds only at the very end of the text (as
there too; Python's ``$`` also holds before a final newline).

Importing RE2 costs a cold start milliseconds, and most patterns need none of it: a
pattern with no part of varying width (literals, sets, ``.``, ``\\d``/``\\w``, groups and
fixed counts like ``{4}``, ``^`` first and ``$`` last: the form of a date) cannot
backtrack beyond its own width.  Such a pattern (:func:`plain`, a small grammar on which
both engines agree; a test compares them) is a row of character classes, one per
character it matches, and is searched for by comparing that row with the text
(:mod:`policykit.policy.fixed_width`, as ``re`` with ``$`` written ``\\Z`` and
``\\d``/``\\w`` made ASCII would: without loading ``re``); RE2 is imported only for
another pattern.  The
generated case reader and the exact one (JSON Schema) both search through
:func:`searcher`, so they agree on every text.
"""

from __future__ import annotations

from policykit.memo import lru_cache
from policykit.policy.fixed_width import escaped_at, fixed_search

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

    Search = Callable[[str], object]
    """A text -> a match, or None where the pattern does not occur in it."""

MAX_PLAIN_WIDTH = 1000
"""The widest text a plain pattern matches: RE2 takes counts up to 1000, nested ones
multiplied, and a pattern within it is certainly one RE2 compiles too."""

MAX_PLAIN_DEPTH = 32
"""The deepest groups of a plain pattern (deeper ones, which ``re`` may not compile, are RE2's)."""

_PUNCTUATION = frozenset("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")  # escaped: itself, in re and RE2
_ESCAPES = frozenset("dDwWtnrfv")  # the same in re (made ASCII) and RE2
_SPECIAL = frozenset("\\^$.|?*+()[]{}")


@lru_cache(maxsize=256)
def searcher(pattern: str) -> Search:
    """What searches for ``pattern`` (compiled once): a row of character classes compared
    with the text (:mod:`policykit.policy.fixed_width`, as ``re`` would) for a :func:`plain`
    pattern, else RE2.  ``pattern`` must compile (:func:`re2_problem` gave None)."""
    fixed = plain(pattern)
    if fixed is not None:
        return fixed_search(pattern, fixed)
    compiled = _re2_compile(pattern)
    search = compiled.search

    def found(text: str) -> object:
        try:
            return search(text)
        except UnicodeEncodeError:  # a lone surrogate: its UTF-8 form, one character to RE2 as to re
            return search(text.encode("utf-8", "surrogatepass"))

    return found


def re2_problem(pattern: str) -> str | None:
    """Why ``pattern`` is not a pattern of RE2's language (RE2's words), or None when it is."""
    if plain(pattern) is not None:
        return None  # (a plain pattern is one RE2 compiles: RE2 is not imported for it)
    import re2

    try:
        searcher(pattern)  # compiled once, for the readers too
    except re2.error as exc:
        reason = exc.args[0] if exc.args else exc
        return reason.decode("utf-8", "replace") if isinstance(reason, bytes) else str(reason)
    except UnicodeEncodeError:
        return "a lone surrogate is not a character"
    return None


def _re2_compile(pattern: str) -> Any:
    import re2

    options = re2.Options()
    options.log_errors = False  # (RE2 would write every error to stderr itself)
    return re2.compile(pattern, options)


def plain(pattern: str) -> str | None:
    """The form for ``re`` of a pattern with no part of varying width, on which ``re``
    (with that form and ``re.ASCII``) and RE2 agree on every text; None for any other
    pattern.  Its grammar: ``^`` first, ``$`` last, printable literals, an escaped
    punctuation mark, ``\\d \\D \\w \\W \\t \\n \\r \\f \\v``, ``.``, a set ``[...]`` of
    those and ranges, groups ``(...)`` and ``(?:...)``, and a count ``{n}`` (1 to 1000)
    after any of them; at most :data:`MAX_PLAIN_WIDTH` characters wide."""
    end = len(pattern)
    anchored = end > 0 and pattern[-1] == "$" and not escaped_at(pattern, end - 1)
    body = pattern[1 if pattern.startswith("^") else 0 : end - 1 if anchored else end]
    width = _width(body)
    if width is None or width > MAX_PLAIN_WIDTH:
        return None
    return pattern[:-1] + "\\Z" if anchored else pattern


def _width(body: str) -> int | None:
    """The width of every text ``body`` matches, or None when it is not of the grammar."""
    stack: list[int] = []
    width = 0
    last: int | None = None  # the width of the item a count would repeat
    i, end = 0, len(body)
    while i < end:
        ch = body[i]
        if ch == "(":
            i += 3 if body.startswith("(?:", i) else 1
            if len(stack) == MAX_PLAIN_DEPTH:
                return None
            stack.append(width)
            width, last = 0, None
            continue
        if ch == ")":
            if not stack or width == 0:
                return None
            last = width
            width = stack.pop() + width
        elif ch == "{":
            close = body.find("}", i)
            digits = body[i + 1 : close] if close > 0 else ""
            if last is None or not digits.isascii() or not digits.isdigit() or digits[0] == "0" or len(digits) > 4:
                return None
            count = int(digits)
            if count > MAX_PLAIN_WIDTH:
                return None
            width, last = width + last * (count - 1), None
            i = close
        elif ch == "[":
            shut = _set_end(body, i)
            if shut is None:
                return None
            width, last, i = width + 1, 1, shut
        elif ch == "\\":
            if i + 1 == end or (body[i + 1] not in _PUNCTUATION and body[i + 1] not in _ESCAPES):
                return None
            width, last, i = width + 1, 1, i + 1
        elif ch == "." or (ch not in _SPECIAL and ch.isprintable()):
            width, last = width + 1, 1
        else:
            return None
        if width > MAX_PLAIN_WIDTH:
            return None
        i += 1
    return None if stack else width


def _set_end(body: str, start: int) -> int | None:
    """The index of the ``]`` that closes the set opening at ``start``, or None when the
    set is not of the grammar: ``^`` first to negate, then one item or more, each a
    printable literal other than ``[ ] \\ -``, an escape of the grammar, or a range of two
    literals from low to high (``a-z``); ``-`` itself first or last; no doubled
    ``& - | ~`` (which ``re`` warns may become operators)."""
    i = start + 2 if body.startswith("[^", start) else start + 1
    first, end = i, len(body)
    while i < end and body[i] != "]":
        if body[i] == "-" and (i == first or body[i + 1 : i + 2] == "]"):
            i += 1
            continue
        low, i = _set_item(body, i)
        if low is None or body[i : i + 1] != "-" or body[i + 1 : i + 2] in ("]", ""):
            continue
        high, i = _set_item(body, i + 1)
        if low == "" or high is None or high == "" or low > high:
            return None
        if body[i : i + 1] == "-" and body[i + 1 : i + 2] != "]":
            return None  # a-c-e: a range right after a range
    if i >= end or i == first or any(pair in body[first:i] for pair in ("&&", "--", "||", "~~")):
        return None
    return i


def _set_item(body: str, i: int) -> tuple[str | None, int]:
    """The item of a set at ``i`` and the index after it: its character, "" for a class
    (``\\d``), None when it is not of the grammar (then the index is past the end)."""
    ch = body[i]
    if ch == "\\":
        nxt = body[i + 1 : i + 2]
        if nxt and nxt in _PUNCTUATION:
            return nxt, i + 2
        return ("", i + 2) if nxt and nxt in _ESCAPES else (None, len(body))
    if ch in "[-" or not ch.isprintable():
        return None, len(body)
    return ch, i + 1
