"""Three-valued facts: a value is known (possibly ``None``, "not applicable") or unknown.

An :class:`Unknown` remembers which case facts it depends on, so that a decision left
undecided can say exactly which facts would decide it.
"""

from __future__ import annotations

from typing import Any


class Unknown:
    """A value that depends on the facts named in ``facts``, which the case does not give."""

    __slots__ = ("facts",)

    def __init__(self, facts: frozenset[str] = frozenset()) -> None:
        self.facts = facts

    def __repr__(self) -> str:
        return f"Unknown({sorted(self.facts)})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Unknown) and other.facts == self.facts

    def __hash__(self) -> int:
        return hash(("Unknown", self.facts))

    def __bool__(self) -> bool:
        raise TypeError("an unknown value has no truth value; test it with is_unknown()")


def is_unknown(value: Any) -> bool:
    return value.__class__ is Unknown


def merge(*values: Any) -> Unknown:
    """The unknown that depends on every unknown among ``values``."""
    facts: frozenset[str] = frozenset()
    for value in values:
        if value.__class__ is Unknown:
            facts = facts | value.facts
    return Unknown(facts)
