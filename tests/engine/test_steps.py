"""A step's or warning's condition (``holds_everywhere`` in ``engine/settle.py``) is tried
by its parts' fast forms first; it gives what the exact three-valued forms alone give,
settled over the branches of its unknowns, for every step and warning of every request
type, in cases with facts known, defaulted and unknown."""

from __future__ import annotations

from datetime import date

from benchmarks.casegen import generate, generate_edges
from policykit.engine import codegen
from policykit.engine.case import read_case
from policykit.engine.env import CaseEnv
from policykit.engine.settle import holds_everywhere
from policykit.errors import CaseError
from policykit.lang.expr import exact_forms_only
from policykit.lang.values import Unknown
from policykit.policy.model import Policy

AS_OF = date(2026, 11, 27)


def test_the_fast_try_gives_what_the_condition_settled_gives(policy: Policy) -> None:
    checked = unknown_cases = 0
    for raw in [*generate(300, seed=41), *generate_edges(100, seed=42)]:
        try:
            case = read_case(policy, raw)
        except CaseError:
            continue
        unknown_cases += any(v.__class__ is Unknown for v in case.facts.values())
        _, actions, warnings = policy.plan(case.request_type)
        for item in (*actions, *warnings):
            # a fresh case for each road: what one worked out does not help the other
            envs = [
                CaseEnv(policy, case.facts, AS_OF, given=case.given, generated=codegen.functions(policy))
                for _ in range(2)
            ]
            fast = holds_everywhere(envs[0], case, item.parts)
            was = exact_forms_only(True)
            try:
                exact = holds_everywhere(envs[1], case, item.parts)
            finally:
                exact_forms_only(was)
            assert fast is exact, item.id
            checked += 1
            for env in envs:
                env.release()
    assert checked > 2000 and unknown_cases > 50
