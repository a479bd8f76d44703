"""A value's record, and what the unknowns cannot change (CONTRACT 1.1: nothing that can
be decided is left undecided).

A value left unknown is tried in branches: first over its unknown yes/no and choice
facts, then over the nearest unknown values that can take only a few values (a service
type that is one of two, a warranty status), whatever facts of any kind (a date) left
them unknown.  Splitting on a value may try combinations no case can have; that only
ever leaves a value undecided, never decides it wrongly: when every branch agrees, so do
the possible ones.  A decided value whose citations or ground depend on an unknown is
tried the same way, and cites what holds in every branch where it has the same value.
"""

from __future__ import annotations

from itertools import product

from policykit.engine.case import Case
from policykit.engine.env import CaseEnv
from policykit.engine.reach import parts_deps
from policykit.engine.record import DecisionRecord, Reason
from policykit.lang.expr import GIVE_WAY, Compiled
from policykit.lang.values import Items, Unknown
from policykit.policy.model import Policy, Rule, Value

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Generator, Iterable, Iterator
    from typing import Any

    Build = Callable[[CaseEnv, Value, bool], DecisionRecord]

__all__ = ["MAX_SPLITS", "holds_everywhere", "record_of", "settle", "settle_open", "settle_value"]

MAX_SPLITS = 64  # branches tried to settle one value


def record_of(env: CaseEnv, value: Value, words: bool = True) -> DecisionRecord:
    """The decision of ``value`` in ``env``: its cited clauses, the ground of each
    ``when_any`` row and, with ``words``, the values its reasons will show."""
    name = value.id
    result = env.cache.get(name, _NONE)
    if result is _NONE or name in env.watch:  # (a value read through get() where it is worked out or noted)
        result = env.get(name)
    outcome = env.outcomes[name]
    rules = outcome.rules
    if len(rules) == 1 and not env.tracing and not outcome.days and result.__class__ is not Unknown:
        fixed = _fixed_cites(env.policy, rules[0])
        if fixed is not None:  # one row, its clauses cited whatever the case: nothing to work out
            because = rules[0].because
            said = (env.reason(because),) if words and because is not None else ()
            return DecisionRecord(value, result, True, fixed[1], fixed[0], said, (), (), (), _ONE_GROUND)
    params: tuple[tuple[str, Any], ...] = ()
    if env.tracing:
        used = sorted(
            {
                n
                for r in value.rules
                for p in (*r.parts, *([r.outcome] if r.outcome else []))
                for n in p.names
                if n.startswith("params.")
            }
        )
        params = tuple([(n, env.cache[n]) for n in used])
    if isinstance(result, Unknown):
        return DecisionRecord(value, result, False, (), (), (), (), tuple(outcome.trace), params)
    cites: list[str] = []
    reasons: list[Reason] = []
    grounds: list[tuple[int, ...]] = []
    open_: set[str] = set()
    for rule in outcome.rules:
        cites.extend(env.cited(rule.cites, open_))
        ground = env.grounds(rule, open_) if rule.part_cites else ()
        grounds.append(ground)
        for i in ground:
            cites.extend(env.cited(rule.part_cites[i], open_))
        if words and rule.because is not None:
            reasons.append(_reason(env, rule, ground))
    cites.extend(outcome.days)
    unique = tuple(cites) if len(outcome.rules) == 1 and not outcome.days else tuple(dict.fromkeys(cites))
    return DecisionRecord(
        value,
        result,
        True,
        tuple(outcome.rules),
        tuple(dict.fromkeys(unique)),
        tuple(reasons),
        (),
        tuple(outcome.trace),
        params,
        tuple(grounds),
        frozenset(open_),
    )


_ONE_GROUND: tuple[tuple[int, ...], ...] = ((),)  # the ground of one row with no ``when_any`` parts to cite


def _fixed_cites(policy: Policy, rule: Rule) -> tuple[tuple[str, ...], tuple[Rule]] | None:
    """For a row whose clauses are cited unconditionally and that has no ``when_any`` parts
    of its own to cite, the clause ids it cites (once each), and the row alone (the rows of
    a record it gives by itself: immutable, made once); else None.  Worked out for a row
    when first asked (one case reaches few of the policy's rows), and kept."""
    kept: dict[int, tuple[Rule, tuple[tuple[str, ...], tuple[Rule]] | None]] = policy.memo.get(
        "fixed_cites"
    ) or policy.memo.setdefault("fixed_cites", {})
    found = kept.get(id(rule))
    if found is None or found[0] is not rule:
        fixed = None
        if not rule.part_cites and not rule.part_because and all(c.when is None for c in rule.cites):
            fixed = (tuple(dict.fromkeys(c.clause for c in rule.cites)), (rule,))
        found = (rule, fixed)
        if len(kept) < 10_000:
            kept[id(rule)] = found  # the row kept with it: its id stays its own
    return found[1]


def _reason(env: CaseEnv, rule: Rule, ground: tuple[int, ...]) -> Reason:
    assert rule.because is not None
    if not rule.part_because:
        return env.reason(rule.because)
    shown = tuple([env.reason(t) for i in ground if (t := rule.part_because[i]) is not None])
    return env.reason(rule.because, {"grounds": shown})


# -- branches -------------------------------------------------------------------------


def _static_domain(value: Value) -> tuple[Any, ...] | None:
    """The values a table of literal rows can give (None among them when no row must hit)."""
    if value.kind != "rules" or not value.rules:
        return None
    found: list[Any] = []
    for rule in value.rules:
        if rule.outcome is not None or not isinstance(rule.value, str | bool | int | type(None)):
            return None
        if rule.value not in found:
            found.append(rule.value)
    if value.rules[-1].parts and None not in found:
        found.append(None)
    return tuple(found)


def _domain(policy: Policy, name: str, current: Unknown) -> tuple[Any, ...] | None:
    """Every value ``name`` may take, when they are few (else None)."""
    if current.values is not None:
        if any(v.__class__ is Items for v in current.values):
            return None  # a list is no value to split on: the facts it reads are
        return tuple(sorted(current.values, key=repr))
    fact = policy.facts.get(name)
    if fact is not None:
        if fact.type == "bool":
            return (True, False)
        return fact.values if fact.type == "enum" else None
    value = policy.values.get(name)
    return _static_domain(value) if value is not None else None


def _current(env: CaseEnv, name: str) -> Any:
    if name in env.policy.values:
        return env.get(name)
    return env.cache.get(name)


def _frontier(env: CaseEnv, names: Iterable[str], seen: set[str]) -> list[str]:
    """The nearest unknown names, through the values ``names`` read, that take few values."""
    out: list[str] = []
    for name in sorted(names):
        if name in seen:
            continue
        seen.add(name)
        current = _current(env, name)
        if current.__class__ is not Unknown:
            continue
        if _domain(env.policy, name, current) is not None:
            out.append(name)
            continue
        value = env.policy.values.get(name)
        if value is not None:
            out.extend(_frontier(env, value.reads, seen))
    return out


def _fact_splits(env: CaseEnv, facts: Iterable[str]) -> list[str]:
    """The unknown yes/no and choice facts among ``facts``: dates and the like stay unknown."""
    out = []
    for name in sorted(facts):
        fact = env.policy.facts.get(name)
        if fact is not None and fact.type in ("bool", "enum") and env.cache.get(name).__class__ is Unknown:
            out.append(name)
    return out


def _ways(env: CaseEnv, facts: Iterable[str], names: Iterable[str]) -> Iterator[list[str]]:
    """The sets of names to split on, most precise first."""
    deep = _fact_splits(env, facts)
    if deep:
        yield deep
    near = _frontier(env, names, set())
    if near and near != deep:
        yield near


def _branches(env: CaseEnv, case: Case, names: list[str]) -> Generator[CaseEnv, None, None] | None:
    """One env per combination of the values of ``names``, or None when there are too many."""
    policy = env.policy
    domains = []
    for name in names:
        current = _current(env, name)
        domain = _domain(policy, name, current) if current.__class__ is Unknown else None
        if domain is None:
            return None
        domains.append(domain)
    combinations = 1  # (math.prod, without loading math: a shared library)
    for domain in domains:
        combinations *= len(domain)
    if combinations > MAX_SPLITS:
        return None
    return _each(env, case, tuple(names), domains)


def _each(
    env: CaseEnv, case: Case, names: tuple[str, ...], domains: list[tuple[Any, ...]]
) -> Generator[CaseEnv, None, None]:
    """Each branch of ``names`` over ``domains``, made when first asked for and kept in the
    case until a value is settled: the values one branch worked out to settle a value (a
    service type split on, the dates it reads) are those the next value split the same
    way reads, and worked out once.  A value settled changes every branch made after it
    (each takes the values settled), so the branches made before it are dropped then.
    Not kept where the policy's calendar has days of its own to cite: the days a value
    cites are those counted while it is worked out, and a value another one read in a
    kept branch would be counted no more (as the generated road is not taken there)."""
    if env.policy.calendar.entries:
        yield from _anew(env, case, names, domains)
        return
    kept = env.branched.get(names)
    if kept is None or kept[0] != len(env.settled):
        if kept is not None:
            for sub in kept[1].values():
                sub.release()
        kept = env.branched[names] = (len(env.settled), {})
    made = kept[1]
    fixes: tuple[frozenset[str], frozenset[str]] | None = None
    for combo in product(*domains):
        found = made.get(combo)
        if found is None:
            fixes = fixes or _fixes(env, case, names)
            found = made[combo] = _branch(env, case, names, combo, fixes)
        yield found


def _anew(
    env: CaseEnv, case: Case, names: tuple[str, ...], domains: list[tuple[Any, ...]]
) -> Generator[CaseEnv, None, None]:
    """Each branch of ``names`` over ``domains`` made anew, and dropped once used."""
    fixes = _fixes(env, case, names)
    for combo in product(*domains):
        sub = _branch(env, case, names, combo, fixes)
        try:
            yield sub
        finally:
            sub.release()


def _fixes(env: CaseEnv, case: Case, names: tuple[str, ...]) -> tuple[frozenset[str], frozenset[str]]:
    """(the facts a branch of ``names`` counts as given; those it does not know: the case's
    unknown facts but those it fixes, itself or as settled)."""
    given = env.given | frozenset(n for n in names if n in env.policy.facts)
    fixed = {*env.settled, *names}
    return given, frozenset([n for n, v in case.facts.items() if v.__class__ is Unknown and n not in fixed])


def _branch(
    env: CaseEnv, case: Case, names: tuple[str, ...], combo: tuple[Any, ...], fixes: tuple[frozenset[str], ...]
) -> CaseEnv:
    """The branch of ``names`` taking the values ``combo``.  Each works the case out anew: a
    value the case knew may have read a value the branch fixes (an ``ask:`` row's, a
    settled one) and come out otherwise, and the days a settled value counts through the
    values it reads are its citations."""
    facts = {**case.facts, **env.settled, **dict(zip(names, combo, strict=True))}
    return env.branch(facts, fixes[0], fixes[1])


def _same(a: Any, b: Any) -> bool:
    return a.__class__ is b.__class__ and a == b


def settle_value(env: CaseEnv, case: Case, definition: Value) -> Any:
    """:func:`settle` for the value alone (:func:`~policykit.engine.decide.decide`): the
    value every branch of its unknowns gives, kept as settled, or the unknown it is."""
    unknown = env.cache[definition.id]
    for names in _ways(env, unknown.facts, definition.reads):
        branches = _branches(env, case, names)
        if branches is None:
            continue
        found: Any = _NONE
        try:
            for sub in branches:
                value = sub.get(definition.id)
                if value.__class__ is Unknown or (found is not _NONE and not _same(value, found)):
                    found = _NONE
                    break
                found = value
        finally:
            branches.close()
        if found is _NONE:
            continue
        env.cache[definition.id] = env.settled[definition.id] = found
        return found
    return unknown


_NONE = object()


def settle(env: CaseEnv, case: Case, undecided: DecisionRecord, words: bool = True) -> DecisionRecord:
    """Decide a value left unknown when every branch of its unknowns gives the same value
    (CONTRACT 1.1); cite what every branch cites (else what any does)."""
    unknown = env.cache[undecided.id]
    for names in _ways(env, unknown.facts, undecided.definition.reads):
        branches = _branches(env, case, names)
        if branches is None:
            continue
        records: list[DecisionRecord] = []
        try:
            for sub in branches:
                record = record_of(sub, undecided.definition, words)
                if not record.decided or (records and not _same(record.value, records[0].value)):
                    records = []
                    break
                records.append(record)
        finally:
            branches.close()
        if not records:
            continue
        first = records[0]
        env.cache[undecided.id] = env.settled[undecided.id] = first.value
        rows: dict[int, Rule] = {id(rule): rule for b in records for rule in b.rules}  # (a row is no key)
        env.settled_rows[undecided.id] = tuple(rows.values())
        common = tuple([c for c in first.cites if all(c in b.cites for b in records)])
        cites = common or tuple(dict.fromkeys(c for b in records for c in b.cites))
        reasons = tuple([r for r in first.reasons if all(r in b.reasons for b in records)])
        if not reasons:
            reasons = tuple(dict.fromkeys(r for b in records for r in b.reasons))
        return DecisionRecord(
            undecided.definition,
            first.value,
            True,
            first.rules,
            cites,
            reasons,
            tuple(sorted(unknown.facts)),
            undecided.trace,
            undecided.params,
        )
    return undecided


def settle_open(env: CaseEnv, case: Case, record: DecisionRecord, words: bool = True) -> DecisionRecord:
    """A decided value whose citations or ground depend on unknowns: cite (and name as its
    ground) what holds in every branch that gives the same value."""
    facts: set[str] = set()
    for name in record.open:
        current = _current(env, name)
        if current.__class__ is Unknown:
            facts |= current.facts
    for names in _ways(env, facts, record.open):
        branches = _branches(env, case, names)
        if branches is None:
            continue
        kept = [b for sub in branches if (b := record_of(sub, record.definition, words)).decided]
        kept = [b for b in kept if _same(b.value, record.value) and b.rules == record.rules]
        if not kept:
            continue
        cites = tuple([c for c in kept[0].cites if all(c in b.cites for b in kept)])
        grounds = tuple(
            tuple([i for i in ground if all(i in b.grounds[k] for b in kept)])
            for k, ground in enumerate(kept[0].grounds)
        )
        reasons = record.reasons
        if words:
            reasons = tuple(
                _reason(env, rule, grounds[k]) for k, rule in enumerate(record.rules) if rule.because is not None
            )
        return DecisionRecord(
            record.definition,
            record.value,
            True,
            record.rules,
            tuple(dict.fromkeys((*cites, *record.cites))),
            reasons,
            record.settled_on,
            record.trace,
            record.params,
            grounds,
        )
    return record


def holds_everywhere(env: CaseEnv, case: Case, parts: tuple[Compiled, ...]) -> bool:
    """Whether a step's or warning's condition holds: known true, or true in every branch of
    the unknowns it reads (a step due whatever the unknowns turn out to be is listed).  Its
    parts' fast forms are tried first, in turn (most conditions read only known values); from
    the first that gives way, the rest are worked out three-valued (those before it held, so
    they neither change the AND nor are worked out, and charged, again)."""
    rest = parts
    if Compiled.try_fast:
        known = env.known
        i = 0
        try:
            for part in parts:
                fast = part.fast
                if fast is None:
                    break
                if not fast(env, known):
                    return False
                i += 1
            else:
                return True
        except GIVE_WAY:
            pass
        rest = parts[i:] if i else parts
    held = env.holds(rest, False)
    if held is True or held.__class__ is not Unknown:
        return held is True
    names = parts_deps(env.policy, parts)[1]  # the names its parts read (kept per condition)
    for split in _ways(env, held.facts, names):
        branches = _branches(env, case, split)
        if branches is None:
            continue
        try:
            everywhere = all(sub.holds(parts, False) is True for sub in branches)
        finally:
            branches.close()
        if everywhere:
            return True
    return False
