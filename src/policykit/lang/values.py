"""Three-valued facts: a value is known (possibly ``None``, "not applicable") or unknown.

An :class:`Unknown` remembers which case facts it depends on, so that a decision left
undecided can say exactly which facts would decide it.
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterable
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


class Items(tuple):  # type: ignore[type-arg]  # (any items: the language's lists hold any value)
    """One of the few lists an unknown list may be (in :attr:`Unknown.values`, which must be
    hashable): its items, equal to the list of the same items.  :func:`plain` gives the
    list back before a function or comparison reads it."""

    __slots__ = ()

    def __eq__(self, other: object) -> bool:
        if other.__class__ is list:
            return tuple.__eq__(self, tuple(other))
        return tuple.__eq__(self, other)

    def __ne__(self, other: object) -> bool:
        return not self == other

    __hash__ = tuple.__hash__


def plain(value: Any) -> Any:
    """One of an unknown's few values as the language has it (an :class:`Items` a list)."""
    return list(value) if value.__class__ is Items else value


def hashable(value: Any) -> Any:
    """``value`` as one of an unknown's few values (a list as :class:`Items`): raises
    TypeError where it cannot be one (a list of mappings)."""
    if value.__class__ is list:
        value = Items(value)
    hash(value)
    return value


def typed(value: Any) -> Any:
    """A key telling apart values Python holds equal across classes (True, 1 and 1.0; the
    same in a list): two values are one of an unknown's few values only if alike in it."""
    if value.__class__ is Items:
        return (Items, tuple([typed(item) for item in value]))
    return (value.__class__, value)


def few(values: Iterable[Any]) -> frozenset[Any] | None:
    """``values`` (each made :func:`hashable`) as an unknown's few values; None where two
    of them are equal but not alike (True and 1: a set would keep one of them only, and
    what is worked out from the one kept could be wrong for the other), or one cannot be
    hashed."""
    kept: dict[Any, Any] = {}
    try:
        for value in values:
            value = hashable(value)
            kept.setdefault(typed(value), value)
    except TypeError:
        return None
    found = frozenset(kept.values())
    return found if len(found) == len(kept) else None


MAX_MAYBE = 4
"""Rows of a collected list its unknowns leave open, at most, for its few possible lists
to be worked out (2 ** 4 = 16 of them); past that the list is unknown with no values."""


def few_lists(items: list[Any], maybe: list[tuple[int, Any]]) -> frozenset[Any] | None:
    """The lists a collected list may be: ``items`` (those known to be in, in order) with
    any of ``maybe`` (each ``(where in items it would go, the item)``, in order) added; None
    where the open rows are more than :data:`MAX_MAYBE` (or :func:`few` gives none)."""
    if len(maybe) > MAX_MAYBE:
        return None
    lists = []
    for mask in range(1 << len(maybe)):
        out: list[Any] = []
        at = 0
        for bit, (pos, item) in enumerate(maybe):
            if mask >> bit & 1:
                out.extend(items[at:pos])
                at = pos
                out.append(item)
        out.extend(items[at:])
        lists.append(out)
    return few(lists)


def merge(*values: Any) -> Unknown:
    """The unknown that depends on every unknown among ``values``."""
    facts: frozenset[str] = frozenset()
    for value in values:
        if value.__class__ is Unknown:
            facts = facts | value.facts
    return Unknown(facts)
