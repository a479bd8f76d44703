"""What a result rests on: the defaulted facts (assumptions) each decision and step needs.

A value rests on a defaulted fact when, with that fact unknown, it would not be known.
The yes/no and choice defaults are made unknown together, so that a value resting on two
of them jointly (a exclusion needing three lacks) names each; every other default (a
number of months, an empty history) is made unknown alone, so that it does not hide which
of the others matter (out of warranty, a unit's state does not change a paid repair).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from policykit.engine.case import Case
from policykit.engine.env import CaseEnv
from policykit.engine.record import ActionRecord, AssumedRecord, DecisionRecord
from policykit.lang.expr import Compiled
from policykit.lang.values import Unknown, truth
from policykit.policy.model import Policy


class Probes:
    """The case once per group of its defaulted facts, with that group unknown."""

    def __init__(self, env: CaseEnv, case: Case) -> None:
        policy = env.policy
        defaulted = [n for n, f in policy.facts.items() if f.has_default and n not in case.given]
        self.defaulted = frozenset(defaulted)
        choices = [n for n in defaulted if policy.facts[n].type in ("bool", "enum")]
        groups = [choices] if choices else []
        groups += [[n] for n in defaulted if n not in choices]
        self.deps = _fact_deps(policy)
        self.groups: list[tuple[frozenset[str], CaseEnv]] = []
        for group in groups:
            facts = dict(case.facts)
            facts.update({name: Unknown(frozenset([name])) for name in group})
            sub = CaseEnv(policy, facts, env.cache["as_of"], given=case.given, generated=env.generated)
            sub.budget = env.budget
            _seed(env, sub, frozenset(group), self.deps)
            self.groups.append((frozenset(group), sub))

    def release(self) -> None:
        for _, sub in self.groups:
            sub.release()

    def _found(self, values: Iterator[Any], condition: bool) -> tuple[str, ...]:
        found: set[str] = set()
        for value in values:
            if value.__class__ is Unknown and not (condition and truth(value) is not None):
                found |= value.facts & self.defaulted
        return tuple(sorted(found))

    def decision(self, record: DecisionRecord) -> DecisionRecord:
        """``record`` with the defaulted facts its value rests on (and those its rows read)."""
        reach = self.deps.get(record.id, frozenset())
        assumed = self._found((sub.get(record.id) for group, sub in self.groups if group & reach), False)
        if not assumed:
            return record
        here = record.definition.reads
        record.assumed, record.assumed_here = assumed, tuple(f for f in assumed if f in here)  # made for this case
        return record

    def condition(self, parts: tuple[Compiled, ...]) -> tuple[str, ...]:
        """The defaulted facts a step's condition rests on."""
        reach = _names_deps(self.deps, frozenset(n for p in parts for n in p.names))
        return self._found((sub.holds(parts, False) for group, sub in self.groups if group & reach), True)


def _fact_deps(policy: Policy) -> dict[str, frozenset[str]]:
    """For each value of ``policy``, the facts it may read, directly or through other values
    (worked out once per policy)."""
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


def _value_deps(policy: Policy) -> dict[str, frozenset[str]]:
    """For each value of ``policy``, the other values it may read, directly or through
    other values (worked out once per policy)."""
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


def _seed(env: CaseEnv, sub: CaseEnv, group: frozenset[str], fact_deps: dict[str, frozenset[str]]) -> None:
    """Give ``sub`` (the case with ``group`` unknown) every value the case already worked
    out that reads none of ``group``: it would come out the same.  A value reading a value
    settled over its unknowns is worked out again (the case saw the settled one, ``sub``
    would not), and so is a value settled itself (``sub`` keeps it unknown)."""
    settled = env.settled
    value_deps = _value_deps(env.policy) if settled else None
    for name, outcome in env.outcomes.items():
        if fact_deps.get(name, group) & group:
            continue
        if value_deps is not None and (name in settled or not settled.keys().isdisjoint(value_deps[name])):
            continue
        sub.cache[name] = outcome.value


def _names_deps(deps: dict[str, frozenset[str]], names: frozenset[str]) -> frozenset[str]:
    found = set(names)
    for name in names:
        found |= deps.get(name, frozenset())
    return frozenset(found)


@contextmanager
def probes(env: CaseEnv, case: Case) -> Iterator[Probes]:
    found = Probes(env, case)
    try:
        yield found
    finally:
        found.release()


def assumptions(
    env: CaseEnv, decisions: tuple[DecisionRecord, ...], actions: tuple[ActionRecord, ...]
) -> tuple[AssumedRecord, ...]:
    """Each defaulted fact some decision or step rests on, with what rests on it."""
    policy = env.policy
    needed: dict[str, list[str]] = {}
    for user, assumed in (*((d.id, d.assumed) for d in decisions), *((a.id, a.assumed) for a in actions)):
        for name in assumed:
            needed.setdefault(name, []).append(user)
    out = []
    for name, fact in policy.facts.items():
        if name in needed:
            out.append(
                AssumedRecord(
                    name,
                    env.cache.get(name),
                    env.reason(fact.default_reason) if fact.default_reason else None,
                    tuple(needed[name]),
                    env.reason(fact.confirm_note) if fact.confirm_note else None,
                )
            )
    return tuple(out)
