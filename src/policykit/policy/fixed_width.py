"""The search for a plain pattern (:func:`policykit.policy.pattern_match.plain`: no part
of varying width), made without :mod:`re`.

Such a pattern is a row of character classes, one per character of the text it matches
(groups and counts ``{n}`` only repeat parts of the row), anchored or not at either end;
so a search compares the row with the text at each place it may start, no backtracking,
and needs no regular-expression engine.  :mod:`re`'s import, with :mod:`enum`'s, costs a
cold start some 3 ms, and the one pattern of the bundled case format (a date) is plain.

A class is what ``re`` with ``re.ASCII`` reads: ``\\d`` the ten ASCII digits, ``\\w``
ASCII letters, digits and ``_``, their capitals the complements, ``.`` any character but
a new line, a set ``[...]`` the union of its items and ranges, ``[^...]`` its complement.
``tests/compiler/test_pattern_match.py`` holds the search to ``re`` and RE2 on generated
plain patterns and texts.
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable

# a class: (complemented, characters, ranges (low, high) inclusive)
Class = tuple[bool, frozenset[str], tuple[tuple[str, str], ...]]

_DIGITS = frozenset("0123456789")
_WORD = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_")
_ESCAPES: dict[str, Class] = {
    "d": (False, _DIGITS, ()),
    "D": (True, _DIGITS, ()),
    "w": (False, _WORD, ()),
    "W": (True, _WORD, ()),
    "t": (False, frozenset("\t"), ()),
    "n": (False, frozenset("\n"), ()),
    "r": (False, frozenset("\r"), ()),
    "f": (False, frozenset("\f"), ()),
    "v": (False, frozenset("\v"), ()),
}
_ANY: Class = (True, frozenset("\n"), ())
_WRITTEN_OUT = 256  # a range of fewer characters is written out as a set of them

DATE_PATTERN = "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
"""The pattern of a date the contract does not name a type for (:mod:`policykit.policy.
contract_schema` writes it into the case format), a plain one: kept here, where the case
reader finds it without loading the contract's writer."""


LONG = 64
"""The longest text the row is compared with here: a longer one is searched by ``re``
(the row compared at each of its places in Python would take time in the product of the
text's length and the pattern's width: seconds for a long text a case may give)."""


def fixed_search(pattern: str, fixed: str) -> Callable[[str], object]:
    """The search for the plain pattern ``pattern`` (``fixed``: its form for ``re``, from
    :func:`~policykit.policy.pattern_match.plain`): a text -> a true value where the
    pattern occurs in it, None where it does not."""
    start = pattern.startswith("^")
    end = len(pattern) > start and pattern[-1] == "$" and not escaped_at(pattern, len(pattern) - 1)
    row = tuple(_row(pattern[1 if start else 0 : len(pattern) - 1 if end else len(pattern)]))
    width = len(row)

    long: list[Callable[[str], object]] = []  # re's search, compiled when a long text first comes

    def search(text: str) -> object:
        if len(text) > LONG:
            if not long:
                import re

                long.append(re.compile(fixed, re.ASCII).search)
            return long[0](text)
        room = len(text) - width
        if room < 0:
            return None
        first = room if end else 0
        last = 0 if start else room
        for offset in range(first, last + 1):
            if _at(row, text, offset):
                return True
        return None

    return search


def _at(row: tuple[Class, ...], text: str, offset: int) -> bool:
    """Whether ``text`` holds the row's characters from ``offset`` on."""
    for k, (complemented, chars, ranges) in enumerate(row):
        ch = text[offset + k]
        held = ch in chars or (bool(ranges) and any(low <= ch <= high for low, high in ranges))
        if held == complemented:
            return False
    return True


def escaped_at(text: str, i: int) -> bool:
    """Whether the character at ``i`` follows an odd number of backslashes."""
    slashes = 0
    while i - slashes > 0 and text[i - slashes - 1] == "\\":
        slashes += 1
    return slashes % 2 == 1


def _row(body: str) -> list[Class]:
    """The classes of a plain pattern's body, one per character it matches."""
    stack: list[list[Class]] = []
    row: list[Class] = []
    last: list[Class] = []  # what a count repeats: the item or group just read
    i, end = 0, len(body)
    while i < end:
        ch = body[i]
        if ch == "(":
            i += 3 if body.startswith("(?:", i) else 1
            stack.append(row)
            row = []
            continue
        if ch == ")":
            group = row
            row = stack.pop()
            row.extend(group)
            last = group
        elif ch == "{":
            close = body.index("}", i)
            row.extend(last * (int(body[i + 1 : close]) - 1))
            last = []
            i = close
        elif ch == "[":
            item, i = _set(body, i)
            row.append(item)
            last = [item]
        elif ch == "\\":
            i += 1
            item = _ESCAPES.get(body[i]) or (False, frozenset(body[i]), ())
            row.append(item)
            last = [item]
        else:
            item = _ANY if ch == "." else (False, frozenset(ch), ())
            row.append(item)
            last = [item]
        i += 1
    return row


def _set(body: str, start: int) -> tuple[Class, int]:
    """The class of the set opening at ``start`` and the index of its ``]``."""
    complemented = body.startswith("[^", start)
    i = start + 2 if complemented else start + 1
    first = i
    parts: list[Class] = []
    while body[i] != "]":
        if body[i] == "-" and (i == first or body[i + 1] == "]"):
            parts.append((False, frozenset("-"), ()))
            i += 1
            continue
        low, i = _item(body, i)
        if isinstance(low, str) and body[i] == "-" and body[i + 1] != "]":
            high, i = _item(body, i + 1)
            assert isinstance(high, str)
            if ord(high) - ord(low) < _WRITTEN_OUT:  # a set lookup, not a comparison a character
                parts.append((False, frozenset(map(chr, range(ord(low), ord(high) + 1))), ()))
            else:
                parts.append((False, frozenset(), ((low, high),)))
        else:
            parts.append(low if not isinstance(low, str) else (False, frozenset(low), ()))
    union = _union(parts)
    return ((not union[0], union[1], union[2]) if complemented else union), i


def _item(body: str, i: int) -> tuple[str | Class, int]:
    """A set's item at ``i`` (a character, or the class of an escape such as ``\\d``) and the index after it."""
    if body[i] == "\\":
        escape = body[i + 1]
        found = _ESCAPES.get(escape)
        if found is not None and not found[0] and len(found[1]) == 1:
            return next(iter(found[1])), i + 2  # \t \n \r \f \v: a character (a range may end at it)
        return (found if found is not None else escape), i + 2
    return body[i], i + 1


def _union(parts: list[Class]) -> Class:
    """One class holding what any of ``parts`` holds.  A complemented class stays
    complemented, less what the others hold: a range of those is written out (a set of
    this grammar ranges over printable characters)."""
    chars: set[str] = set()
    ranges: list[tuple[str, str]] = []
    out: set[str] | None = None  # the characters a complemented part leaves out
    for complemented, have, spans in parts:
        if complemented:
            out = set(have) if out is None else out & have
        else:
            chars |= have
            ranges.extend(spans)
    if out is None:
        return (False, frozenset(chars), tuple(ranges))
    out -= chars
    out = {ch for ch in out if not any(low <= ch <= high for low, high in ranges)}
    return (True, frozenset(out), ())
