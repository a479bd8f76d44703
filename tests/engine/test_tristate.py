"""The three-valued tables as generated code against the interpreter's loops: for every
value of the standard, in cases with facts unknown, the same value (an unknown with the
same facts and possible values), the same rows, the same work charged."""

from __future__ import annotations

import copy
from datetime import date
from typing import Any

import pytest

from benchmarks.casegen import generate
from policykit.engine.case import read_case
from policykit.engine.codegen.tristate import tristate_functions, tristate_source
from policykit.engine.env import CaseEnv
from policykit.errors import CaseError
from policykit.lang.values import Unknown
from policykit.policy.compiler import load_policy
from policykit.policy.model import Policy

from ..conftest import POLICY_FILE

AS_OF = date(2026, 11, 27)


def _cases(policy: Policy, count: int) -> list[Any]:
    out = []
    for raw in generate(count, seed=20261130):
        try:
            case = read_case(policy, copy.deepcopy(raw))
        except CaseError:
            continue
        if any(v.__class__ is Unknown for v in case.facts.values()):
            out.append(case)
    return out


def _same(a: Any, b: Any) -> bool:
    return a.__class__ is b.__class__ and a == b


def test_every_value_as_the_interpreter_gives_it(policy: Policy) -> None:
    cases = _cases(policy, 3000)
    assert len(cases) > 300  # enough cases with unknown facts to mean something
    functions = tristate_functions(policy)
    compared = undecided = 0
    for case in cases:
        for name, value in policy.values.items():
            # two fresh cases, each value they read worked out by the interpreter alone
            ours, theirs = (CaseEnv(policy, case.facts, AS_OF, given=case.given) for _ in range(2))
            try:
                want = theirs._collect(value) if value.kind == "collect" else theirs._table_in_full(value)
            except Exception as exc:  # the same error is expected of both
                with pytest.raises(type(exc)):
                    functions[name](ours)
                continue
            got, rows = functions[name](ours)
            assert _same(got, want.value), (case.case_id, name, got, want.value)
            assert list(rows) == list(want.rules), (case.case_id, name)
            assert ours.budget.left == theirs.budget.left, (case.case_id, name)
            compared += 1
            undecided += got.__class__ is Unknown
    assert undecided > 100  # the unknown branches were taken, not only the known ones
    assert compared > 1000


def test_the_text_is_control_flow_only(policy: Policy) -> None:
    """No expression source, no constant of the policy in the generated text: the rows'
    objects are passed in by name."""
    for value in policy.values.values():
        text, names = tristate_source(policy, value)
        assert names["__builtins__"] == {}
        for rule in value.rules:
            for part in rule.parts:
                assert part.source not in text
        assert "'" not in text and '"' not in text, value.id


def test_each_function_is_made_when_first_asked_for() -> None:
    """A cold start that decides one case compiles the three-valued functions it reaches
    only, not one for every value of the policy."""
    fresh = load_policy(POLICY_FILE)[0]
    functions = tristate_functions(fresh)
    assert len(functions) == 0
    name = next(iter(fresh.values))
    made = functions[name]
    assert functions[name] is made and list(functions) == [name]
    with pytest.raises(KeyError):
        functions["no.such.value"]
