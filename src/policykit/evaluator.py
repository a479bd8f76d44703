"""Evaluate a compiled policy on a case: decisions with cited clauses, actions, missing facts.

Generic over the policy: nothing here knows a clause, a number or an outcome of any
standard.  A value (derived or decision) is a first-hit table or a collected list; each
is computed at most once per case, on first use.  Facts the case does not give are
:class:`~policykit.values.Unknown`; a table whose rows cannot be told apart without
them is undecided only if the rows it might reach give different outcomes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from itertools import product
from math import prod
from typing import Any

from policykit.engine.case import Case
from policykit.engine.env import CaseEnv, FactEnv
from policykit.errors import CaseError, Diagnostic
from policykit.lang.expr import EvalError
from policykit.lang.values import Unknown
from policykit.policy.model import Policy, Value
from policykit.present.result import ActionResult, CitedClause, DecisionResult, MissingFact, PolicyRef, Result

__all__ = ["CaseEnv", "Decided", "FactEnv", "decide", "evaluate"]


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
