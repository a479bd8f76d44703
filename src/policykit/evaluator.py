"""Evaluate a compiled policy on a case: decisions with cited clauses, actions, missing facts.

Generic over the policy: nothing here knows a clause, a number or an outcome of any
standard.  A value (derived or decision) is a first-hit table or a collected list; each
is computed at most once per case, on first use.  Facts the case does not give are
:class:`~policykit.values.Unknown`; a table whose rows cannot be told apart without
them is undecided only if the rows it might reach give different outcomes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from itertools import product
from math import prod
from typing import Any

from .case import Case
from .docsite import clause_url
from .errors import CaseError, Diagnostic
from .expr import Compiled, EvalError
from .fastpath import Known
from .model import Cite, Policy, Rule, Text, Value
from .result import ActionResult, CitedClause, DecisionResult, MissingFact, PartTrace, PolicyRef, Result, RuleTrace
from .values import Unknown, merge, truth

_PLACEHOLDER = re.compile(r"\{([^{}]+)\}")


def _base(policy: Policy) -> dict[str, Any]:
    """The names every case of ``policy`` shares: parameters and the policy's own id, version, status."""
    base: dict[str, Any] | None = policy.memo.get("base")
    if base is None:
        base = policy.memo["base"] = {"params." + name: param.value for name, param in policy.parameters.items()}
        base.update(
            {
                "policy.id": policy.id,
                "policy.version": policy.version,
                "policy.status": policy.status,
                "policy.sha256": policy.sha256,
            }
        )
    return base


class FactEnv:
    """Facts, parameters and built-in names only: what case checks may read."""

    def __init__(
        self, policy: Policy, facts: dict[str, Any], as_of: date | None = None, given: frozenset[str] = frozenset()
    ) -> None:
        self.policy = policy
        self.given = given
        self.calendar = policy.calendar
        base = _base(policy)
        self.cache: dict[str, Any] = {**base, **facts, "as_of": as_of}
        known = {**base, "as_of": as_of}
        for name, value in facts.items():
            if value.__class__ is not Unknown:
                known[name] = value
        self.known = Known(self, known)

    def get(self, name: str) -> Any:
        return self.cache.get(name)

    def release(self) -> None:
        """Break the env <-> known-values cycle so that a case's memory goes at once, without the GC."""
        self.known.env = None


_NO_TRACE: list[RuleTrace] = []
MAX_STEPS = 20_000  # values computed per case, settling included: the policy language has no loops


class _Outcome:
    __slots__ = ("rules", "trace", "value")

    def __init__(self, value: Any, rules: list[Rule], trace: list[RuleTrace]) -> None:
        self.value, self.rules, self.trace = value, rules, trace


class CaseEnv(FactEnv):
    """Computes derived values and decisions on demand, remembering each."""

    def __init__(
        self,
        policy: Policy,
        facts: dict[str, Any],
        as_of: date,
        trace: bool = False,
        given: frozenset[str] = frozenset(),
    ) -> None:
        super().__init__(policy, facts, as_of, given)
        self.outcomes: dict[str, _Outcome] = {}
        self.tracing = trace
        self.budget = [MAX_STEPS]

    def get(self, name: str) -> Any:
        try:
            return self.cache[name]
        except KeyError:
            pass
        value = self.policy.values.get(name)
        if value is None:
            raise EvalError(f"unknown name '{name}'")
        budget = self.budget
        budget[0] -= 1
        if budget[0] < 0:
            raise EvalError(f"the evaluation took more than {MAX_STEPS} steps")
        outcome = self._collect(value) if value.kind == "collect" else self._table(value)
        self.outcomes[name] = outcome
        self.cache[name] = outcome.value
        return outcome.value

    def holds(self, parts: tuple[Compiled, ...], any_of: bool, trace: list[PartTrace] | None = None) -> Any:
        """Kleene AND (or OR) of the parts; every part is evaluated when tracing."""
        unknown = None
        decided: bool | None = None
        for part in parts:
            value = part(self)
            if trace is not None:
                trace.append(PartTrace(part.source, value))
            if value.__class__ is Unknown and truth(value) is not None:
                value = truth(value)
            if value.__class__ is Unknown:
                unknown = value if unknown is None else merge(unknown, value)
            elif bool(value) is any_of:
                decided = any_of
                if trace is None:
                    break
        if decided is not None:
            return decided
        return unknown if unknown is not None else not any_of

    def _table(self, value: Value) -> _Outcome:
        if not self.tracing:
            # the common road: rows known true or false until one holds
            for rule in value.rules:
                parts = rule.parts
                if not parts:
                    cond: Any = True
                elif len(parts) == 1:
                    cond = parts[0](self)
                else:
                    cond = self.holds(parts, rule.any_of)
                if cond.__class__ is Unknown:
                    break
                if cond:
                    outcome = rule.value if rule.outcome is None else rule.outcome(self)
                    return _Outcome(outcome, [rule], _NO_TRACE)
            else:
                return _Outcome(None, [], _NO_TRACE)
        return self._table_in_full(value)

    def _table_in_full(self, value: Value) -> _Outcome:
        possible: list[tuple[Rule | None, Any]] = []
        facts: frozenset[str] = frozenset()
        trace: list[RuleTrace] = []
        hit = False
        for rule in value.rules:
            parts: list[PartTrace] | None = [] if self.tracing else None
            cond = self.holds(rule.parts, rule.any_of, parts)
            outcome: Any = None
            if cond.__class__ is Unknown or cond:
                outcome = rule.value if rule.outcome is None else rule.outcome(self)
            if self.tracing:
                trace.append(RuleTrace(rule.index, rule.line, tuple(parts or ()), rule.any_of, cond, outcome))
            if cond.__class__ is Unknown:
                facts = facts | cond.facts
                possible.append((rule, outcome))
            elif cond:
                possible.append((rule, outcome))
                hit = True
                break
        if not hit:
            possible.append((None, None))
        first = possible[0][1]
        same = all(o.__class__ is not Unknown and o.__class__ is first.__class__ and o == first for _, o in possible)
        if same:
            return _Outcome(first, [r for r, _ in possible if r is not None], trace)
        unknown = merge(Unknown(facts), *(o for _, o in possible))
        return _Outcome(Unknown(unknown.facts, _possible_values(o for _, o in possible)), [], trace)

    def _collect(self, value: Value) -> _Outcome:
        items: list[Any] = []
        rules: list[Rule] = []
        trace: list[RuleTrace] = []
        unknown: Unknown | None = None
        for rule in value.rules:
            parts: list[PartTrace] | None = [] if self.tracing else None
            cond = self.holds(rule.parts, rule.any_of, parts)
            if self.tracing:
                trace.append(RuleTrace(rule.index, rule.line, tuple(parts or ()), rule.any_of, cond, rule.value))
            if cond.__class__ is Unknown:
                if not value.skip_unknown:
                    unknown = cond if unknown is None else merge(unknown, cond)
            elif cond:
                items.append(rule.value)
                rules.append(rule)
        if unknown is not None:
            return _Outcome(unknown, [], trace)
        if not rules and value.otherwise is not None:
            rules = [value.otherwise]
        return _Outcome(items, rules, trace)

    # -- words ------------------------------------------------------------------------
    def render(self, text: Text | None, lang: str, extra: dict[str, Any] | None = None) -> str:
        if text is None:
            return ""
        return "".join(
            self.show(piece, lang, extra) if is_name else piece for is_name, piece in _template(text.get(lang))
        )

    def show(self, name: str, lang: str, extra: dict[str, Any] | None = None) -> str:
        if extra and name in extra:
            return self.format(extra[name], lang)
        value = self._lookup(name)
        target = self.policy.values.get(name)
        if value.__class__ is Unknown and value.values:
            # one of a few: name them all ("free repair / paid repair")
            shown = sorted((target.label(v, lang) if target else None) or self.format(v, lang) for v in value.values)
            return " / ".join(shown)
        if target is not None and target.labels and not isinstance(value, Unknown):
            if isinstance(value, list):
                return ", ".join(target.label(v, lang) or str(v) for v in value) or "-"
            label = target.label(value, lang)
            if label:
                return label
        return self.format(value, lang)

    def _lookup(self, name: str) -> Any:
        if name in self.cache:
            return self.cache[name]
        if name in self.policy.values:
            return self.get(name)
        parts = name.split(".")
        for k in range(len(parts) - 1, 0, -1):
            head = ".".join(parts[:k])
            if head in self.cache or head in self.policy.values:
                value = self.get(head)
                for field in parts[k:]:
                    value = (
                        value.get(field) if isinstance(value, dict) else value if isinstance(value, Unknown) else None
                    )
                return value
        return None

    def format(self, value: Any, lang: str) -> str:
        if isinstance(value, Unknown):
            return self.policy.message("unknown_value", lang)
        if value is None:
            return "-"
        if value is True:
            return self.policy.message("yes_word", lang)
        if value is False:
            return self.policy.message("no_word", lang)
        if isinstance(value, date):
            return value.isoformat()
        if isinstance(value, list):
            return ", ".join(self.format(v, lang) for v in value) or "-"
        return str(value)

    def cited(self, cites: tuple[Cite, ...] | tuple[str, ...], docs_url: str | None) -> list[CitedClause]:
        out = []
        for cite in cites:
            if isinstance(cite, Cite):
                if cite.when is not None and cite.when(self) is not True:
                    continue
                cid = cite.clause
            else:
                cid = cite
            out.append(_cited_clause(self.policy, cid, docs_url))
        return out


def _cited_clause(policy: Policy, cid: str, docs_url: str | None) -> CitedClause:
    known: dict[tuple[str, str | None], CitedClause] = policy.memo.setdefault("cited", {})
    cited = known.get((cid, docs_url))
    if cited is None:
        clause = policy.clauses[cid]
        cited = CitedClause(cid, clause.zh, clause.en, clause_url(docs_url, cid) if docs_url else None)
        if len(known) < 10_000:
            known[(cid, docs_url)] = cited
    return cited


@lru_cache(maxsize=4096)
def _template(text: str) -> tuple[tuple[bool, str], ...]:
    """A reason template as (is a name, text) pieces: ``"{a} and b"`` -> ((True, "a"), (False, " and b"))."""
    pieces: list[tuple[bool, str]] = []
    last = 0
    for match in _PLACEHOLDER.finditer(text):
        if match.start() > last:
            pieces.append((False, text[last : match.start()]))
        pieces.append((True, match.group(1)))
        last = match.end()
    if last < len(text):
        pieces.append((False, text[last:]))
    return tuple(pieces)


def _possible_values(outcomes: Any) -> frozenset[Any] | None:
    """The values a table may still take, when they are few and known (else None)."""
    found: set[Any] = set()
    for outcome in outcomes:
        if outcome.__class__ is Unknown:
            if outcome.values is None:
                return None
            found |= outcome.values
        elif outcome is None or isinstance(outcome, (str, bool, int, date)):
            found.add(outcome)
        else:
            return None
    return frozenset(found)


def _unique(cites: list[CitedClause]) -> tuple[CitedClause, ...]:
    seen: dict[str, CitedClause] = {}
    for c in cites:
        seen.setdefault(c.clause, c)
    return tuple(seen.values())


def _decision(env: CaseEnv, value: Value, lang: str, docs_url: str | None) -> DecisionResult:
    result = env.get(value.id)
    outcome = env.outcomes[value.id]
    title = value.title.get(lang) if value.title else value.id
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
        params = tuple((n, env.cache[n]) for n in used)
    if isinstance(result, Unknown):
        facts = ", ".join(sorted(result.facts)) or "?"
        return DecisionResult(
            value.id,
            title,
            None,
            False,
            None,
            (),
            (env.policy.message("undecided", lang, facts=facts),),
            value.output,
            value.interpretations,
            tuple(outcome.trace),
            params,
        )
    cites: list[CitedClause] = []
    because: list[str] = []
    for rule in outcome.rules:
        cites.extend(env.cited(rule.cites, docs_url))
        if rule.because is not None:
            line = env.render(rule.because, lang)
            if line not in because:
                because.append(line)
    unique = tuple(cites) if len(outcome.rules) == 1 else _unique(cites)
    label = None
    if value.labels and not isinstance(result, list):
        label = value.label(result, lang)
    return DecisionResult(
        value.id,
        title,
        result,
        True,
        label,
        unique,
        tuple(because),
        value.output,
        value.interpretations,
        tuple(outcome.trace),
        params,
    )


def evaluate(
    policy: Policy,
    case: Case,
    as_of: date,
    lang: str = "zh",
    docs_url: str | None = None,
    explain: bool = False,
    case_sha256: str | None = None,
) -> Result:
    """Decide ``case`` under ``policy`` as of ``as_of``."""
    env = CaseEnv(policy, case.facts, as_of, trace=explain, given=case.given)
    try:
        return _evaluate(env, policy, case, as_of, lang, docs_url, explain, case_sha256)
    except EvalError as exc:
        raise CaseError([Diagnostic("<case>", 0, 0, "evaluation", f"cannot evaluate this case: {exc}")]) from None
    except RecursionError:
        raise CaseError([Diagnostic("<case>", 0, 0, "evaluation", "evaluation nested too deeply")]) from None
    finally:
        env.release()


MAX_SPLITS = 64


def _settle(
    env: CaseEnv, policy: Policy, case: Case, undecided: DecisionResult, lang: str, docs_url: str | None
) -> DecisionResult:
    """Decide a value left unknown when every possible value of its unknown yes/no and
    choice facts gives the same result (CONTRACT 1.1: what can be decided is decided)."""
    unknown = env.cache[undecided.id]
    names: list[str] = []
    domains: list[tuple[Any, ...]] = []
    for name in sorted(unknown.facts):  # the yes/no and choice facts; dates and the like stay unknown
        fact = policy.facts.get(name)
        if fact is not None and fact.type in ("bool", "enum"):
            names.append(name)
            domains.append((True, False) if fact.type == "bool" else fact.values)
    if not names or prod(len(d) for d in domains) > MAX_SPLITS:
        return undecided
    definition = policy.values[undecided.id]
    results = []
    for combo in product(*domains):
        facts = dict(case.facts)
        facts.update(zip(names, combo, strict=True))
        sub = CaseEnv(policy, facts, env.cache["as_of"], given=env.given | frozenset(names))
        sub.budget = env.budget
        try:
            value = sub.get(undecided.id)
            if isinstance(value, Unknown):
                return undecided
            results.append(_decision(sub, definition, lang, docs_url))
        finally:
            sub.release()
    first = results[0]
    if any(r.value.__class__ is not first.value.__class__ or r.value != first.value for r in results[1:]):
        return undecided
    cites = tuple(c for c in first.cites if all(any(o.clause == c.clause for o in r.cites) for r in results))
    because = [b for b in first.because if all(b in r.because for r in results)]
    because.append(policy.message("decided_either_way", lang, facts=", ".join(names)))
    env.cache[undecided.id] = first.value
    return DecisionResult(
        undecided.id,
        undecided.title,
        first.value,
        True,
        first.label,
        cites or first.cites,
        tuple(because),
        undecided.output,
        undecided.interpretations,
        undecided.rules,
        undecided.params,
    )


def _evaluate(
    env: CaseEnv,
    policy: Policy,
    case: Case,
    as_of: date,
    lang: str,
    docs_url: str | None,
    explain: bool,
    case_sha256: str | None,
) -> Result:
    rtype = case.request_type
    plan_decisions, plan_actions, plan_warnings = policy.plan(rtype)
    decisions = tuple(_decision(env, v, lang, docs_url) for v in plan_decisions)
    decisions = tuple(_settle(env, policy, case, d, lang, docs_url) if not d.decided else d for d in decisions)
    needed: dict[str, list[str]] = {}
    for d in decisions:
        value = env.cache[d.id]
        if isinstance(value, Unknown):
            for fact in value.facts:
                needed.setdefault(fact, []).append(d.id)
    for reg in policy.registration:
        if rtype in reg.applies_to:
            for fact in reg.facts:
                value = env.cache.get(fact)
                if isinstance(value, Unknown) or (isinstance(value, str) and not value.strip()):
                    needed.setdefault(fact, []).append(reg.needed_for)
    missing = tuple(
        MissingFact(name, tuple(needed[name]), env.render(fact.question, lang) if fact.question else name)
        for name, fact in policy.facts.items()
        if name in needed
    )
    actions = []
    for step in plan_actions:
        if env.holds(step.parts, False) is True:
            due = step.due(env) if step.due is not None else None
            actions.append(
                ActionResult(
                    step.id,
                    env.render(step.text, lang, {"due": due}),
                    due if isinstance(due, date) else None,
                    tuple(env.cited(step.cites, docs_url)),
                )
            )
    warnings = [env.render(w.text, lang) for w in plan_warnings if env.holds(w.parts, False) is True]
    warnings.extend(case.warnings)
    trace: tuple[DecisionResult, ...] = ()
    if explain:
        trace = tuple(_decision(env, policy.values[name], lang, docs_url) for name in env.outcomes)
    return Result(
        case.case_id,
        as_of,
        rtype,
        PolicyRef(policy.id, policy.version, policy.sha256, policy.status),
        decisions,
        tuple(actions),
        missing,
        tuple(warnings),
        lang,
        case_sha256,
        trace,
        tuple((name, rule.index) for name, outcome in env.outcomes.items() for rule in outcome.rules),
    )


@dataclass(frozen=True)
class Decided:
    """The lean result of :func:`decide`: each decision's value (None when undecided or not
    applicable) and, for the undecided ones, the facts that would decide them."""

    values: dict[str, Any]
    missing: dict[str, tuple[str, ...]]


def decide(policy: Policy, case: Case, as_of: date) -> Decided:
    """Only the decisions: no reasons, citations, steps or texts.  For bulk work (impact
    analysis, nightly re-evaluation) where the values are what is compared."""
    env = CaseEnv(policy, case.facts, as_of, given=case.given)
    try:
        values: dict[str, Any] = {}
        missing: dict[str, tuple[str, ...]] = {}
        for value in policy.plan(case.request_type)[0]:
            result = env.get(value.id)
            if result.__class__ is Unknown:
                settled = _settle(env, policy, case, _decision(env, value, "en", None), "en", None)
                if not settled.decided:
                    values[value.id] = None
                    missing[value.id] = tuple(sorted(result.facts))
                    continue
                result = settled.value
            values[value.id] = result
        return Decided(values, missing)
    except EvalError as exc:
        raise CaseError([Diagnostic("<case>", 0, 0, "evaluation", f"cannot evaluate this case: {exc}")]) from None
    finally:
        env.release()
