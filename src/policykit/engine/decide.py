"""Decide a case under a compiled policy: a language-free :class:`CaseRecord`.

Generic over the policy: nothing here knows a clause, a number or an outcome of any
standard.  A value (derived or decision) is a first-hit table or a collected list; each
is computed at most once per case, on first use.  Facts the case does not give are
:class:`~policykit.lang.values.Unknown`; a table whose rows cannot be told apart without
them is undecided only if the rows it might reach give different outcomes, and a value
still undecided is settled when every value of its unknown yes/no and choice facts
gives the same result (CONTRACT 1.1).
"""

from __future__ import annotations

from datetime import date
from itertools import product
from math import prod
from typing import Any

from policykit.engine.case import Case
from policykit.engine.env import CaseEnv
from policykit.engine.record import (
    ActionRecord,
    CaseRecord,
    Decided,
    DecisionRecord,
    MissingRecord,
    Notice,
    Reason,
)
from policykit.errors import CaseError, Diagnostic
from policykit.lang.expr import EvalError
from policykit.lang.values import Unknown
from policykit.limits import DEFAULT, Limits
from policykit.policy.model import Policy, Value

__all__ = ["MAX_SPLITS", "decide", "decide_case"]

MAX_SPLITS = 64  # combinations of unknown yes/no and choice facts tried to settle a value


def _record(env: CaseEnv, value: Value, words: bool = True) -> DecisionRecord:
    """The decision of ``value`` in ``env``: its cited clauses and, with ``words``, the
    values its reasons will show."""
    result = env.get(value.id)
    outcome = env.outcomes[value.id]
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
        return DecisionRecord(value, result, False, (), (), (), (), tuple(outcome.trace), params)
    cites: list[str] = []
    reasons: list[Reason] = []
    for rule in outcome.rules:
        cites.extend(env.cited(rule.cites))
        if words and rule.because is not None:
            reasons.append(env.reason(rule.because))
    unique = tuple(cites) if len(outcome.rules) == 1 else tuple(dict.fromkeys(cites))
    return DecisionRecord(
        value, result, True, tuple(outcome.rules), unique, tuple(reasons), (), tuple(outcome.trace), params
    )


def _settle(env: CaseEnv, case: Case, undecided: DecisionRecord, words: bool = True) -> DecisionRecord:
    """Decide a value left unknown when every possible value of its unknown yes/no and
    choice facts gives the same result (CONTRACT 1.1: what can be decided is decided)."""
    policy = env.policy
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
    branches: list[DecisionRecord] = []
    for combo in product(*domains):
        facts = dict(case.facts)
        facts.update(zip(names, combo, strict=True))
        sub = CaseEnv(policy, facts, env.cache["as_of"], given=env.given | frozenset(names))
        sub.budget = env.budget
        try:
            if isinstance(sub.get(undecided.id), Unknown):
                return undecided
            branches.append(_record(sub, undecided.definition, words))
        finally:
            sub.release()
    first = branches[0]
    if any(b.value.__class__ is not first.value.__class__ or b.value != first.value for b in branches[1:]):
        return undecided
    cites = tuple(c for c in first.cites if all(c in b.cites for b in branches))
    reasons = tuple(r for r in first.reasons if all(r in b.reasons for b in branches))
    env.cache[undecided.id] = first.value
    return DecisionRecord(
        undecided.definition,
        first.value,
        True,
        first.rules,
        cites or first.cites,
        reasons,
        tuple(names),
        undecided.trace,
        undecided.params,
    )


def _missing(env: CaseEnv, case: Case, decisions: tuple[DecisionRecord, ...]) -> tuple[MissingRecord, ...]:
    policy = env.policy
    needed: dict[str, list[str]] = {}
    for d in decisions:
        value = env.cache[d.id]
        if isinstance(value, Unknown):
            for fact in value.facts:
                needed.setdefault(fact, []).append(d.id)
    for reg in policy.registration:
        if case.request_type in reg.applies_to:
            for fact in reg.facts:
                value = env.cache.get(fact)
                if isinstance(value, Unknown) or (isinstance(value, str) and not value.strip()):
                    needed.setdefault(fact, []).append(reg.needed_for)
    return tuple(
        MissingRecord(name, tuple(needed[name]), env.reason(fact.question) if fact.question else None)
        for name, fact in policy.facts.items()
        if name in needed
    )


def _decide(env: CaseEnv, case: Case, as_of: date) -> CaseRecord:
    policy = env.policy
    plan_decisions, plan_actions, plan_warnings = policy.plan(case.request_type)
    decisions = tuple(_record(env, v) for v in plan_decisions)
    decisions = tuple(d if d.decided else _settle(env, case, d) for d in decisions)
    missing = _missing(env, case, decisions)
    actions = []
    for step in plan_actions:
        if env.holds(step.parts, False) is True:
            due = step.due(env) if step.due is not None else None
            actions.append(
                ActionRecord(
                    step.id,
                    env.reason(step.text, {"due": due}),
                    due if isinstance(due, date) else None,
                    tuple(env.cited(step.cites)),
                )
            )
    warnings = tuple(env.reason(w.text) for w in plan_warnings if env.holds(w.parts, False) is True)
    trace: tuple[DecisionRecord, ...] = ()
    if env.tracing:
        trace = tuple(_record(env, policy.values[name]) for name in env.outcomes)
    return CaseRecord(
        policy,
        case.case_id,
        as_of,
        case.request_type,
        decisions,
        tuple(actions),
        missing,
        warnings,
        tuple(Notice(key, fields) for key, fields in case.notices),
        trace,
        tuple((name, rule.index) for name, outcome in env.outcomes.items() for rule in outcome.rules),
    )


def _evaluation_error(exc: Exception) -> CaseError:
    if isinstance(exc, RecursionError):
        return CaseError([Diagnostic("<case>", 0, 0, "evaluation", "evaluation nested too deeply")])
    return CaseError([Diagnostic("<case>", 0, 0, "evaluation", f"cannot evaluate this case: {exc}")])


def decide_case(policy: Policy, case: Case, as_of: date, trace: bool = False, limits: Limits = DEFAULT) -> CaseRecord:
    """Decide ``case`` under ``policy`` as of ``as_of``: everything but the words.  With
    ``trace``, every value worked out is kept with the rows considered (``--explain``).
    The work is bounded by ``limits`` (a :class:`~policykit.limits.LimitError` past one)."""
    env = CaseEnv(policy, case.facts, as_of, trace=trace, given=case.given, limits=limits)
    try:
        return _decide(env, case, as_of)
    except (EvalError, RecursionError) as exc:
        raise _evaluation_error(exc) from None
    finally:
        env.release()


def decide(policy: Policy, case: Case, as_of: date, limits: Limits = DEFAULT) -> Decided:
    """Only the decisions: no reasons, citations, steps or texts.  For bulk work (impact
    analysis, nightly re-evaluation) where the values are what is compared."""
    env = CaseEnv(policy, case.facts, as_of, given=case.given, limits=limits)
    try:
        values: dict[str, Any] = {}
        missing: dict[str, tuple[str, ...]] = {}
        for value in policy.plan(case.request_type)[0]:
            result = env.get(value.id)
            if result.__class__ is Unknown:
                settled = _settle(env, case, _record(env, value, words=False), words=False)
                if not settled.decided:
                    values[value.id] = None
                    missing[value.id] = tuple(sorted(result.facts))
                    continue
                result = settled.value
            values[value.id] = result
        return Decided(values, missing)
    except (EvalError, RecursionError) as exc:
        raise _evaluation_error(exc) from None
    finally:
        env.release()
