"""A request's query parameters, read strictly: each endpoint names the ones it reads, and
one it does not know, one given twice or one given empty is refused (400), each named.

Read loosely, each of them would be a silent change of the answer: a misspelt ``as_of``
decides as of today, a second ``as_of`` overrides the first, an empty ``lang`` falls back
to the default language, and a ``cursor=`` in place of ``after=`` gives the first page."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from policykit.lang.hints import quote, suggest

Problems = list[dict[str, Any]]


def read_query(query: Any, names: Sequence[str]) -> tuple[dict[str, str], Problems]:
    """The values of ``query`` (Starlette's ``QueryParams``, a mapping, or (name, value)
    pairs) that can be read, by name, and the problems of those that cannot: one problem a
    name, the first that applies of ``unknown-parameter``, ``repeated-parameter`` and
    ``empty-parameter``."""
    if hasattr(query, "multi_items"):
        items = query.multi_items()
    else:
        items = list(query.items()) if hasattr(query, "items") else list(query)
    values: dict[str, str] = {}
    counts: dict[str, int] = {}
    for name, value in items:
        counts[name] = counts.get(name, 0) + 1
        values.setdefault(name, value)
    problems: Problems = []
    read: dict[str, str] = {}
    for name, count in counts.items():
        if name not in names:
            said = f"unknown parameter {quote(name)}{suggest(name, names)} (known: {', '.join(names)})"
            problems.append({"code": "unknown-parameter", "path": name, "message": said})
        elif count > 1:
            times = "twice" if count == 2 else f"{count} times"
            said = f"{name} is given {times}: give it once (which one is meant cannot be told)"
            problems.append({"code": "repeated-parameter", "path": name, "message": said})
        elif not values[name]:
            said = f"{name} is empty: give it a value, or leave it out for its default"
            problems.append({"code": "empty-parameter", "path": name, "message": said})
        else:
            read[name] = values[name]
    return read, problems
