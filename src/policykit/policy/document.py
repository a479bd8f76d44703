"""A parsed document: its data and the line and column of every path in it, and the
one way a place in it is named for a person (:func:`address`)."""

from __future__ import annotations

from policykit.errors import Diagnostic

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections import Counter
    from typing import Any

Path = tuple[str | int, ...]

# what names an item of a list, in this order: a clause, a value or a step by its id, a
# calendar day by its date or its day of the year, an entry by its name, a citation by its
# clause, a row of a list decision by the value it adds (amendments find items by the same)
ITEM_KEYS = ("id", "date", "every", "name", "clause", "value")
# an address names an item by these, a prefix of ITEM_KEYS so that an amendment finds the
# same item by it; rows of a table are named by position, not by the value they give
_ADDRESS_KEYS = ITEM_KEYS[:-1]
# patterns compiled when first used, then found in re's own cache (a run that reads its
# policy from the compile cache never uses them)
_NAME = r"[A-Za-z_][A-Za-z0-9_-]*\Z"
_KEY = r"[^\[\]\s]+\Z"


def item_key(item: Any, keys: tuple[str, ...] = ITEM_KEYS) -> str | None:
    """The id (or date, day of the year, name, clause, value) that names a list item, if it has one."""
    if isinstance(item, dict):
        import re  # (found in sys.modules after the first time)

        for key in keys:
            value = item.get(key)
            if isinstance(value, str) and re.match(_KEY, value):
                return value
    return None


def _by_key(items: list[Any], i: int, seen: dict[int, Counter[str | None]]) -> str | None:
    """The key of ``items[i]`` when it names that item alone (an amendment finds it by it)."""
    key = item_key(items[i], _ADDRESS_KEYS) if 0 <= i < len(items) else None
    if key is None or key.isdigit():
        return None
    counts = seen.get(id(items))
    if counts is None:
        from collections import Counter

        counts = seen[id(items)] = Counter(item_key(item, _ADDRESS_KEYS) for item in items)
    return key if counts[key] == 1 else None


def address(data: Any, path: Path, seen: dict[int, Counter[str | None]] | None = None) -> str:
    """A place in the data as a person names it, and as an amendment addresses it:
    ``("decisions", 4, "rules", 2, "when")`` -> ``decisions[service.type].rules[2].when``.

    A list item with an id of its own (clauses, decisions, derived values, steps, calendar
    days by their date...) is named by it, any other by its position from 0; a key that is
    not a plain name (``fault.lightning``) is written in brackets.  The root is ``""``.
    ``seen`` keeps the keys of the lists met, for many calls on the same data."""
    import re

    seen = {} if seen is None else seen
    out = ""
    node = data
    for part in path:
        if isinstance(part, int):
            key = _by_key(node, part, seen) if isinstance(node, list) else None
            out += f"[{key if key is not None else part}]"
        else:
            text = str(part)
            if re.match(_NAME, text):
                out += f".{text}" if out else text
            else:
                out += f"[{text}]"
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            node = None
    return out


class Document:
    """Parsed data plus the (line, column) of every path in it, both 1-based (equal to
    another of the same file, data and lines)."""

    __slots__ = ("_seen", "data", "file", "lines", "scalars")

    file: str
    data: Any
    lines: dict[Path, tuple[int, int]]
    _seen: dict[int, Counter[str | None]]
    # where a one-line plain or quoted text value starts, its quote ("" for none) and the
    # text as the file writes it (a policy read back from the cache has none)
    scalars: dict[Path, tuple[int, int, str, str]]

    def __init__(
        self,
        file: str,
        data: Any,
        lines: dict[Path, tuple[int, int]],
        scalars: dict[Path, tuple[int, int, str, str]] | None = None,
    ) -> None:
        self.file, self.data, self.lines, self._seen = file, data, lines, {}
        self.scalars = scalars if scalars is not None else {}

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return (self.file, self.data, self.lines) == (other.file, other.data, other.lines)

    __hash__ = None  # type: ignore[assignment]  # its data is a dict

    def __repr__(self) -> str:
        return f"Document(file={self.file!r}, data={self.data!r}, lines={self.lines!r})"

    def where(self, path: Path) -> tuple[int, int]:
        """The location of ``path`` or of its nearest ancestor that has one."""
        while path not in self.lines and path:
            path = path[:-1]
        return self.lines.get(path, (0, 0))

    def diag(self, path: Path, code: str, message: str, severity: str = "error") -> Diagnostic:
        line, col = self.where(path)
        return Diagnostic(self.file, line, col, code, message, address(self.data, path, self._seen), severity)

    def diag_in(self, path: Path, text: str, offset: int, code: str, message: str) -> Diagnostic:
        """:meth:`diag` placed at character ``offset`` of the text value ``text`` at ``path``
        (a name inside an expression), where the file writes it on one line with nothing
        escaped before that character; else where :meth:`diag` places it."""
        found = self.scalars.get(path)
        if found is None or not 0 <= offset <= len(text):
            return self.diag(path, code, message)
        line, col, quote, written = found
        if written[len(quote) : len(quote) + offset] != text[:offset]:
            return self.diag(path, code, message)  # an escape before it (or another text): the columns differ
        where = col + len(quote) + offset
        return Diagnostic(self.file, line, where, code, message, address(self.data, path, self._seen))


class AskedDocument(Document):
    """A :class:`Document` that notes each place asked for and where it was found: the
    places a build asks for are all a policy read back from the compile cache needs."""

    __slots__ = ("asked",)

    def __init__(self, file: str, data: Any, lines: dict[Path, tuple[int, int]]) -> None:
        super().__init__(file, data, lines)
        self.asked: dict[Path, tuple[int, int]] = {}

    def where(self, path: Path) -> tuple[int, int]:
        found = self.asked[path] = super().where(path)
        return found


class KeptDocument(Document):
    """A :class:`Document` read back from the compile cache: it holds the places the build
    that wrote the entry asked for (:class:`AskedDocument`) and knows no other.  A place it
    lacks raises :class:`KeyError` instead of falling back to an ancestor's, so that a
    build that asks for a place its entry was not written with (the build changed, the
    entry did not) cannot place a row silently wrong: the entry is not used, and the
    policy is compiled and stored afresh."""

    __slots__ = ()

    def where(self, path: Path) -> tuple[int, int]:
        return self.lines[path]
