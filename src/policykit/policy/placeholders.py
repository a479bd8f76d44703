"""The ``{name}`` placeholders of a text, and a word in a text, found without regular
expressions.

What ``re.finditer(r"\\{([^{}]+)\\}", text)`` finds (each placeholder's span and name, left
to right, none overlapping) and what ``re.fullmatch(r"[A-Za-z_][\\w.\\-]*", name)`` accepts,
with ``str.find`` and ``str.isalnum``: a cold start that decides one case fills texts but
has no other use for :mod:`re` (its import, with :mod:`enum`'s, costs some 3 ms).
:func:`has_word` finds a word as ``re.search(r"\\b" + re.escape(word) + r"\\b", text,
start)`` does (the closing ``\\b`` only where the word ends in a word character).
``tests/compiler/test_placeholders.py`` holds them to :mod:`re` for any text.
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterator

_FIRST = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_")


def spans(text: str) -> Iterator[tuple[int, int, str]]:
    """(start, end, name) of each ``{name}`` in ``text``: a brace, one or more characters
    that are no brace, a closing brace."""
    find = text.find
    at = find("{")
    while at >= 0:
        close = find("}", at + 1)
        if close < 0:
            return  # no closing brace after this one: none after any later one either
        reopen = find("{", at + 1, close)
        if reopen >= 0:
            at = reopen  # a brace before the closing one: the placeholder starts there, if anywhere
        elif close == at + 1:
            at = find("{", close + 1)  # "{}": no name
        else:
            yield at, close + 1, text[at + 1 : close]
            at = find("{", close + 1)


def names(text: str) -> list[str]:
    """The names of the placeholders of ``text``, in order (repeats kept)."""
    return [name for _, _, name in spans(text)]


def simple(name: str) -> bool:
    """Whether ``name`` is a letter or underscore followed by word characters, dots and dashes."""
    return bool(name) and name[0] in _FIRST and all(c.isalnum() or c in "_.-" for c in name[1:])


def _word_character(ch: str) -> bool:
    return ch.isalnum() or ch == "_"  # what re's \\w is in a str pattern


def has_word(text: str, word: str, start: int = 0) -> bool:
    """Whether ``word`` stands in ``text`` from ``start`` on, no word character before it
    (nor after it, where it ends in one)."""
    closed = _word_character(word[-1])
    at = text.find(word, start)
    while at >= 0:
        before = at > 0 and _word_character(text[at - 1])
        after = at + len(word) < len(text) and _word_character(text[at + len(word)])
        if not before and not (closed and after):
            return True
        at = text.find(word, at + 1)
    return False
