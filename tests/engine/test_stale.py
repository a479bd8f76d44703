"""What a case made to find the defaults a result rests on must work out again
(``_stale`` in ``engine/assume.py``): held to its definition, written out plainly here,
over generated cases with facts known, defaulted and unknown, values settled among them;
and the groups it keeps stay bounded whatever sets of facts pass through."""

from __future__ import annotations

from datetime import date

from benchmarks.casegen import generate
from policykit.engine import assume, codegen, reach
from policykit.engine.assume import defaulted_facts
from policykit.engine.case import read_case
from policykit.engine.decide import _decisions
from policykit.engine.env import CaseEnv
from policykit.lang.values import Unknown
from policykit.policy.model import Policy

from .cases import readable

AS_OF = date(2026, 11, 27)


def _stale_by_definition(env: CaseEnv, group: frozenset[str]) -> list[str]:
    policy = env.policy
    facts, values, rows = reach.fact_deps(policy), reach.value_deps(policy), reach.row_reach(policy)
    out = []
    for name, outcome in env.outcomes.items():
        row = rows.get(id(outcome.rules[0])) if len(outcome.rules) == 1 else None
        if row is not None and outcome.value is not None and outcome.value.__class__ is not Unknown:
            read_facts, read_values = row  # the rows up to the one that gave it
        else:
            read_facts, read_values = facts[name], values[name]
        settled = env.settled
        if not group.isdisjoint(read_facts) or (
            settled and (name in settled or not settled.keys().isdisjoint(read_values))
        ):
            out.append(name)
    return out


def test_the_values_worked_out_again_are_those_the_definition_names(policy: Policy) -> None:
    compared = settled = 0
    for case in readable(policy, 300, 51, edges=100):
        env = CaseEnv(
            policy,
            case.facts,
            AS_OF,
            given=case.given,
            generated=codegen.functions(policy),
            watch=defaulted_facts(policy, case),
        )
        _decisions(env, case)  # values worked out, some settled over their unknowns
        settled += bool(env.settled)
        _, groups = assume._groups(policy, case.given)
        for group in groups:
            assert assume._stale(env, group) == _stale_by_definition(env, group)
            compared += 1
        env.release()
    assert compared > 500 and settled > 10


def test_the_kept_groups_stay_bounded(policy: Policy) -> None:
    names = sorted(policy.facts)
    for i in range(assume._MAX_GIVEN_SETS + 50):
        given = frozenset(n for k, n in enumerate(names) if (i >> (k % 16)) & 1)
        defaulted, _ = assume._groups(policy, given)
        assert not defaulted & given
    assert len(policy.memo["default_groups"]) <= assume._MAX_GIVEN_SETS


def test_a_case_made_by_hand_with_a_set_of_facts_given_is_decided_as_with_a_frozenset(policy: Policy) -> None:
    """The groups are kept by the facts given: a plain set (unhashable) is taken as its frozenset."""
    from policykit.evaluator import evaluate

    case = read_case(policy, next(c for c in generate(50, seed=3) if c["request"]["type"] == "fault"))
    by_hand = case._replace(given=set(case.given))  # type: ignore[arg-type]  # a plain set, on purpose
    result = evaluate(policy, case, AS_OF).to_dict()
    assert result["assumed"]  # the groups were looked up
    assert evaluate(policy, by_hand, AS_OF).to_dict() == result
