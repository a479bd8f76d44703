"""What the generated case reader calls as it runs: the stubs of the functions it compiles
on first use, and the helpers that type a fact's value."""

from __future__ import annotations

from policykit.lang.dates import parse_date

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

ABSENT = object()
"""What ``dict.get`` gives for a key the case does not have (null is not absent)."""


def lazy_section(name: str, text: str, names: dict[str, Any]) -> Callable[..., Any]:
    """A stub of the section function ``name``: its first call compiles ``text`` (generated
    in this process) into ``names``, where the reader finds the function itself from then on."""

    def first_call(x: Any, facts: dict[str, Any]) -> Any:
        if names.get(name) is first_call:  # (two threads may both get here: the same code)
            exec(compile(text, "<case reader>", "exec"), names)
        return names[name](x, facts)

    return first_call


def whole(value: Any) -> Any:
    if isinstance(value, float):
        raise ValueError("not a whole number")
    return value


JSON_CLASSES = frozenset({dict, list, str, int, float, bool, type(None)})


def list_reader(item: dict[str, str]) -> Callable[[Any], Any]:
    """A list fact's value with each entry's fields typed by ``item`` (as the exact reader
    types them); ValueError where one is not of its kind.  An entry is copied and only its
    fields of a kind other than text are looked at; a day's text is read once (a batch's
    cases give the same days)."""
    typed = tuple((key, kind) for key, kind in item.items() if kind in ("date", "int", "list"))
    days: dict[str, Any] = {}

    def field(kind: str, raw: Any) -> Any:
        if kind == "date":
            if raw.__class__ is str:
                day = days.get(raw)
                if day is None:
                    day = parse_date(raw)  # ValueError for a text that is not a day
                    if len(days) < MAX_FOUND:
                        days[raw] = day
                return day
            return parse_date(raw)  # ValueError for anything else
        if kind == "int" and isinstance(raw, float):
            raise ValueError("not a whole number")
        if kind == "list" and isinstance(raw, list):
            return [dict(entry) if isinstance(entry, dict) else entry for entry in raw]
        return raw

    def read(raw: Any) -> Any:
        if not isinstance(raw, list):
            return raw
        out = []
        for entry in raw:
            if isinstance(entry, dict):
                entry = dict(entry)  # (its fields in their order: a typed one keeps its place)
                for key, kind in typed:
                    value = entry.get(key)
                    if value is not None:
                        entry[key] = field(kind, value)
            out.append(entry)
        return out

    return read


class Found(dict[str, "bool | None"]):
    """Whether a pattern is found in each text, each text searched once: ``found[text]`` is
    True where it is, None where not (``search(text) is None`` read the same way).  For a
    pattern whose texts repeat from case to case (a day's form: a batch's cases give a few
    thousand days), a look-up in place of a search; at most :data:`MAX_FOUND` texts are
    kept, past that a text is searched each time."""

    __slots__ = ("search",)

    def __init__(self, search: Callable[[str], object]) -> None:
        super().__init__()
        self.search = search

    def __missing__(self, text: str) -> bool | None:
        found = True if self.search(text) is not None else None
        if len(text) <= MAX_FOUND_CHARS and len(self) < MAX_FOUND:
            self[text] = found
        return found


MAX_FOUND = 8192  # some 22 years of days; each kept text is ~150 bytes
# a longer text is searched each time, never kept: a case may give a field of a day's form
# a text of up to case_bytes (the pattern then refuses it), and 8 192 of those would stay
MAX_FOUND_CHARS = 64
