"""The generated code itself: its text is control flow only, it is made once per policy,
it gives way to the interpreter value by value, and it keeps to the work budget.  (The
differential runs against the interpreter are in ``tests/differential/test_generated.py``.)"""

from __future__ import annotations

import re
from datetime import date

import pytest

from benchmarks.casegen import generate
from policykit.engine import codegen
from policykit.engine.case import read_case
from policykit.engine.codegen.generate import value_function, value_source
from policykit.engine.decide import decide, decide_case, decide_interpreted
from policykit.engine.env import CaseEnv
from policykit.lang.values import Unknown
from policykit.limits import DEFAULT, LimitError
from policykit.policy.model import Policy

AS_OF = date(2026, 11, 27)


def test_the_generated_text_is_control_flow_only(policy: Policy) -> None:
    """No expression, clause, number or word of the policy is in the generated text:
    the rows' conditions, outcomes and the rows themselves are passed in as objects."""
    allowed = {"def", "_value", "_e", "_k", "if", "not", "return", "None", "True", "and", "or", "_K"}
    allowed |= {"_items", "_rows", "append"}
    for value in policy.values.values():
        text, names = value_source(value)
        words = set(re.findall(r"[A-Za-z_]\w*", text))
        assert words - allowed <= set(names), value.id
        assert not re.search(r"['\"]|\d(?<!_g\d)", re.sub(r"_g\d+", "", text)), value.id
        assert names["__builtins__"] == {}


def test_the_functions_are_made_once_per_policy_and_kept_in_memory_only(policy: Policy) -> None:
    made = codegen.functions(policy)
    assert codegen.functions(policy) is made
    assert set(made) == set(policy.values)


def test_a_value_reading_an_unknown_gives_way_and_the_case_goes_on(policy: Policy) -> None:
    """The generated function raises where a value reads an unknown; the env works that
    value out on the tables, and every other value still on the generated road."""
    raw = next(c for c in generate(400, seed=11) if c["request"]["type"] == "fault")
    raw["sale"].pop("ship_date", None)
    case = read_case(policy, raw)
    env = CaseEnv(policy, case.facts, AS_OF, given=case.given, generated=codegen.functions(policy))
    start = env.get("warranty.start_date")
    assert start.__class__ is Unknown
    with pytest.raises(codegen.GIVE_UP):
        value_function(policy.values["warranty.start_date"])(env, env.known)
    reference = CaseEnv(policy, case.facts, AS_OF, given=case.given)
    assert reference.get("warranty.start_date") == start
    for name in ("warranty.status", "service.type", "charges.parts"):
        assert env.get(name) == reference.get(name), name
    env.release()
    reference.release()


def test_the_work_budget_binds_the_generated_road_as_the_interpreter(policy: Policy) -> None:
    case = next(read_case(policy, c) for c in generate(200) if c["request"]["type"] == "fault")
    assert decide(policy, case, AS_OF, DEFAULT.replace(operations=10_000)) == decide_interpreted(policy, case, AS_OF)
    tight = DEFAULT.replace(operations=5)
    for generated in (True, False):
        with pytest.raises(LimitError) as found:
            decide_case(policy, case, AS_OF, limits=tight, generated=generated)
        assert "working out" in found.value.diagnostics[0].message
        with pytest.raises(LimitError):
            decide(policy, case, AS_OF, tight, generated=generated)


def test_explain_runs_on_the_interpreter(policy: Policy) -> None:
    case = next(read_case(policy, c) for c in generate(50) if c["request"]["type"] == "fault")
    traced = decide_case(policy, case, AS_OF, trace=True)
    assert traced.trace and all(d.trace for d in traced.trace if d.definition.rules)


def test_a_value_is_compiled_on_its_first_call_only(policy: Policy) -> None:
    """A cold run compiles only the values its case reaches: a function made is a stub
    until called; its first call takes the generated code, and gives what it gives."""
    raw = next(c for c in generate(400, seed=11) if c["request"]["type"] == "fault")
    case = read_case(policy, raw)
    value = policy.values["warranty.status"]
    made, reference = value_function(value), value_function(value)
    stub = made.__code__
    assert made.__code__ is reference.__code__ and made.__code__.co_filename != f"<policy value {value.id}>"
    env = CaseEnv(policy, case.facts, AS_OF, given=case.given)
    first = made(env, env.known)
    assert made.__code__ is not stub and made.__code__.co_filename == f"<policy value {value.id}>"
    assert made.__globals__["__builtins__"] == {}
    assert made(env, env.known) == first == reference(env, env.known)
    assert reference.__code__ is not stub
    env.release()
