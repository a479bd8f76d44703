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
        deps = policy.memo["fact_deps"] = {name: facts_of(policy, name) for name in policy.values}
    return deps


def kept_facts(policy: Policy) -> dict[str, frozenset[str]]:
    """The facts of each value :func:`facts_of` has worked out so far (a hot loop reads it
    first, and calls :func:`facts_of` only for a value not yet in it)."""
    kept: dict[str, frozenset[str]] = policy.memo.get("facts_of") or policy.memo.setdefault("facts_of", {})
    return kept


def kept_rows(policy: Policy) -> dict[int, tuple[Rule, Reach | None]]:
    """Each row's reach :func:`row_reach_of` has worked out so far, by the row's id, with the
    row (read it only where the row kept is the one asked about)."""
    kept: dict[int, tuple[Rule, Reach | None]] = policy.memo.get("rows_reach") or policy.memo.setdefault(
        "rows_reach", {}
    )
    return kept


def facts_of(policy: Policy, name: str) -> frozenset[str]:
    """The facts value ``name`` may read, directly or through other values (worked out for
    the values a case asks about alone, and kept: one case reaches few of the policy's);
    none for a name that is not a value."""
    kept = kept_facts(policy)
    found = kept.get(name)
    if found is None:
        if name not in policy.values:
            return _NONE
        found = _facts_of(policy, name, kept, frozenset())
    return found


def _facts_of(policy: Policy, name: str, kept: dict[str, frozenset[str]], stack: frozenset[str]) -> frozenset[str]:
    facts, values = policy.facts, policy.values
    found: set[str] = set()
    for read in values[name].reads:
        if read in facts:
            found.add(read)
        elif read in values and read not in stack:
            got = kept.get(read)
            found |= got if got is not None else _facts_of(policy, read, kept, stack | {name})
    made = kept[name] = frozenset(found)
    return made


def value_deps(policy: Policy) -> dict[str, frozenset[str]]:
    """For each value of ``policy``, the other values it may read, directly or through others."""
    deps: dict[str, frozenset[str]] | None = policy.memo.get("value_deps")
    if deps is None:
        deps = policy.memo["value_deps"] = {name: values_of(policy, name) for name in policy.values}
    return deps


def values_of(policy: Policy, name: str) -> frozenset[str]:
    """The other values value ``name`` may read, directly or through others (worked out
    when first asked, and kept); none for a name that is not a value."""
    kept: dict[str, frozenset[str]] = policy.memo.get("values_of") or policy.memo.setdefault("values_of", {})
    found = kept.get(name)
    if found is None:
        if name not in policy.values:
            return _NONE
        values = policy.values
        seen: set[str] = set()
        todo = [name]
        while todo:
            for read in values[todo.pop()].reads:
                if read in values and read not in seen:
                    seen.add(read)
                    todo.append(read)
        found = kept[name] = frozenset(seen)
    return found


def _names_reach(policy: Policy, names: frozenset[str]) -> Reach:
    found_facts: set[str] = {n for n in names if n in policy.facts}
    found_values: set[str] = set()
    for name in names:
        if name in policy.values:
            found_values.add(name)
            found_values |= values_of(policy, name)
            found_facts |= facts_of(policy, name)
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
        for name, value in policy.values.items():
            if value.kind != "collect":
                for rule in value.rules:
                    reach = row_reach_of(policy, name, rule)
                    if reach is not None:
                        found[id(rule)] = reach
        policy.memo["row_reach"] = found  # the rows are the policy's own: their ids stay theirs while it lives
    return found


def row_reach_of(policy: Policy, name: str, rule: Rule) -> Reach | None:
    """:func:`row_reach` of one row of value ``name`` (None for a row that is not one of
    its first-hit table's), worked out when first asked (a case asks about the rows that
    gave its values alone), and kept."""
    kept = kept_rows(policy)
    found = kept.get(id(rule))
    if found is None or found[0] is not rule:
        reach = None
        value = policy.values[name]
        if value.kind != "collect":
            before: set[str] = set()
            for row in value.rules:
                if row is rule:
                    reach = _names_reach(policy, frozenset(before | _row_names(rule, True)))
                    break
                before |= _row_names(row, False)
        found = (rule, reach)
        if len(kept) < 10_000:
            kept[id(rule)] = found  # the row kept with it: its id stays its own
    return found[1]


_NONE: frozenset[str] = frozenset()


def parts_deps(policy: Policy, parts: tuple[Compiled, ...]) -> tuple[frozenset[str], frozenset[str]]:
    """(The names a condition reads and the facts they may read, the names it reads
    itself), kept per condition of the policy."""
    known: dict[int, tuple[tuple[Compiled, ...], tuple[frozenset[str], frozenset[str]]]] = policy.memo.setdefault(
        "parts_deps", {}
    )
    found = known.get(id(parts))
    if found is None:
        names = frozenset(n for p in parts for n in p.names)
        read = set(names)
        for name in names:
            read |= facts_of(policy, name)
        found = (parts, (frozenset(read), names))
        if len(known) < 10_000:
            known[id(parts)] = found  # the parts kept with it: their id stays theirs
    return found[1]


def part_reads(policy: Policy, part: Compiled) -> frozenset[str]:
    """The names one condition part reads and the facts they may read (kept per part of the policy)."""
    known: dict[int, tuple[Compiled, frozenset[str]]] = policy.memo.setdefault("part_deps", {})
    found = known.get(id(part))
    if found is None:
        read = set(part.names)
        for name in part.names:
            read |= facts_of(policy, name)
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
