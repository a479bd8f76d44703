"""Small readers of a policy's data as written: its values, citations and request types."""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterator
    from typing import Any


def value_items(data: dict[str, Any]) -> list[tuple[str, int, dict[str, Any]]]:
    """(section, index, definition) of every derived value and decision."""
    return [
        (section, i, item) for section in ("derived", "decisions") for i, item in enumerate(data.get(section) or [])
    ]


def as_list(ref: str | list[str] | None) -> tuple[str, ...]:
    """An interpretation reference, one or several, as a tuple."""
    if ref is None:
        return ()
    return (ref,) if isinstance(ref, str) else tuple(ref)


def cite_ids(cites: list[Any]) -> Iterator[tuple[int, str]]:
    for i, cite in enumerate(cites or []):
        yield i, cite["clause"] if isinstance(cite, dict) else cite


def grounds(row: dict[str, Any]) -> list[dict[str, Any]]:
    """The parts of a ``when_any`` row written with their own clauses and words."""
    return [g for g in row.get("when_any") or [] if isinstance(g, dict)]


def request_types(data: dict[str, Any]) -> list[str]:
    fact = (data.get("facts") or {}).get("request.type") or {}
    return list(fact.get("values") or [])


# -- stage 3: references ----------------------------------------------------------


def all_cites(data: dict[str, Any]) -> Iterator[tuple[tuple[Any, ...], str]]:
    yield from ((("metadata",), c) for _, c in cite_ids(data["metadata"].get("cites") or []))
    for name, param in data["parameters"].items():
        yield from ((("parameters", name), c) for _, c in cite_ids(param["cites"]))
    for section, i, item in value_items(data):
        for key in ("rules", "collect"):
            for row in item.get(key) or []:
                yield from (((section, i), c) for _, c in cite_ids(row.get("cites") or []))
                for ground in grounds(row):
                    yield from (((section, i), c) for _, c in cite_ids(ground.get("cites") or []))
        yield from (((section, i), c) for _, c in cite_ids((item.get("otherwise") or {}).get("cites") or []))
    for section in ("actions", "warnings"):
        for i, step in enumerate(data.get(section) or []):
            yield from (((section, i), c) for _, c in cite_ids(step["cites"]))
    yield from ((("registration",), c) for _, c in cite_ids((data.get("registration") or {}).get("cites") or []))
    from policykit.policy.calendar_days import calendar_cites

    yield from calendar_cites(data)


# -- stage 4: expressions -----------------------------------------------------------


def item_kinds(item: Any) -> dict[str, str]:
    """The kind of each field of a list fact's entries (``item:`` gives a field its kind,
    or its kind with its words: ``{type: ..., title: ..., labels: ...}``)."""
    if not isinstance(item, dict):
        return {}
    return {name: spec.get("type", "string") if isinstance(spec, dict) else spec for name, spec in item.items()}
