"""Values a decision declares that none of its rows can give (``unreachable-value``).

A decision's ``values`` are what other systems expect of it; one no row gives is either a
row forgotten or a value to drop.  Only tables whose rows all give a written value (no
``compute``) are looked at: what a computed outcome can give is not known here."""

from __future__ import annotations

from collections.abc import Iterator

from policykit.policy.model import Policy


def unreachable_values(policy: Policy) -> Iterator[tuple[int, str, str]]:
    """(line, value id, message) for each declared value of a value no row gives."""
    for value in policy.values.values():
        if not value.values:
            continue
        rows = [*value.rules, *([value.otherwise] if value.otherwise is not None else [])]
        if any(rule.outcome is not None for rule in rows):
            continue
        given: set[object] = set()
        for rule in rows:  # a written value, a list of them (a list decision), or an ask's unknown
            written = rule.value
            if isinstance(written, list | tuple):
                given.update(v for v in written if isinstance(v, str | int | bool))
            elif isinstance(written, str | int | bool):
                given.add(written)
        missing = [v for v in value.values if v not in given]
        if missing:
            said = ", ".join(f"'{v}'" for v in missing)
            yield value.line, value.id, f"no row gives {said}, one of its values: a row forgotten, or a value to drop"
