"""The bundled standard's ``warranty.excluded`` is ``warranty.exclusions`` not empty (INT-6):
the one holds the rows of the other as one condition, so that a paid repair found by one
exclusion rests on no other exclusion's default.  Held for every combination of the facts
they read, known, unknown or absent; and where the list is unknown but one exclusion is
known to apply, the condition is known."""

from __future__ import annotations

import copy
from datetime import date
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from policykit.engine.case import read_case
from policykit.engine.env import CaseEnv
from policykit.lang.values import Unknown
from policykit.policy.model import Policy

AS_OF = date(2026, 11, 27)
BASE: dict[str, Any] = {
    "request": {"type": "fault", "date": "2026-02-10"},
    "customer": {"name": "n", "address": "a", "phone": "p"},
    "sale": {"ship_date": "2025-06-01", "shipping_method": "express"},
    "fault": {"code": "x"},
}
maybe_bool = st.sampled_from([True, False, None, "absent"])


def _set(part: dict[str, Any], key: str, value: Any) -> None:
    if value != "absent":
        part[key] = value


@given(
    misuse=maybe_bool,
    third=maybe_bool,
    card=maybe_bool,
    mark=maybe_bool,
    proven=maybe_bool,
    serial=st.sampled_from(["S1", "", "  ", None, "absent"]),
)
@settings(max_examples=300, deadline=None)
def test_excluded_is_the_list_not_empty(
    policy: Policy, misuse: Any, third: Any, card: Any, mark: Any, proven: Any, serial: Any
) -> None:
    raw = copy.deepcopy(BASE)
    _set(raw["fault"], "misuse", misuse)
    _set(raw["fault"], "third_party_repair", third)
    product: dict[str, Any] = {"model": "m"}
    for key, value in (("has_warranty_card", card), ("has_company_mark", mark), ("origin_proven", proven)):
        _set(product, key, value)
    _set(product, "serial_number", serial)
    raw["product"] = product
    case = read_case(policy, raw)
    env = CaseEnv(policy, dict(case.facts), AS_OF, given=case.given)
    listed, excluded = env.get("warranty.exclusions"), env.get("warranty.excluded")
    if listed.__class__ is Unknown:
        # unknown as a list: the condition is unknown too, or known true by an exclusion known
        known_true = misuse is True or third is True
        assert excluded is True if known_true else excluded.__class__ is Unknown or excluded is True
    else:
        assert excluded is (len(listed) > 0)
