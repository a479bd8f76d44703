"""The lean road of ``decide`` on a case with an unknown fact: the decisions that read it
(or read one that did) are left open, the others and the values they read are kept, and
the full road works out the open ones alone.  The values, the facts missing, the errors
and the work charged (a limit reached at the same point, named the same way) are those
of the full road and of the interpreter."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from policykit.engine import decide as decide_module
from policykit.engine.case import Case
from policykit.engine.decide import decide, decide_interpreted
from policykit.engine.env import CaseEnv
from policykit.engine.lean import lean_of
from policykit.lang.values import Unknown
from policykit.limits import DEFAULT, LimitError, Limits
from policykit.policy.model import Policy

from .cases import readable

AS_OF = date(2026, 11, 27)


def _open_cases(policy: Policy, count: int, seed: int) -> list[Case]:
    """The cases some decision of which the lean road leaves open."""
    out = []
    for case in readable(policy, count, seed, edges=count // 4):
        if not any(v.__class__ is Unknown for v in case.facts.values()):
            continue
        decided, _, _ = lean_of(policy, case.request_type).opened(
            policy, case.request_type, case.given, AS_OF, case.facts, DEFAULT
        )
        if len(decided) < len(policy.plan(case.request_type)[0]):
            out.append(case)
    return out


def _work(policy: Policy, case: Case, monkeypatch: pytest.MonkeyPatch) -> int:
    """The work the interpreter charges ``case`` (its ``decide``)."""
    made: list[CaseEnv] = []
    env_of = decide_module._env

    def kept(*args: Any, **kwargs: Any) -> CaseEnv:
        made.append(env_of(*args, **kwargs))
        return made[-1]

    with monkeypatch.context() as patch:
        patch.setattr(decide_module, "_env", kept)
        decide_interpreted(policy, case, AS_OF)
    assert len(made) == 1
    return DEFAULT.operations - made[0].budget.left


def _outcome(run: Any, *args: Any) -> Any:
    """The values and facts missing ``run(*args)`` gives, or the limit it reaches."""
    try:
        found = run(*args)
    except LimitError as exc:
        return ("LimitError", str(exc))
    return ({k: (type(v).__name__, v) for k, v in found.values.items()}, found.missing)


def test_the_open_cases_are_decided_as_the_interpreter_decides_them(policy: Policy) -> None:
    cases = _open_cases(policy, 1500, 181)
    partly = 0
    for case in cases:
        assert _outcome(decide, policy, case, AS_OF) == _outcome(decide_interpreted, policy, case, AS_OF), case.case_id
        decided, _, _ = lean_of(policy, case.request_type).opened(
            policy, case.request_type, case.given, AS_OF, case.facts, DEFAULT
        )
        partly += bool(decided)
    assert len(cases) > 250 and partly > 200  # many, most with some decisions kept


def test_an_open_case_is_charged_the_work_the_interpreter_charges_it(
    policy: Policy, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Under a limit of operations at the work the interpreter charges a case, it is
    decided; one below, it fails on every road, the same way."""
    cases = _open_cases(policy, 400, 183)
    assert len(cases) > 60
    for case in cases:
        work = _work(policy, case, monkeypatch)
        for operations in (work, work - 1):
            limits = Limits(operations=operations)
            found = _outcome(decide, policy, case, AS_OF, limits)
            reference = _outcome(decide_interpreted, policy, case, AS_OF, limits)
            assert found == reference, (case.case_id, operations)
            assert (found[0] == "LimitError") is (operations < work), (case.case_id, operations)


def test_the_full_road_works_out_only_what_the_lean_road_left_open(
    policy: Policy, monkeypatch: pytest.MonkeyPatch
) -> None:
    worked_out: list[str] = []
    get = CaseEnv.get

    def noted(env: CaseEnv, name: str) -> Any:
        if not env.lean and name not in env.cache:  # the case itself, not a branch made to settle a value
            worked_out.append(name)
        return get(env, name)

    monkeypatch.setattr(CaseEnv, "get", noted)
    seen = 0
    for case in _open_cases(policy, 400, 185):
        decided, done, _ = lean_of(policy, case.request_type).opened(
            policy, case.request_type, case.given, AS_OF, case.facts, DEFAULT
        )
        worked_out.clear()
        decide(policy, case, AS_OF)
        assert not set(worked_out) & set(done), case.case_id  # nothing the lean road kept is worked out again
        opened = [v.id for v in policy.plan(case.request_type)[0] if v.id not in decided]
        assert [name for name in worked_out if name in opened] == [name for name in opened if name in worked_out], (
            case.case_id
        )
        assert not set(worked_out) & set(decided), case.case_id
        seen += bool(decided)
    assert seen > 40


def test_an_error_past_the_lean_road_is_the_full_roads(policy: Policy, monkeypatch: pytest.MonkeyPatch) -> None:
    """Where the full road fails working out an open decision (here, out of time: every
    case is out of time once the lean road is done), it is decided from the start on the
    full road, and fails as it does there."""
    case = _open_cases(policy, 200, 187)[0]
    calls: list[int] = []
    env_of = decide_module._env

    def late(*args: Any, **kwargs: Any) -> CaseEnv:
        env = env_of(*args, **kwargs)
        calls.append(1)
        if len(calls) == 1:  # the open road's case: past its time
            env.budget.deadline = 0.0
            env.budget.next_check = env.budget.left + 1
        return env

    monkeypatch.setattr(decide_module, "_env", late)
    assert decide(policy, case, AS_OF) == decide_interpreted(policy, case, AS_OF)
    assert len(calls) == 3  # the open road's case, the full road's, the interpreter's
