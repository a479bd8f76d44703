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

from policykit.engine import reach
from policykit.engine.case import Case
from policykit.engine.env import CaseEnv
from policykit.engine.record import ActionRecord, AssumedRecord, DecisionRecord
from policykit.lang.expr import Compiled
from policykit.lang.values import Unknown, truth
from policykit.policy.model import Policy

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


class Probes:
    """The case once per group of its defaulted facts, with that group unknown (each made
    when first asked about)."""

    def __init__(self, env: CaseEnv, case: Case) -> None:
        policy = env.policy
        self.env, self.case = env, case
        given = case.given
        defaulted = [(n, choice) for n, choice in _defaulted(policy) if n not in given]
        self.defaulted = frozenset(n for n, _ in defaulted)
        choices = frozenset(n for n, choice in defaulted if choice)
        groups = [choices] if choices else []
        groups += [frozenset([n]) for n, choice in defaulted if not choice]
        self.deps = reach.fact_deps(policy)
        # each group with the case made with it unknown (None until first asked about)
        self.groups: list[list[Any]] = [[group, None] for group in groups]

    def _sub(self, entry: list[Any]) -> CaseEnv:
        """The case with the group of ``entry`` unknown."""
        sub: CaseEnv | None = entry[1]
        if sub is None:
            env = self.env
            group = entry[0]
            sub = entry[1] = env.probe(group, _stale(env, group))
        return sub

    def release(self) -> None:
        for entry in self.groups:
            if entry[1] is not None:
                entry[1].release()

    def _live(self, group: frozenset[str]) -> bool:
        """Whether ``group`` unknown may change anything the case worked out: not when the
        case noted every fact of ``group`` it read and it read none, and settled no value
        over its unknowns: then each value and condition it worked out comes out the same."""
        env = self.env
        return not group <= env.watch or bool(env.settled) or not group.isdisjoint(env.watched)

    def decision(self, record: DecisionRecord) -> DecisionRecord:
        """``record`` with the defaulted facts its value rests on (and those its rows read)."""
        name = record.id
        reads = self.deps.get(name, _NONE)
        found: frozenset[str] = _NONE
        for entry in self.groups:
            group = entry[0]
            if group.isdisjoint(reads) or not self._live(group):
                continue
            value = self._sub(entry).get(name)
            if value.__class__ is Unknown:
                found = found | (value.facts & self.defaulted)
        if not found:
            return record
        assumed = tuple(sorted(found))
        here = record.definition.reads
        record.assumed, record.assumed_here = assumed, tuple(f for f in assumed if f in here)  # made for this case
        return record

    def condition(self, parts: tuple[Compiled, ...]) -> tuple[str, ...]:
        """The defaulted facts a step's condition rests on."""
        reads = reach.parts_reach(self.env.policy, parts)
        found: frozenset[str] = _NONE
        for entry in self.groups:
            group = entry[0]
            if group.isdisjoint(reads) or not self._live(group):
                continue
            held = self._sub(entry).holds(parts, False)
            if held.__class__ is Unknown and truth(held) is None:
                found = found | (held.facts & self.defaulted)
        return tuple(sorted(found)) if found else ()


_NONE: frozenset[str] = frozenset()


def defaulted_facts(policy: Policy, case: Case) -> frozenset[str]:
    """The facts of ``case`` that took their default (the case did not give them)."""
    given = case.given
    return frozenset(n for n, _ in _defaulted(policy) if n not in given)


def _defaulted(policy: Policy) -> tuple[tuple[str, bool], ...]:
    """The facts with a default, in order, each with whether it is a yes/no or choice fact."""
    found: tuple[tuple[str, bool], ...] | None = policy.memo.get("defaulted")
    if found is None:
        found = policy.memo["defaulted"] = tuple(
            (n, f.type in ("bool", "enum")) for n, f in policy.facts.items() if f.has_default
        )
    return found


def _stale(env: CaseEnv, group: frozenset[str]) -> list[str]:
    """The values the case worked out that the case with ``group`` unknown must work out
    again; it takes the rest as they are, since they would come out the same.  A first-hit
    table that gave its value by one row (the rows before it known not to hold) counts
    what the rows up to that one read; any other value, what all its rows may read.  A
    value reading a value settled over its unknowns is worked out again (the case saw the
    settled one, the probe would not), and so is a value settled itself (the probe keeps
    it unknown)."""
    policy = env.policy
    facts, values, rows = reach.fact_deps(policy), reach.value_deps(policy), reach.row_reach(policy)
    settled = env.settled
    stale = []
    for name, outcome in env.outcomes.items():
        result = outcome.value
        row = rows.get(id(outcome.rules[0])) if len(outcome.rules) == 1 else None
        if row is not None and result is not None and result.__class__ is not Unknown:
            read_facts, read_values = row  # a row that hit, every row before it known not to
        else:
            read_facts, read_values = facts[name], values[name]
        if not group.isdisjoint(read_facts) or (
            settled and (name in settled or not settled.keys().isdisjoint(read_values))
        ):
            stale.append(name)
    return stale


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
    for name in reach.in_fact_order(policy, needed):
        fact = policy.facts[name]
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
