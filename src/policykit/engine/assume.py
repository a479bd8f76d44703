"""What a result rests on: the defaulted facts (assumptions) each decision and step needs.

A value rests on a defaulted fact when, with that fact unknown, it would not be known.
The yes/no and choice defaults are made unknown together, so that a value resting on two
of them jointly (a exclusion needing three lacks) names each; every other default (a
number of months, an empty history) is made unknown alone, so that it does not hide which
of the others matter (out of warranty, a unit's state does not change a paid repair).
"""

from __future__ import annotations

from policykit.engine import reach
from policykit.engine.case import Case
from policykit.engine.env import CaseEnv
from policykit.engine.record import ActionRecord, AssumedRecord, DecisionRecord
from policykit.lang.expr import Compiled
from policykit.lang.values import Unknown, merge, truth
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
        self.defaulted, groups = _groups(policy, case.given)
        self.deps = reach.kept_facts(policy)
        # a condition is what it was in the case where it reads nothing the probe changes,
        # and rests on no default there: none of the case's unknown facts has one
        self.same_rests_on_none = env.unknown_facts.isdisjoint(self.defaulted)
        # each group with the case made with it unknown (None until first asked about),
        # and, while it cannot change anything, how many facts the case had read and
        # values it had settled when that was found (it stays so until they grow)
        self.groups: list[list[Any]] = [[group, None, None] for group in groups]

    def _sub(self, entry: list[Any]) -> CaseEnv | None:
        """The case with the group of ``entry`` unknown, or None where that cannot change
        anything (:func:`_live`).  A group once live stays so (the facts read and the
        values settled only grow), so its case, once made, is kept."""
        sub: CaseEnv | None = entry[1]
        if sub is None:
            env = self.env
            seen = (len(env.watched), len(env.settled))
            if entry[2] == seen:
                return None  # found dead, and nothing read or settled since
            group = entry[0]
            if not _live(env, group):
                entry[2] = seen
                return None
            sub = entry[1] = env.probe(group, _stale(env, group))
        return sub

    def release(self) -> None:
        for entry in self.groups:
            if entry[1] is not None:
                entry[1].release()

    def decisions(self, records: tuple[DecisionRecord, ...]) -> tuple[DecisionRecord, ...]:
        """Each decided record with the defaulted facts its value rests on (and those its rows read)."""
        deps, defaulted, policy = self.deps, self.defaulted, self.env.policy
        for record in records:
            if record.decided:
                name = record.definition.id
                reads = deps.get(name)
                if not defaulted.isdisjoint(reads if reads is not None else reach.facts_of(policy, name)):
                    self.decision(record)
        return records

    def decision(self, record: DecisionRecord) -> DecisionRecord:
        """``record`` with the defaulted facts its value rests on (and those its rows read)."""
        name = record.definition.id
        reads = self.deps.get(name)
        if reads is None:
            reads = reach.facts_of(self.env.policy, name)
        found: frozenset[str] = _NONE
        for entry in self.groups:
            if entry[0].isdisjoint(reads):
                continue
            sub = entry[1] or self._sub(entry)
            if sub is None:
                continue
            value = sub.cache.get(name, _ABSENT)  # mostly the case's own, taken over as it is
            if value is _ABSENT:
                value = sub.get(name)
            if value.__class__ is Unknown:
                found = found | (value.facts & self.defaulted)
        if not found:
            return record
        assumed = tuple(sorted(found))
        here = record.definition.reads
        record.assumed, record.assumed_here = assumed, tuple([f for f in assumed if f in here])  # made for this case
        return record

    def condition(
        self, parts: tuple[Compiled, ...], deps: tuple[frozenset[str], frozenset[str]] | None = None
    ) -> tuple[str, ...]:
        """The defaulted facts a step's condition rests on.  A condition that reads only
        values the probe has as the case had them (no fact of the group; each value taken
        over, or worked out again to the same) is what it was in the case: it is not worked
        out again where that rests on no default (no unknown fact of the case has one).
        ``deps``: what ``parts`` read (:func:`~policykit.engine.reach.parts_deps`), where
        the caller has it."""
        if deps is None:
            deps = reach.parts_deps(self.env.policy, parts)
        reads, names = deps
        if self.defaulted.isdisjoint(reads):
            return ()
        policy = self.env.policy
        found: frozenset[str] = _NONE
        for entry in self.groups:
            group = entry[0]
            if group.isdisjoint(reads):
                continue
            sub = entry[1] or self._sub(entry)
            if sub is None or (self.same_rests_on_none and not _changed(sub, self.env, group, names, self.defaulted)):
                continue
            held = _holds(policy, sub, parts)
            if held.__class__ is Unknown and truth(held) is None:
                found = found | (held.facts & self.defaulted)
        return tuple(sorted(found)) if found else ()


def _changed(
    sub: CaseEnv, case: CaseEnv, group: frozenset[str], names: frozenset[str], defaulted: frozenset[str]
) -> bool:
    """Whether a condition reading ``names`` must be worked out again in ``sub``: a name
    may have another value there than in ``case`` (a fact of ``group``, a value ``sub`` has
    still to work out again, or one it worked out again to another value or an unknown),
    or has one that rests on a default whatever the probe (an unknown naming a defaulted
    fact: an ``ask:`` row names facts the case knows, defaulted ones among them)."""
    if not group.isdisjoint(names):
        return True
    cache, outcomes, before = sub.cache, sub.outcomes, case.cache
    for name in names:
        value = cache.get(name, _ABSENT)
        if value is _ABSENT:
            return True
        if value.__class__ is Unknown and not value.facts.isdisjoint(defaulted):
            return True
        if name in outcomes:
            was = before.get(name, _ABSENT)
            if value.__class__ is Unknown or value.__class__ is not was.__class__ or value != was:
                return True
    return False


def _live(env: CaseEnv, group: frozenset[str]) -> bool:
    """Whether ``group`` unknown may change anything the case worked out: not when the
    case noted every fact of ``group`` it read and it read none, and settled no value
    over its unknowns: then each value and condition it worked out comes out the same."""
    return not group <= env.watch or bool(env.settled) or not group.isdisjoint(env.watched)


def _holds(policy: Policy, sub: CaseEnv, parts: tuple[Compiled, ...]) -> Any:
    """:meth:`CaseEnv.holds` (AND), each part that may read a fact the probe does not know
    run by its exact form at once (its fast form would give way there), on the generated
    road the quicker one the three-valued tables run: the same value.  Kleene's AND written
    out as the language's ``and`` is (``lang/closures.py`` ``c_and``), part by part: a
    shared function taking the parts' values would cost a generator a condition on both of
    these hot loops."""
    unknown_facts = sub.unknown_facts
    tables = sub.tristate
    unknown = None
    for part, reads in _part_reads(policy, parts):
        if unknown_facts.isdisjoint(reads):
            value = part(sub)
        else:
            value = tables.exact_part(part)(sub) if tables is not None else part.run(sub)
        if value.__class__ is Unknown:
            held = truth(value)
            if held is None:
                unknown = value if unknown is None else merge(unknown, value)
                continue
            value = held
        if not value:
            return False
    return unknown if unknown is not None else True


def _part_reads(policy: Policy, parts: tuple[Compiled, ...]) -> tuple[tuple[Compiled, frozenset[str]], ...]:
    """Each part of a condition with what it may read (:func:`~policykit.engine.reach.part_reads`),
    kept per condition of the policy."""
    kept: dict[int, tuple[tuple[Compiled, ...], tuple[tuple[Compiled, frozenset[str]], ...]]] = policy.memo.get(
        "parts_reads"
    ) or policy.memo.setdefault("parts_reads", {})
    found = kept.get(id(parts))
    if found is None:
        found = (parts, tuple([(part, reach.part_reads(policy, part)) for part in parts]))
        if len(kept) < 10_000:
            kept[id(parts)] = found  # the parts kept with it: their id stays theirs
    return found[1]


_ABSENT = object()
_NONE: frozenset[str] = frozenset()


def defaulted_facts(policy: Policy, case: Case) -> frozenset[str]:
    """The facts of ``case`` that took their default (the case did not give them)."""
    return _groups(policy, case.given)[0]


_MAX_GIVEN_SETS = 1024  # the sets of facts given whose groups are kept (a batch has few)


def _groups(policy: Policy, given: frozenset[str]) -> tuple[frozenset[str], tuple[frozenset[str], ...]]:
    """(the facts that take their default when ``given`` are given, the groups they are
    made unknown in: the yes/no and choice ones together, each other one alone), kept
    per set of facts given."""
    kept: dict[frozenset[str], tuple[frozenset[str], tuple[frozenset[str], ...]]] = policy.memo.get(
        "default_groups"
    ) or policy.memo.setdefault("default_groups", {})
    if given.__class__ is not frozenset:  # a Case made by hand with a set: a key must be hashable
        given = frozenset(given)
    found = kept.get(given)
    if found is None:
        defaulted = [(n, choice) for n, choice in _defaulted(policy) if n not in given]
        choices = frozenset(n for n, choice in defaulted if choice)
        groups = [choices] if choices else []
        groups += [frozenset([n]) for n, choice in defaulted if not choice]
        found = (frozenset(n for n, _ in defaulted), tuple(groups))
        if len(kept) >= _MAX_GIVEN_SETS:
            kept.clear()
        kept[given] = found
    return found


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
    it unknown).  What each value and row reads is worked out for the values a case
    reaches alone (:mod:`policykit.engine.reach`), and kept."""
    policy = env.policy
    rows_kept, facts_kept = reach.kept_rows(policy), reach.kept_facts(policy)
    settled = env.settled
    stale = []
    for name, outcome in env.outcomes.items():
        rules = outcome.rules
        if len(rules) == 1:
            result = outcome.value
            if result is not None and result.__class__ is not Unknown:
                rule = rules[0]
                kept = rows_kept.get(id(rule))
                row = kept[1] if kept is not None and kept[0] is rule else reach.row_reach_of(policy, name, rule)
                if row is not None:
                    # one table row gave a known value: what the rows up to it read
                    if not group.isdisjoint(row[0]) or (
                        settled and (name in settled or not settled.keys().isdisjoint(row[1]))
                    ):
                        stale.append(name)
                    continue
        # else what all its rows may read
        facts = facts_kept.get(name)
        if facts is None:
            facts = reach.facts_of(policy, name)
        if not group.isdisjoint(facts) or (
            settled and (name in settled or not settled.keys().isdisjoint(reach.values_of(policy, name)))
        ):
            stale.append(name)
    return stale


def assumptions(
    env: CaseEnv, decisions: tuple[DecisionRecord, ...], actions: tuple[ActionRecord, ...]
) -> tuple[AssumedRecord, ...]:
    """Each defaulted fact some decision or step rests on, with what rests on it."""
    policy = env.policy
    needed: dict[str, list[str]] = {}
    for d in decisions:
        for name in d.assumed:
            needed.setdefault(name, []).append(d.id)
    for a in actions:
        for name in a.assumed:
            needed.setdefault(name, []).append(a.id)
    if not needed:
        return ()
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
