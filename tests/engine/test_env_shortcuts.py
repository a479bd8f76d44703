"""The case environments made on the hot path without the general constructor are what
the constructor makes: a branch made to settle a value (``CaseEnv.branch``), and the
probes' condition loop (``assume._holds``) against ``CaseEnv.holds``."""

from __future__ import annotations

from datetime import date
from typing import Any

from policykit.engine import assume, codegen, reach
from policykit.engine.decide import _env
from policykit.engine.env import CaseEnv
from policykit.lang.values import Unknown
from policykit.limits import DEFAULT
from policykit.policy.model import Policy

from .cases import readable

AS_OF = date(2026, 11, 27)


def _state(env: CaseEnv) -> dict[str, Any]:
    out = dict(vars(env))
    out["known"] = dict(out["known"])
    return out


def test_a_branch_is_what_the_constructor_makes(policy: Policy) -> None:
    compared = 0
    for case in readable(policy, 300, 71, edges=150):
        for generated in (True, False):
            env = _env(policy, case, AS_OF, DEFAULT, generated, watch=True)
            env.settled = {"some.value": 1}
            unknown_facts = [n for n, v in case.facts.items() if v.__class__ is Unknown]
            fixed = {name: True for name in unknown_facts[:1]}
            facts = {**case.facts, **fixed}
            unknown = frozenset(n for n in unknown_facts if n not in fixed)
            given = case.given | frozenset(fixed)
            made = CaseEnv(policy, facts, AS_OF, given=given, generated=env.generated, unknown=unknown)
            made.budget, made.lean, made.settled, made.calendar = env.budget, True, env.settled, env.calendar
            branch = env.branch(facts, given, unknown)
            assert branch.known.env is branch
            assert _state(branch).keys() == _state(made).keys()
            for key, value in _state(made).items():
                if key == "known":
                    assert _state(branch)[key] == value
                elif key in ("budget", "calendar", "settled", "generated", "tristate"):
                    assert getattr(branch, key) is value, key
                else:
                    assert getattr(branch, key) == value, key
            env.release()
            compared += 1
    assert compared > 500


def test_the_probes_condition_loop_is_holds(policy: Policy) -> None:
    """``assume._holds`` gives what ``CaseEnv.holds`` gives with each part run as it runs them."""
    compared = 0
    functions = codegen.functions(policy)
    for case in readable(policy, 200, 73, edges=100):
        for generated in (True, False):
            envs = [
                CaseEnv(policy, case.facts, AS_OF, given=case.given, generated=functions if generated else None)
                for _ in range(2)
            ]
            for group in assume._groups(policy, case.given)[1]:
                for step in (*policy.actions, *policy.warnings):
                    ours, theirs = (env.probe(group, []) for env in envs)

                    def run(part: Any, sub: CaseEnv = theirs) -> Any:
                        if sub.unknown_facts.isdisjoint(reach.part_reads(policy, part)):
                            return part(sub)
                        tables = sub.tristate
                        return tables.exact_part(part)(sub) if tables is not None else part.run(sub)

                    try:
                        found: Any = assume._holds(policy, ours, step.parts)
                    except Exception as exc:  # an error a condition raises: the same one
                        found = type(exc)
                    try:
                        expected: Any = theirs.holds(step.parts, False, run=run)
                    except Exception as exc:
                        expected = type(exc)
                    assert found.__class__ is expected.__class__ and found == expected, (case.case_id, step.id)
                    assert ours.budget.left == theirs.budget.left  # charged the same work
                    compared += 1
            for env in envs:
                env.release()
    assert compared > 1000


def test_a_reason_is_what_its_text_and_values_make(policy: Policy) -> None:
    """``CaseEnv.reason`` keeps each text's names, uses and (showing none) its one reason
    by the text's id: every text of the policy, and an equal text made anew, give the
    reason and the charge worked out from the text itself."""
    from policykit.engine.record import Reason
    from policykit.policy.model import Text

    texts = [s.text for s in (*policy.actions, *policy.warnings)]
    texts += [r.because for v in policy.values.values() for r in v.rules if r.because is not None]
    texts += [f.question for f in policy.facts.values() if f.question is not None]
    # a long value shown twice in one language costs twice its length
    texts.append(Text((("zh", "{test.long}"), ("en", "{test.long}, {test.long} {test.list}"))))
    checked = 0
    for case in readable(policy, 40, 75):
        env = _env(policy, case, AS_OF, DEFAULT, True, watch=True)
        env.cache["test.long"], env.cache["test.list"] = "a" * 80, list(range(40))
        for text in texts:
            for same in (text, Text(tuple(text.by_lang))):
                for extra in (None, {"due": AS_OF}):
                    env.reason(same, extra)  # the values it shows worked out: charged below is the text alone
                    left = env.budget.left
                    found = env.reason(same, extra)
                    charged = left - env.budget.left
                    names = same.names
                    values = tuple((n, extra[n] if extra and n in extra else env.lookup(n)) for n in names)
                    plain = frozenset(n for n in names if extra and n in extra)
                    assert found == Reason(same, values, plain)
                    if names:
                        uses = same.uses
                        cost = len(values) + sum(
                            uses.get(n, 1) * (len(v) // 16) for n, v in values if v.__class__ in (str, list)
                        )
                        assert charged == cost
                    else:
                        assert charged == 0
                    checked += 1
        env.release()
    assert checked > 1000
