"""Text laid out for a terminal: display width (a Chinese character takes two columns),
wrapping that breaks Chinese between any two characters and other text at spaces, and
hanging indents.  (rich's wrapping breaks only at spaces, which leaves Chinese lines
ragged, so this small wrapper is our own.)"""

from __future__ import annotations

import unicodedata

from policykit.memo import lru_cache

# the characters laid out one by one, any two of which a line may break between
_CJK = (("\u2e80", "\u9fff"), ("\uf900", "\ufaff"), ("\uff00", "\uffef"))


def _cjk(ch: str) -> bool:
    return any(low <= ch <= high for low, high in _CJK)


def tokens(text: str) -> list[str]:
    """``text`` as runs of white space, single Chinese (and other wide East Asian)
    characters and runs of anything else: what ``re.findall(r"\\s+|[CJK]|[^\\sCJK]+")``
    gives (``\\s`` is ``str.isspace``), without loading :mod:`re`."""
    out = []
    i, end = 0, len(text)
    while i < end:
        ch = text[i]
        j = i + 1
        if ch.isspace():
            while j < end and text[j].isspace():
                j += 1
        elif not _cjk(ch):
            while j < end and not text[j].isspace() and not _cjk(text[j]):
                j += 1
        out.append(text[i:j])
        i = j
    return out


def _odd_space(text: str) -> bool:
    """Spacing the wrapper changes: a blank other than a space, two in a row, one at the
    start (``re.search(r"[^\\S ]|  |^ ", text)``).  Every blank but the space is unprintable."""
    if text.startswith(" ") or "  " in text:
        return True
    return not text.isprintable() and any(ch.isspace() and ch != " " for ch in text)


_NO_LINE_START = set("，。、；：！？）」』”’》〉】,.;:!?)]")


class _Widths(dict[str, int]):
    """Columns each character takes, looked up once per character (a bounded table)."""

    def __missing__(self, ch: str) -> int:
        found = 2 if unicodedata.east_asian_width(ch) in "WF" else 1
        if len(self) < 65_536:
            self[ch] = found
        return found


_WIDTHS = _Widths()


def width(text: str) -> int:
    """Columns ``text`` takes on a terminal."""
    return len(text) if text.isascii() else sum(map(_WIDTHS.__getitem__, text))


def pad(text: str, columns: int) -> str:
    return text + " " * max(0, columns - width(text))


def wrap(text: str, columns: int) -> list[str]:
    """``text`` in lines of at most ``columns`` (a single word longer than that is cut)."""
    return list(_wrapped(text, max(columns, 8)))


@lru_cache(maxsize=4096)
def _wrapped(text: str, columns: int) -> tuple[str, ...]:
    """:func:`wrap`, kept for the texts every result shows alike (a clause, a fixed reason)."""
    if not _odd_space(text) and width(text) <= columns:
        return (text.rstrip(),)  # one line, its spaces as they are: what the loop below gives
    lines: list[str] = []
    line = ""
    used = 0  # the columns ``line`` takes, kept as it grows
    for token in tokens(text):
        if token.isspace():
            if line:
                line += " "
                used += 1
            continue
        size = width(token)
        while size > columns:  # a long word (a URL): cut it
            room = columns - used
            cut = _fit(token, room) if room > 0 else 0
            if cut == 0:
                lines.append(line.rstrip())
                line = ""
                cut = _fit(token, columns)
            lines.append(line + token[:cut])
            line, token, used = "", token[cut:], 0
            size = width(token)
        if used + size > columns:
            if token in _NO_LINE_START and line:
                # keep closing punctuation on its line: move the last character down instead
                lines.append(line[:-1].rstrip())
                line = line[-1] + token
                used = width(line)
                continue
            lines.append(line.rstrip())
            line, used = token, size
        else:
            line += token
            used += size
    if line.strip() or not lines:
        lines.append(line.rstrip())
    return tuple(lines)


def _fit(token: str, columns: int) -> int:
    used = 0
    for i, ch in enumerate(token):
        used += width(ch)
        if used > columns:
            return i
    return len(token)


def hang(first: str, text: str, indent: int, columns: int) -> list[str]:
    """``first`` (padded to ``indent`` columns) then ``text`` wrapped, later lines indented."""
    return list(_hung(first, text, indent, columns))


@lru_cache(maxsize=4096)
def _hung(first: str, text: str, indent: int, columns: int) -> tuple[str, ...]:
    """:func:`hang`, kept for the paragraphs every result shows alike."""
    body = wrap(text, columns - indent)
    head = pad(first, indent) if width(first) <= indent else None
    out = [head + body[0]] if head is not None else [first, " " * indent + body[0]]
    out.extend(" " * indent + line for line in body[1:])
    return tuple(line.rstrip() for line in out)
