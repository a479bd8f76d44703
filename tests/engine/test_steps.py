"""A step's or warning's condition (``holds_everywhere`` in ``engine/settle.py``) is tried
by its parts' fast forms first; it gives what the exact three-valued forms alone give,
settled over the branches of its unknowns, for every step and warning of every request
type, in cases with facts known, defaulted and unknown."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from policykit.engine import codegen
from policykit.engine.case import read_case
from policykit.engine.env import CaseEnv
from policykit.engine.settle import holds_everywhere
from policykit.lang.expr import exact_forms_only
from policykit.lang.values import Unknown
from policykit.policy.compiler import load_policy
from policykit.policy.model import Policy

from ..conftest import ROOT, edited_policy
from .cases import readable

AS_OF = date(2026, 11, 27)


def test_the_fast_try_gives_what_the_condition_settled_gives(policy: Policy) -> None:
    checked = unknown_cases = 0
    for case in readable(policy, 300, 41, edges=100):
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


_COSTLY_THEN_UNKNOWN = """  - id: costly-then-unknown
    applies_to: [shipment]
    when:
      - len(where(shipment.options, 'method', ['express', 'freight', 'courier', 'truck'])) >= 0
      - shipment.packaging_intact
    text: {zh: "探针", en: "probe"}
    cites: [ops.shipping.assistant.1]
"""


def test_a_part_that_held_is_not_worked_out_and_charged_again(tmp_path: Path) -> None:
    """Where a later part gives way (an unknown fact), the parts before it, which held, are
    not worked out again: the condition charges the work the exact forms alone charge."""
    anchor = "  - id: requested-method-not-quoted\n"
    policy, problems = load_policy(edited_policy(tmp_path, (anchor, _COSTLY_THEN_UNKNOWN + anchor)))
    assert policy is not None, [p.format() for p in problems]
    raw = json.loads((ROOT / "examples" / "shipment.json").read_text(encoding="utf-8"))
    raw["shipment"]["options"] = raw["shipment"]["options"] * 33  # the first part's work: a long list
    del raw["shipment"]["packaging_intact"]
    case = read_case(policy, raw)
    warning = next(w for w in policy.plan("shipment")[2] if w.id == "costly-then-unknown")
    left = []
    for exact in (False, True):
        env = CaseEnv(policy, case.facts, AS_OF, given=case.given, generated=codegen.functions(policy))
        was = exact_forms_only(exact)
        try:
            assert holds_everywhere(env, case, warning.parts) is False  # settled false: intact or not
        finally:
            exact_forms_only(was)
        left.append(env.budget.left)
        env.release()
    assert left[0] == left[1]
