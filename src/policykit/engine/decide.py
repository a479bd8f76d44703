"""Decide a case under a compiled policy: a language-free :class:`CaseRecord`.

Generic over the policy: nothing here knows a clause, a number or an outcome of any
standard.  A value (derived or decision) is a first-hit table or a collected list; each
is computed at most once per case, on first use.  Facts the case does not give are
:class:`~policykit.lang.values.Unknown`; a table whose rows cannot be told apart without
them is undecided only if the rows it might reach give different outcomes, and a value
still undecided is settled when every branch of its unknowns gives the same result
(CONTRACT 1.1, :mod:`policykit.engine.settle`).  Each decision and step then names the
defaulted facts it rests on (:mod:`policykit.engine.assume`).

Every value is worked out by the code generated from the policy
(:mod:`policykit.engine.codegen`) where what it reads is known, and by the three-valued
tables of :mod:`policykit.engine.env` where it reads an unknown; ``generated=False`` runs
the tables alone, the reference the differential tests hold the generated road to.
"""

from __future__ import annotations

from policykit.engine.assume import Probes, assumptions, defaulted_facts
from policykit.engine.case import Case
from policykit.engine.env import CaseEnv
from policykit.engine.reach import in_fact_order, parts_deps
from policykit.engine.record import (
    ActionRecord,
    CaseRecord,
    Decided,
    DecisionRecord,
    MissingRecord,
    Notice,
)
from policykit.engine.settle import MAX_SPLITS, holds_everywhere, record_of, settle, settle_open, settle_value
from policykit.errors import CaseError, Diagnostic
from policykit.lang.dates import WatchedCalendar, date
from policykit.lang.expr import EvalError
from policykit.lang.values import Unknown, truth
from policykit.limits import DEFAULT, Budget, Limits
from policykit.policy.model import Policy, Step

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from types import ModuleType
    from typing import Any

    from policykit.engine.lean import Lean
    from policykit.lang.expr import Compiled

    StepPlan = tuple[
        Step,
        tuple[Compiled, ...],
        Compiled | None,
        tuple[str, ...] | None,
        tuple[frozenset[str], frozenset[str]],
    ]

__all__ = ["MAX_SPLITS", "decide", "decide_case", "decide_interpreted"]


def _missing(env: CaseEnv, case: Case, decisions: tuple[DecisionRecord, ...]) -> tuple[MissingRecord, ...]:
    policy = env.policy
    needed: dict[str, list[str]] = {}
    for d in decisions:
        value = env.cache[d.id]
        if isinstance(value, Unknown):
            for fact in value.facts:
                needed.setdefault(fact, []).append(d.id)
    cache = env.cache
    for fact, needed_for in _registered(policy, case.request_type):
        value = cache.get(fact)
        if isinstance(value, Unknown) or (isinstance(value, str) and not value.strip()):
            needed.setdefault(fact, []).append(needed_for)
    if not needed:
        return ()
    facts = policy.facts
    return tuple(
        MissingRecord(name, tuple(needed[name]), env.reason(question) if (question := facts[name].question) else None)
        for name in in_fact_order(policy, needed)
    )


def _registered(policy: Policy, request_type: str) -> tuple[tuple[str, str], ...]:
    """The facts registering a case of ``request_type`` asks for, in order, each with what it is needed for."""
    made: dict[str, tuple[tuple[str, str], ...]] = policy.memo.get("registered") or policy.memo.setdefault(
        "registered", {}
    )
    found = made.get(request_type)
    if found is None:
        found = made[request_type] = tuple(
            [
                (fact, reg.needed_for)
                for reg in policy.registration
                if request_type in reg.applies_to
                for fact in reg.facts
            ]
        )
    return found


def _decisions(env: CaseEnv, case: Case) -> tuple[DecisionRecord, ...]:
    """Each decision of the request type in order, settled at once where the unknowns
    cannot change it, so that the later ones read the settled value."""
    out = []
    for value in env.policy.plan(case.request_type)[0]:
        record = record_of(env, value)
        if not record.decided:
            record = settle(env, case, record)
        elif record.open:
            record = settle_open(env, case, record)
        out.append(record)
    return tuple(out)


def _fixed_step_cites(policy: Policy, step: Step) -> tuple[str, ...] | None:
    """The clause ids (once each) of ``step`` where they are cited whatever the case, else
    None (found for the steps of a request type alone, with their plan: :func:`_steps`)."""
    if all(c.when is None for c in step.cites):
        return tuple(dict.fromkeys(c.clause for c in step.cites))
    return None


def _steps(policy: Policy, request_type: str) -> tuple[StepPlan, ...]:
    """The steps of ``request_type`` in order, each with its condition, its due day's
    expression, its clauses where they are cited whatever the case (else None), and what
    its condition reads (:func:`~policykit.engine.reach.parts_deps`): looked up once."""
    made: dict[str, tuple[StepPlan, ...]] = policy.memo.get("step_plans") or policy.memo.setdefault("step_plans", {})
    found = made.get(request_type)
    if found is None:
        found = made[request_type] = tuple(
            [
                (step, step.parts, step.due, _fixed_step_cites(policy, step), parts_deps(policy, step.parts))
                for step in policy.plan(request_type)[1]
            ]
        )
    return found


def _step_cites(env: CaseEnv, step: Step) -> tuple[str, ...]:
    """The clauses a step cites: those whose condition holds, and those the unknowns leave
    open (the step follows one of them, the unknown will tell which): for a step whose
    clauses are not all cited whatever the case (:func:`_fixed_step_cites`)."""
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
    plan_warnings = policy.plan(case.request_type)[2]
    decisions = _decisions(env, case)
    missing = _missing(env, case, decisions)
    found = Probes(env, case)  # released in the finally below
    try:
        decisions = found.decisions(decisions)
        to_confirm: set[str | None] | None = (
            None  # the steps confirming what a decision rests on, found when first asked
        )
        actions = []
        for step, parts, due_of, fixed, deps in _steps(policy, case.request_type):
            if step.on_assumption:
                if to_confirm is None:
                    resting = {fact for d in decisions for fact in d.assumed_here}
                    to_confirm = {policy.facts[f].confirm_step for f in resting} - {None}
                if step.id not in to_confirm:
                    continue
            if holds_everywhere(env, case, parts):
                due = due_of(env) if due_of is not None else None
                actions.append(
                    ActionRecord(
                        step.id,
                        env.reason(step.text, {"due": due}),
                        due if isinstance(due, date) else None,
                        fixed if fixed is not None else _step_cites(env, step),
                        found.condition(parts, deps),
                    )
                )
    finally:
        found.release()
    warnings = tuple([env.reason(w.text) for w in plan_warnings if holds_everywhere(env, case, w.parts)])
    trace: tuple[DecisionRecord, ...] = ()
    if env.tracing:
        trace = tuple([record_of(env, policy.values[name]) for name in env.outcomes])
    return CaseRecord(
        policy,
        case.case_id,
        as_of,
        case.request_type,
        decisions,
        tuple(actions),
        missing,
        warnings,
        tuple([Notice(key, fields) for key, fields in case.notices]),
        trace,
        _fired(env, decisions),
        assumptions(env, decisions, tuple(actions)),
        tuple(sorted(env.calendar.years)) if isinstance(env.calendar, WatchedCalendar) else (),
    )


def _fired(env: CaseEnv, decisions: tuple[DecisionRecord, ...]) -> tuple[tuple[str, int], ...]:
    """The rows that gave the case's values (coverage), and those that gave each decision
    settled over its unknowns (every branch gave the same value, by one row or by several:
    the case's own table was left undecided)."""
    fired = [(name, rule.index) for name, outcome in env.outcomes.items() for rule in outcome.rules]
    if env.settled:
        rows = env.settled_rows
        fired += [(d.id, rule.index) for d in decisions if d.id in env.settled for rule in rows.get(d.id, d.rules)]
        return tuple(dict.fromkeys(fired))
    return tuple(fired)


def _evaluation_error(exc: Exception) -> CaseError:
    if isinstance(exc, RecursionError):
        return CaseError([Diagnostic("<case>", 0, 0, "evaluation", "evaluation nested too deeply")])
    return CaseError([Diagnostic("<case>", 0, 0, "evaluation", f"cannot evaluate this case: {exc}")])


def decide_case(
    policy: Policy,
    case: Case,
    as_of: date,
    trace: bool = False,
    limits: Limits = DEFAULT,
    generated: bool = True,
) -> CaseRecord:
    """Decide ``case`` under ``policy`` as of ``as_of``: everything but the words.  With
    ``trace``, every value worked out is kept with the rows considered (``--explain``, on
    the interpreter).  Values are worked out by the code generated from the policy, and
    by the interpreter where they read an unknown; ``generated=False``: by the
    interpreter alone, the reference.  The work is bounded by ``limits`` (a
    :class:`~policykit.limits.LimitError` past one)."""
    env = _env(policy, case, as_of, limits, generated, trace, watch=True)
    try:
        if generated and not trace:
            (_SEED or _seed())(
                env, case, as_of, limits
            )  # the values at once, where the generated code decides them alone
        return _decide(env, case, as_of)
    except (EvalError, RecursionError) as exc:
        raise _evaluation_error(exc) from None
    finally:
        env.release()


def _env(
    policy: Policy, case: Case, as_of: date, limits: Limits, generated: bool, trace: bool = False, watch: bool = False
) -> CaseEnv:
    """The case to decide: on the generated road unless ``generated`` is off or it is
    traced; with ``watch``, noting which defaulted facts are read, on every road: an
    assumption probe that cannot change anything is skipped (:mod:`policykit.engine.assume`)
    on all of them alike, so they charge a case the same work.  (One difference is left: an
    expression whose fast form calls a function that charges for what it reads, then gives
    way on an unknown, is charged that call again by its exact form; the exact forms alone
    charge it once.  No expression of the bundled standard does.)"""
    watched = defaulted_facts(policy, case) if watch else frozenset()
    if not generated or trace:
        return CaseEnv(policy, case.facts, as_of, trace=trace, given=case.given, limits=limits, watch=watched)
    return CaseEnv(
        policy,
        case.facts,
        as_of,
        given=case.given,
        limits=limits,
        generated=(_CODEGEN or _codegen()).functions(policy),
        watch=watched,
    )


# The generated road's modules, imported when it is first taken (a global each, not an
# import statement per case): one case decided on the interpreter never takes it.
_CODEGEN: ModuleType | None = None
_SEED: Callable[[CaseEnv, Case, date, Limits], bool] | None = None


def _codegen() -> ModuleType:
    global _CODEGEN
    from policykit.engine import codegen

    _CODEGEN = codegen
    return codegen


def _seed() -> Callable[[CaseEnv, Case, date, Limits], bool]:
    global _SEED
    from policykit.engine.seed import seed

    _SEED = seed
    return seed


_LEAN: Callable[[Policy, str, dict[str, Any], date, frozenset[str], Limits], dict[str, Any]] | None = None


def _lean() -> Callable[[Policy, str, dict[str, Any], date, frozenset[str], Limits], dict[str, Any]]:
    """The lean road (:mod:`policykit.engine.lean`), imported when first taken: one case
    decided from the command line never takes it."""
    global _LEAN
    from policykit.engine.lean import lean_values

    _LEAN = lean_values
    return lean_values


def decide(policy: Policy, case: Case, as_of: date, limits: Limits = DEFAULT, generated: bool = True) -> Decided:
    """Only the decisions: no reasons, citations, steps or texts.  For bulk work (impact
    analysis, nightly re-evaluation) where the values are what is compared.  Worked out
    as :func:`decide_case` does (``generated=False``: by the interpreter alone), under
    the same ``limits``."""
    if generated:  # the common road: every decision known, nothing to settle or cite
        codegen = _CODEGEN or _codegen()
        try:
            made = policy.memo.get("lean_requests")
            lean = made.get(case.request_type) if made is not None else None
            if lean is not None and limits is lean.fits:  # the request function without the budget will do
                try:
                    return Decided(lean.plain(None, policy.calendar, case.given, as_of, case.facts), {})
                except codegen.NeedsBudget:  # a value whose size the budget charges: under the budget
                    return Decided(lean.metered(Budget(limits), policy.calendar, case.given, as_of, case.facts), {})
            found = (_LEAN or _lean())(policy, case.request_type, case.facts, as_of, case.given, limits)
            return Decided(found, {})
        except codegen.GIVE_UP:  # an unknown read, or a value the generated code gives way on: the full road
            made = policy.memo.get("lean_requests")
            lean = made.get(case.request_type) if made is not None else None
            if lean is not None:  # the full road for the decisions the lean road leaves open alone
                opened = _open_road(policy, case, as_of, limits, lean)
                if opened is not None:
                    return opened
        except (EvalError, RecursionError) as exc:
            raise _evaluation_error(exc) from None
    env = _env(policy, case, as_of, limits, generated)
    try:
        return _values(env, case)
    except (EvalError, RecursionError) as exc:
        raise _evaluation_error(exc) from None
    finally:
        env.release()


def _values(env: CaseEnv, case: Case) -> Decided:
    """Each decision of the case's request type in order, by its value alone (no citations,
    no rows), settled at once where the unknowns cannot change it (so that the later ones
    read the settled value)."""
    values: dict[str, Any] = {}
    missing: dict[str, tuple[str, ...]] = {}
    for value in env.policy.plan(case.request_type)[0]:
        result = env.get(value.id)
        if result.__class__ is Unknown:
            result = settle_value(env, case, value)
        if result.__class__ is Unknown:
            values[value.id] = None
            missing[value.id] = tuple(sorted(result.facts))
        else:
            values[value.id] = result
    return Decided(values, missing)


def _open_road(policy: Policy, case: Case, as_of: date, limits: Limits, lean: Lean) -> Decided | None:
    """:func:`decide` on the full road for the decisions the lean road leaves open alone:
    the others and the values they read are worked out by the lean function made partial,
    kept in the case and charged the work they cost (not that of a value given way within:
    the full road works it out again), as the full road charges them.  None where anything
    else happens (a limit reached, an error): the full road then decides the case from the
    start, and reaches it as it does."""
    env: CaseEnv | None = None
    try:
        decided, done, work = lean.opened(policy, case.request_type, case.given, as_of, case.facts, limits)
        plan = policy.plan(case.request_type)[0]
        if len(decided) == len(plan):
            return Decided(decided, {})
        env = _env(policy, case, as_of, limits, True)
        env.lean = True  # (no rows to show: an open decision goes straight to the three-valued tables)
        cache, known = env.cache, env.known
        for name, value in done.items():
            if value.__class__ is Unknown:  # (no value the lean road works out is: the full road, to be sure)
                return None
            cache[name] = known[name] = value
        env.budget.left -= work
        return _values(env, case)  # (the decisions it decided are among the values kept)
    except Exception:  # (an evaluation error, a limit...): on the full road from the start
        return None
    finally:
        if env is not None:
            env.release()


def decide_interpreted(policy: Policy, case: Case, as_of: date, limits: Limits = DEFAULT) -> Decided:
    """:func:`decide` by the interpreter alone: the reference the generated code is tested against."""
    return decide(policy, case, as_of, limits, generated=False)
