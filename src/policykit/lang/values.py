"""Three-valued facts: a value is known (possibly ``None``, "not applicable") or unknown.

An :class:`Unknown` remembers which case facts it depends on, so that a decision left
undecided can say exactly which facts would decide it.
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


class Unknown:
    """A value that depends on the facts named in ``facts``, which the case does not give.

    Where the value is known to be one of a few, ``values`` holds them (for example a
    service type that is paid or free repair, but not which): a comparison that comes
    out the same for each of them is then decided.
    """

    __slots__ = ("facts", "values")

    def __init__(self, facts: frozenset[str] = frozenset(), values: frozenset[Any] | None = None) -> None:
        self.facts = facts
        self.values = values

    def __repr__(self) -> str:
        extra = f", one of {sorted(map(repr, self.values))}" if self.values is not None else ""
        return f"Unknown({sorted(self.facts)}{extra})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Unknown) and other.facts == self.facts and other.values == self.values

    def __hash__(self) -> int:
        return hash(("Unknown", self.facts, self.values))

    def __bool__(self) -> bool:
        raise TypeError("an unknown value has no truth value; check value.__class__ is Unknown")


def truth(value: Unknown) -> bool | None:
    """True or False when every possible value of ``value`` has that truth; else None."""
    if value.values is None or not value.values:
        return None
    truths = {bool(v) for v in value.values}
    return truths.pop() if len(truths) == 1 else None


_INFINITE = (float("inf"), float("-inf"))


def finite(number: Any) -> bool:
    """``math.isfinite(number)`` for a float or an integer of any size (without loading
    math, a shared library a cold start needs for nothing else; nor does it refuse an
    integer past the largest float, which is finite)."""
    return number == number and number not in _INFINITE


def merge(*values: Any) -> Unknown:
    """The unknown that depends on every unknown among ``values``."""
    facts: frozenset[str] = frozenset()
    for value in values:
        if value.__class__ is Unknown:
            facts = facts | value.facts
    return Unknown(facts)
