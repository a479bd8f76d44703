"""Settling works each branch out anew: small policies where a branch that kept the
values the case already knew would go wrong (a review's counter-examples).  Each is the
standard with a few values added."""

from __future__ import annotations

import copy
import json
from datetime import date
from typing import Any

import pytest
import yaml

from policykit.engine.case import read_case
from policykit.engine.decide import decide_case
from policykit.policy.compiler import load_policy_text
from policykit.policy.model import Policy

from ..conftest import POLICY_FILE, ROOT

AS_OF = date(2026, 11, 27)
T = {"zh": "t", "en": "t"}
C = ["warranty.period"]


class _Plain(yaml.SafeDumper):
    def ignore_aliases(self, data: Any) -> bool:
        return True


def _policy(derived: list[dict[str, Any]], decisions: list[dict[str, Any]], holidays: Any = None) -> Policy:
    data = yaml.safe_load(POLICY_FILE.read_text(encoding="utf-8"))
    data["derived"].extend(derived)
    data["decisions"].extend(decisions)
    if holidays is not None:
        data["calendar"]["extra_holidays"] = holidays
    text = yaml.dump(data, Dumper=_Plain, allow_unicode=True, sort_keys=False, width=10**9)
    policy, problems = load_policy_text(text.encode("utf-8"), "edited.yaml")
    assert policy is not None, [p.format() for p in problems]
    return policy


def _fault(**changes: Any) -> dict[str, Any]:
    case: dict[str, Any] = json.loads((ROOT / "examples" / "fault.json").read_text(encoding="utf-8"))
    del case["sale"]["shipping_method"]  # unknown: the decisions below settle over it
    for key, value in changes.items():
        case[key] = value
    return case


@pytest.mark.parametrize("generated", [True, False])
def test_a_citation_whose_condition_reads_an_unknown_is_settled(generated: bool) -> None:
    """A decided value citing a clause on a condition the unknowns leave open."""
    when = "sale.shipping_method == 'express'"
    policy = _policy(
        [], [{"id": "zz.open", "title": T, "applies_to": ["fault"], "type": "bool",
              "rules": [{"value": True, "cites": [{"clause": "warranty.period", "when": when}]}]}]
    )  # fmt: skip
    record = decide_case(policy, read_case(policy, _fault()), AS_OF, generated=generated)
    found = {d.id: d for d in record.decisions}["zz.open"]
    assert found.decided and found.value is True


@pytest.mark.parametrize("generated", [True, False])
def test_a_settled_value_cites_the_days_counted_by_the_values_it_reads(generated: bool) -> None:
    holidays = [{"every": "03-18", "name": T, "reason": T, "cites": ["repair-time.2"]}]
    rows = [
        {"when": [f"sale.shipping_method == '{way}'", "zz.d > request.date"], "value": True, "cites": C}
        for way in ("express", "freight")
    ]
    policy = _policy(
        [{"id": "zz.d", "title": T, "type": "date",
          "rules": [{"compute": "add_working_days(request.date, 5)", "cites": C}]}],
        [{"id": "zz.u", "title": T, "applies_to": ["fault"], "type": "bool", "rules": rows}],
        holidays,
    )  # fmt: skip
    case = _fault(received_on="2026-03-17")
    case["request"]["date"] = "2026-03-16"
    unknown = decide_case(policy, read_case(policy, copy.deepcopy(case)), AS_OF, generated=generated)
    case["sale"]["shipping_method"] = "express"
    known = decide_case(policy, read_case(policy, case), AS_OF, generated=generated)
    settled, given = ({d.id: d for d in r.decisions}["zz.u"] for r in (unknown, known))
    assert settled.value is True and settled.settled_on == ("sale.shipping_method",)
    assert "repair-time.2" in settled.cites
    assert settled.cites == given.cites


@pytest.mark.parametrize("generated", [True, False])
def test_the_days_a_settled_value_cites_do_not_hang_on_a_branch_an_earlier_value_made(generated: bool) -> None:
    """An earlier decision that reads the same counted day and does not settle leaves its
    branches behind; where the policy's calendar has days to cite, the next value is
    settled in branches of its own, and cites the days its reads counted there (a review
    found the kept branches' day, counted before, left out)."""
    holidays = [{"every": "03-18", "name": T, "reason": T, "cites": ["repair-time.2"]}]
    rows = [
        {"when": [f"sale.shipping_method == '{way}'", "zz.d > request.date"], "value": True, "cites": C}
        for way in ("express", "freight")
    ]
    first = [
        {"when": "sale.shipping_method == 'express' and zz.d > request.date", "value": True, "cites": C},
        {"value": False, "cites": C},
    ]
    policy = _policy(
        [{"id": "zz.d", "title": T, "type": "date",
          "rules": [{"compute": "add_working_days(request.date, 5)", "cites": C}]}],
        [{"id": "zz.a", "title": T, "applies_to": ["fault"], "type": "bool", "rules": first},
         {"id": "zz.u", "title": T, "applies_to": ["fault"], "type": "bool", "rules": rows}],
        holidays,
    )  # fmt: skip
    case = _fault(received_on="2026-03-17")
    case["request"]["date"] = "2026-03-16"
    record = decide_case(policy, read_case(policy, case), AS_OF, generated=generated)
    found = {d.id: d for d in record.decisions}
    assert not found["zz.a"].decided
    assert found["zz.u"].value is True and "repair-time.2" in found["zz.u"].cites


@pytest.mark.parametrize("generated", [True, False])
def test_a_value_that_read_an_asked_value_is_worked_out_again_in_each_branch(generated: bool) -> None:
    """``zz.w`` is false while ``zz.t`` is unknown, true in every branch that fixes it."""
    policy = _policy(
        [
            {"id": "zz.s", "title": T, "type": "int", "rules": [{"ask": ["product.model"], "cites": C}]},
            {"id": "zz.t", "title": T, "type": "string",
             "rules": [{"when": "zz.s == 1", "value": "x", "cites": C}, {"value": "y", "cites": C}]},
            {"id": "zz.w", "title": T, "type": "bool",
             "rules": [{"when": "is_known(zz.t)", "value": True, "cites": C}, {"value": False, "cites": C}]},
        ],
        [{"id": "zz.u", "title": T, "applies_to": ["fault"], "type": "string",
          "rules": [{"when": "zz.w", "value": "p", "cites": C},
                    {"when": "zz.t == 'x'", "value": "q", "cites": C},
                    {"when": "zz.t == 'y'", "value": "q", "cites": C}]}],
    )  # fmt: skip
    case = json.loads((ROOT / "examples" / "fault.json").read_text(encoding="utf-8"))
    record = decide_case(policy, read_case(policy, case), AS_OF, generated=generated)
    assert {d.id: d.value for d in record.decisions}["zz.u"] == "p"
