"""What a value may read: the facts and the other values, directly or through other values,
and, row by row, what the rows up to one read (worked out once per compiled policy).

A value worked out in one case comes out the same in another case that differs only in
facts it did not read: the cases made to find the defaults a result rests on
(:mod:`policykit.engine.assume`) take such values from the case instead of working them
out again.
"""

from __future__ import annotations

from policykit.lang.dates import date
from policykit.lang.expr import Compiled
from policykit.lang.values import Unknown
from policykit.policy.model import Policy, Rule

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterable
    from typing import Any

Reach = tuple[frozenset[str], frozenset[str]]
"""(the facts, the values) something may read."""


def fact_deps(policy: Policy) -> dict[str, frozenset[str]]:
    """For each value of ``policy``, the facts it may read, directly or through other values."""
    deps: dict[str, frozenset[str]] | None = policy.memo.get("fact_deps")
    if deps is None:
        deps = {}

        def visit(name: str, stack: frozenset[str]) -> frozenset[str]:
            if name in deps:
                return deps[name]
            found: set[str] = set()
            for read in policy.values[name].reads:
                if read in policy.facts:
                    found.add(read)
                elif read in policy.values and read not in stack:
                    found |= visit(read, stack | {name})
            deps[name] = frozenset(found)
            return deps[name]

        for name in policy.values:
            visit(name, frozenset())
        policy.memo["fact_deps"] = deps
    return deps


def value_deps(policy: Policy) -> dict[str, frozenset[str]]:
    """For each value of ``policy``, the other values it may read, directly or through others."""
    deps: dict[str, frozenset[str]] | None = policy.memo.get("value_deps")
    if deps is None:
        deps = {}
        for name in policy.values:
            found: set[str] = set()
            todo = [name]
            while todo:
                for read in policy.values[todo.pop()].reads:
                    if read in policy.values and read not in found:
                        found.add(read)
                        todo.append(read)
            deps[name] = frozenset(found)
        policy.memo["value_deps"] = deps
    return deps


def _names_reach(policy: Policy, names: frozenset[str]) -> Reach:
    facts, values = fact_deps(policy), value_deps(policy)
    found_facts: set[str] = {n for n in names if n in policy.facts}
    found_values: set[str] = set()
    for name in names:
        if name in policy.values:
            found_values.add(name)
            found_values |= values[name]
            found_facts |= facts[name]
    return frozenset(found_facts), frozenset(found_values)


def _row_names(rule: Rule, with_outcome: bool) -> frozenset[str]:
    names: set[str] = set()
    for part in rule.parts:
        names |= part.names
    if with_outcome and rule.outcome is not None:
        names |= rule.outcome.names
    return frozenset(names)


def row_reach(policy: Policy) -> dict[int, Reach]:
    """For each row of a first-hit table, by the row's id: what the table reads when that
    row gives its value (the conditions of the rows before it and its own, its outcome)."""
    found: dict[int, Reach] | None = policy.memo.get("row_reach")
    if found is None:
        found = {}
        for value in policy.values.values():
            if value.kind == "collect":
                continue
            before: frozenset[str] = frozenset()
            for rule in value.rules:
                found[id(rule)] = _names_reach(policy, before | _row_names(rule, True))
                before |= _row_names(rule, False)
        policy.memo["row_reach"] = found  # the rows are the policy's own: their ids stay theirs while it lives
    return found


def parts_deps(policy: Policy, parts: tuple[Compiled, ...]) -> tuple[frozenset[str], frozenset[str]]:
    """(The names a condition reads and the facts they may read, the names it reads
    itself), kept per condition of the policy."""
    known: dict[int, tuple[tuple[Compiled, ...], tuple[frozenset[str], frozenset[str]]]] = policy.memo.setdefault(
        "parts_deps", {}
    )
    found = known.get(id(parts))
    if found is None:
        names = frozenset(n for p in parts for n in p.names)
        deps = fact_deps(policy)
        read = set(names)
        for name in names:
            read |= deps.get(name, frozenset())
        found = (parts, (frozenset(read), names))
        if len(known) < 10_000:
            known[id(parts)] = found  # the parts kept with it: their id stays theirs
    return found[1]


def part_reads(policy: Policy, part: Compiled) -> frozenset[str]:
    """The names one condition part reads and the facts they may read (kept per part of the policy)."""
    known: dict[int, tuple[Compiled, frozenset[str]]] = policy.memo.setdefault("part_deps", {})
    found = known.get(id(part))
    if found is None:
        deps = fact_deps(policy)
        read = set(part.names)
        for name in part.names:
            read |= deps.get(name, frozenset())
        found = (part, frozenset(read))
        if len(known) < 10_000:
            known[id(part)] = found  # the part kept with it: its id stays its own
    return found[1]


def in_fact_order(policy: Policy, names: Iterable[str]) -> list[str]:
    """The facts among ``names``, in the order the policy declares its facts."""
    order: dict[str, int] | None = policy.memo.get("fact_order")
    if order is None:
        order = policy.memo["fact_order"] = {name: i for i, name in enumerate(policy.facts)}
    found = [n for n in names if n in order]
    found.sort(key=order.__getitem__)
    return found


def possible_values(outcomes: Iterable[Any]) -> frozenset[Any] | None:
    """The values a table may still take, when they are few and known (else None): what its
    rows that may still fire give (the interpreter's tables and the three-valued ones alike)."""
    found: set[Any] = set()
    for outcome in outcomes:
        cls = outcome.__class__
        if cls is Unknown:
            if outcome.values is None:
                return None
            found |= outcome.values
        elif cls is str or outcome is None or isinstance(outcome, _FEW):
            found.add(outcome)
        else:
            return None
    return frozenset(found)


_FEW = (str, bool, int, date)
