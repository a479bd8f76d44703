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

from dataclasses import replace
from datetime import date
from typing import Any

from policykit.engine.case import Case
from policykit.engine.env import CaseEnv
from policykit.engine.record import (
    ActionRecord,
    AssumedRecord,
    CaseRecord,
    Decided,
    DecisionRecord,
    MissingRecord,
    Notice,
)
from policykit.engine.settle import MAX_SPLITS, reads, record_of, settle, settle_open
from policykit.errors import CaseError, Diagnostic
from policykit.lang.expr import EvalError
from policykit.lang.values import Unknown, truth
from policykit.policy.model import Policy, Step

__all__ = ["MAX_SPLITS", "decide", "decide_case"]


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


def _decisions(env: CaseEnv, case: Case, words: bool = True) -> tuple[DecisionRecord, ...]:
    """Each decision of the request type in order, settled at once where the unknowns
    cannot change it, so that the later ones read the settled value."""
    out = []
    for value in env.policy.plan(case.request_type)[0]:
        record = record_of(env, value, words)
        if not record.decided:
            record = settle(env, case, record, words)
        elif record.open and words:
            record = settle_open(env, case, record, words)
        out.append(record)
    return tuple(out)


def _defaulted(policy: Policy, case: Case) -> tuple[str, ...]:
    return tuple(name for name, fact in policy.facts.items() if fact.has_default and name not in case.given)


def _rests_on(env: CaseEnv, case: Case, defaulted: tuple[str, ...]) -> CaseEnv:
    """The case with its defaulted facts unknown: what is then unknown rests on them."""
    facts = dict(case.facts)
    for name in defaulted:
        facts[name] = Unknown(frozenset([name]))
    sub = CaseEnv(env.policy, facts, env.cache["as_of"], given=case.given)
    sub.budget = env.budget
    return sub


def _assumed_by(value: Any, defaulted: frozenset[str], condition: bool = False) -> tuple[str, ...]:
    """The defaulted facts a value (or, with ``condition``, a step's condition) found
    unknown without them rests on."""
    if value.__class__ is not Unknown or (condition and truth(value) is not None):
        return ()
    return tuple(name for name in sorted(value.facts) if name in defaulted)


def _with_assumptions(record: DecisionRecord, probe: CaseEnv, defaulted: frozenset[str]) -> DecisionRecord:
    assumed = _assumed_by(probe.get(record.id), defaulted)
    if not assumed:
        return record
    here = reads(record.definition)
    return replace(record, assumed=assumed, assumed_here=tuple(f for f in assumed if f in here))


def _step_cites(env: CaseEnv, step: Step) -> tuple[str, ...]:
    """The clauses a step cites: those whose condition holds, and those the unknowns leave
    open (the step follows one of them, the unknown will tell which)."""
    out = []
    for cite in step.cites:
        if cite.when is not None:
            held = cite.when(env)
            if held.__class__ is Unknown:
                held = truth(held)
                if held is None:
                    held = True
            if not held:
                continue
        out.append(cite.clause)
    return tuple(dict.fromkeys(out))


def _decide(env: CaseEnv, case: Case, as_of: date) -> CaseRecord:
    policy = env.policy
    _, plan_actions, plan_warnings = policy.plan(case.request_type)
    decisions = _decisions(env, case)
    missing = _missing(env, case, decisions)
    defaulted = _defaulted(policy, case)
    probe = _rests_on(env, case, defaulted) if defaulted else None
    known = frozenset(defaulted)
    if probe is not None:
        decisions = tuple(_with_assumptions(d, probe, known) if d.decided else d for d in decisions)
    resting = {fact for d in decisions for fact in d.assumed_here}
    to_confirm = {policy.facts[f].confirm_step for f in resting} - {None}
    actions = []
    for step in plan_actions:
        if env.holds(step.parts, False) is True or step.id in to_confirm:
            due = step.due(env) if step.due is not None else None
            assumed = _assumed_by(probe.holds(step.parts, False), known, condition=True) if probe is not None else ()
            actions.append(
                ActionRecord(
                    step.id,
                    env.reason(step.text, {"due": due}),
                    due if isinstance(due, date) else None,
                    _step_cites(env, step),
                    assumed,
                )
            )
    if probe is not None:
        probe.release()
    warnings = tuple(env.reason(w.text) for w in plan_warnings if env.holds(w.parts, False) is True)
    trace: tuple[DecisionRecord, ...] = ()
    if env.tracing:
        trace = tuple(record_of(env, policy.values[name]) for name in env.outcomes)
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
        _assumptions(env, decisions, tuple(actions)),
    )


def _assumptions(
    env: CaseEnv, decisions: tuple[DecisionRecord, ...], actions: tuple[ActionRecord, ...]
) -> tuple[AssumedRecord, ...]:
    """Each defaulted fact some decision or step rests on, with what rests on it."""
    policy = env.policy
    needed: dict[str, list[str]] = {}
    for item in (*decisions, *actions):
        for fact in item.assumed:
            needed.setdefault(fact, []).append(item.id)
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


def _evaluation_error(exc: Exception) -> CaseError:
    if isinstance(exc, RecursionError):
        return CaseError([Diagnostic("<case>", 0, 0, "evaluation", "evaluation nested too deeply")])
    return CaseError([Diagnostic("<case>", 0, 0, "evaluation", f"cannot evaluate this case: {exc}")])


def decide_case(policy: Policy, case: Case, as_of: date, trace: bool = False) -> CaseRecord:
    """Decide ``case`` under ``policy`` as of ``as_of``: everything but the words.  With
    ``trace``, every value worked out is kept with the rows considered (``--explain``)."""
    env = CaseEnv(policy, case.facts, as_of, trace=trace, given=case.given)
    try:
        return _decide(env, case, as_of)
    except (EvalError, RecursionError) as exc:
        raise _evaluation_error(exc) from None
    finally:
        env.release()


def decide(policy: Policy, case: Case, as_of: date) -> Decided:
    """Only the decisions: no reasons, citations, steps or texts.  For bulk work (impact
    analysis, nightly re-evaluation) where the values are what is compared."""
    env = CaseEnv(policy, case.facts, as_of, given=case.given)
    try:
        values: dict[str, Any] = {}
        missing: dict[str, tuple[str, ...]] = {}
        for record in _decisions(env, case, words=False):
            if record.decided:
                values[record.id] = record.value
            else:
                values[record.id] = None
                missing[record.id] = tuple(sorted(record.value.facts))
        return Decided(values, missing)
    except EvalError as exc:
        raise _evaluation_error(exc) from None
    finally:
        env.release()
