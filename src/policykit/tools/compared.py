"""Comparisons of the same two operands in one table's conditions, and which of their
true/false combinations a case can have.

``check`` makes each comparison of two worked-out values (dates, counts) an atom.  Atoms
that compare the same two expressions are not independent: ``a <= b`` holds exactly when
``a > b`` does not, ``b >= a`` is ``a <= b``.  Enumerating them as independent booleans
reports gaps and shadowed rows on combinations no case has (``a <= b`` and ``a > b`` both
false).  Here the atoms of one pair of operands take only the combinations one of the ways
two values can stand gives: less, equal, greater, and, where an operand may be null, the
engine's rule for null (an ordering of null holds neither way; ``==`` compares it as a
value).  Operands are the same when their parsed forms are equal: nothing is worked out.
An unknown operand makes the comparison unknown, which ``check`` does not enumerate (a row
waiting on an unknown fact decides nothing yet: no gap).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any

COMPARED = frozenset(("Lt", "LtE", "Gt", "GtE", "Eq", "NotEq"))
# a comparison written the other way round: b > a is a < b
_MIRROR = {"Lt": "Gt", "Gt": "Lt", "LtE": "GtE", "GtE": "LtE", "Eq": "Eq", "NotEq": "NotEq"}
# the comparisons that hold for each way two known values can stand
_KNOWN = (
    frozenset(("Lt", "LtE", "NotEq")),
    frozenset(("LtE", "GtE", "Eq")),
    frozenset(("Gt", "GtE", "NotEq")),
)
_ONE_NULL = frozenset(("NotEq",))  # null beside a value: no ordering holds (closures._pair)
_BOTH_NULL = frozenset(("Eq",))

Groups = list[tuple[tuple[str, ...], frozenset[tuple[bool, ...]]]]
"""Related atoms, and the combinations of their values a case can have."""


class Compared:
    """The comparisons of one table's conditions, by their (oriented) pair of operands."""

    def __init__(self, may_be_null: Callable[[Any], bool]) -> None:
        self.may_be_null = may_be_null
        self.pairs: dict[tuple[Any, Any], dict[str, str]] = {}  # (left, right) forms -> operator -> atom

    def atom(self, left: Any, op: str, right: Any, spelled: str) -> str:
        """The atom of ``left op right`` (parsed forms): ``spelled`` for the first spelling
        of a comparison, the same atom for it written the other way round."""
        if repr(right) < repr(left):  # one orientation for the two operands, however written
            left, op, right = right, _MIRROR[op], left
        return self.pairs.setdefault((left, right), {}).setdefault(op, spelled)

    def groups(self) -> Groups:
        """For each pair of operands compared more than once (or with itself): its atoms, and
        the combinations of their values a case can have."""
        out = []
        for (left, right), atoms in self.pairs.items():
            if len(atoms) < 2 and left != right:
                continue  # one comparison alone: true or false, nothing to relate
            ops = tuple(atoms)
            combos = {tuple(op in holding for op in ops) for holding in self._ways(left, right)}
            out.append((tuple(atoms[op] for op in ops), frozenset(combos)))
        return out

    def _ways(self, left: Any, right: Any) -> list[frozenset[str]]:
        null_left, null_right = self.may_be_null(left), self.may_be_null(right)
        ways = [_KNOWN[1]] if left == right else list(_KNOWN)
        if left == right and null_left:
            ways.append(_BOTH_NULL)
        elif left != right and (null_left or null_right):
            ways.append(_ONE_NULL)
            if null_left and null_right:
                ways.append(_BOTH_NULL)
        return ways


def count(names: Sequence[str], domains: dict[str, tuple[Any, ...]], groups: Groups, cap: int) -> int:
    """How many combinations :func:`combinations` gives (past ``cap``: ``cap + 1``)."""
    grouped = {atom for atoms, _ in groups for atom in atoms}
    total = 1
    for size in [len(domains[n]) for n in names if n not in grouped] + [len(combos) for _, combos in groups]:
        total = min(total * size, cap + 1)
    return total


def combinations(
    names: Sequence[str], domains: dict[str, tuple[Any, ...]], groups: Groups
) -> Iterator[tuple[Any, ...]]:
    """Each combination of values of ``names`` (each over its domain) whose related atoms
    agree with one another, in the order of ``itertools.product`` (so a finding's example
    is the first it would have found among them)."""
    rank: dict[str, tuple[int, int]] = {}  # atom -> (its group, its place among the group's atoms in names' order)
    prefixes: list[set[tuple[Any, ...]]] = []  # for each group, the starts of its combinations in that order
    ranked: list[list[str]] = []
    for g, (atoms, combos) in enumerate(groups):
        in_order = sorted(atoms, key=names.index)
        ranked.append(in_order)
        rank.update((atom, (g, in_order.index(atom))) for atom in atoms)
        spots = [atoms.index(a) for a in in_order]
        prefixes.append({tuple(c[i] for i in spots[:k]) for c in combos for k in range(1, len(spots) + 1)})

    def allows(name: str, value: Any, chosen: dict[str, Any]) -> bool:
        if name not in rank:
            return True
        g, k = rank[name]
        return (*(chosen[a] for a in ranked[g][:k]), value) in prefixes[g]

    yield from _walk(list(names), domains, allows, {})


def _walk(
    names: list[str],
    domains: dict[str, tuple[Any, ...]],
    allows: Callable[[str, Any, dict[str, Any]], bool],
    chosen: dict[str, Any],
) -> Iterator[tuple[Any, ...]]:
    """Depth first over ``names``: a value the atoms already chosen rule out is not tried
    (nor anything after it)."""
    if len(chosen) == len(names):
        yield tuple(chosen[n] for n in names)
        return
    name = names[len(chosen)]
    for value in domains[name]:
        if allows(name, value, chosen):
            chosen[name] = value
            yield from _walk(names, domains, allows, chosen)
            del chosen[name]
