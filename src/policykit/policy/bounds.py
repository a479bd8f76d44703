"""Stage 3, bounds: what a policy may hold so that every case it decides can be decided
and written out: names that do not shadow the built-in ones, finite numbers, values
small enough to show, and a calendar the package knows."""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Any

from policykit.errors import Diagnostic
from policykit.lang.hints import suggest
from policykit.limits import DEFAULT, Limits, note_need
from policykit.policy.document import Document
from policykit.policy.policy_data import value_items

RESERVED_ROOTS = ("params", "policy")
RESERVED_NAMES = ("as_of", "value", "due", "true", "false", "null", "True", "False", "None")


def check_bounds(doc: Document, limits: Limits = DEFAULT, needs: dict[str, int] | None = None) -> Iterator[Diagnostic]:
    """The bounds of ``doc``; ``needs`` (when given) notes the least ``string_chars`` and
    ``list_items`` under which its values and defaults pass (:func:`policykit.limits.note_need`)."""
    data = doc.data
    yield from _reserved(doc)
    yield from _finite(doc, data, ())
    for section in ("parameters", "facts"):
        for name, item in data[section].items():
            key = "value" if section == "parameters" else "default"
            yield from _size(doc, (section, name, key), item.get(key), limits, needs)
    yield from _calendar(doc, data["calendar"])


def _reserved(doc: Document) -> Iterator[Diagnostic]:
    names: list[tuple[tuple[Any, ...], Any]] = [(("facts", name), name) for name in doc.data["facts"]]
    names += [((section, i, "id"), item["id"]) for section, i, item in value_items(doc.data)]
    for path, name in names:
        root = name.split(".")[0]
        if root in RESERVED_ROOTS or name in RESERVED_NAMES:
            yield doc.diag(
                path,
                "reserved-name",
                f"'{name}' is a built-in name: {', '.join(r + '.*' for r in RESERVED_ROOTS)}, "
                f"{', '.join(RESERVED_NAMES[:3])} belong to the engine, not to a fact or value",
            )


def _finite(doc: Document, node: Any, path: tuple[Any, ...]) -> Iterator[Diagnostic]:
    """No NaN or infinity anywhere: JSON has no way to write them."""
    stack: list[tuple[tuple[Any, ...], Any]] = [(path, node)]
    while stack:
        where, value = stack.pop()
        if isinstance(value, float) and not math.isfinite(value):
            yield doc.diag(where, "not-finite", f"{value} is not a number a result can carry")
        elif isinstance(value, dict):
            stack.extend((where + (k,), v) for k, v in value.items())
        elif isinstance(value, list):
            stack.extend((where + (i,), v) for i, v in enumerate(value))


def _size(
    doc: Document, path: tuple[Any, ...], value: Any, limits: Limits, needs: dict[str, int] | None
) -> Iterator[Diagnostic]:
    if isinstance(value, str):
        note_need(needs, "string_chars", len(value))
    if isinstance(value, list):
        note_need(needs, "list_items", len(value))
    if isinstance(value, str) and len(value) > limits.string_chars:
        yield doc.diag(
            path,
            "too-large",
            f"a string of {len(value)} characters: over the limit string_chars = {limits.string_chars}",
        )
    if isinstance(value, list) and len(value) > limits.list_items:
        yield doc.diag(
            path, "too-large", f"a list of {len(value)} items: over the limit list_items = {limits.list_items}"
        )


def _calendar(doc: Document, calendar: dict[str, Any]) -> Iterator[Diagnostic]:
    offset = calendar.get("utc_offset")
    if isinstance(offset, str) and len(offset) == 6 and (int(offset[1:3]) > 23 or int(offset[4:6]) > 59):
        yield doc.diag(("calendar", "utc_offset"), "calendar", f"'{offset}' is not a UTC offset (-23:59 to +23:59)")
    zone = calendar.get("timezone")
    if isinstance(zone, str):
        if offset is not None:
            yield doc.diag(("calendar", "timezone"), "calendar", "give the time zone or the UTC offset, not both")
        elif not known_zone(zone):
            yield doc.diag(("calendar", "timezone"), "calendar", f"no time zone named '{zone}' (e.g. Europe/Berlin)")
    import holidays  # the package whose official calendars the policy counts working days on

    known = holidays.list_supported_countries()
    country = calendar["country"]
    if country not in known:
        yield doc.diag(
            ("calendar", "country"),
            "calendar",
            f"no official calendar for the country '{country}'{suggest(country, list(known))}",
        )
        return
    subdivision = calendar.get("subdivision")
    if subdivision is not None and str(subdivision) not in known[country]:
        yield doc.diag(
            ("calendar", "subdivision"),
            "calendar",
            f"'{subdivision}' is not a subdivision of {country}{suggest(str(subdivision), list(known[country]))}",
        )


def known_zone(name: str) -> bool:
    """Whether ``name`` is a time zone this machine knows (the IANA database)."""
    import zoneinfo

    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return False
    return True
