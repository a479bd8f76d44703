"""What the generated case reader calls as it runs: the stubs of the functions it compiles
on first use, and the helpers that type a fact's value."""

from __future__ import annotations

from collections.abc import Callable

from policykit.lang.dates import parse_date

TYPE_CHECKING = False
if TYPE_CHECKING:
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
    types them); ValueError where one is not of its kind."""

    def field(kind: str, raw: Any) -> Any:
        if raw is None:
            return None
        if kind == "date":
            return parse_date(raw)  # ValueError for a text that is not a day, and for anything else
        if kind == "int" and isinstance(raw, float):
            raise ValueError("not a whole number")
        if kind == "list" and isinstance(raw, list):
            return [dict(entry) if isinstance(entry, dict) else entry for entry in raw]
        return raw

    def read(raw: Any) -> Any:
        if not isinstance(raw, list):
            return raw
        return [
            {k: field(item.get(k, "string"), v) for k, v in entry.items()} if isinstance(entry, dict) else entry
            for entry in raw
        ]

    return read
