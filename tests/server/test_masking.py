"""Masking personal facts for the log: only non-blank texts, the case itself untouched."""

from __future__ import annotations

import copy
import json
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from policykit.policy.compiler import load_policy
from policykit.policy.model import Policy
from policykit.policy.resources import default_policy
from policykit.server.masking import MASK, mask_case, personal_fields

from ..conftest import ROOT


def test_the_policy_marks_the_customer_fields_personal(policy: Policy) -> None:
    assert set(personal_fields(policy)) == {("customer", f) for f in ("name", "address", "phone", "contact")}


def test_given_texts_are_masked_blank_and_missing_kept(policy: Policy) -> None:
    case: dict[str, Any] = json.loads((ROOT / "examples" / "fault.json").read_text(encoding="utf-8"))
    case["customer"] = {"name": "王工", "address": "  ", "phone": None}
    before = copy.deepcopy(case)
    masked, changed = mask_case(policy, case)
    assert changed and case == before
    assert masked["customer"] == {"name": MASK, "address": "  ", "phone": None}
    assert masked["sale"] is case["sale"]
    assert mask_case(policy, {"request": {"type": "fault"}}) == ({"request": {"type": "fault"}}, False)


POLICY = load_policy(default_policy())[0]
texts = st.one_of(st.none(), st.text(max_size=5), st.integers())


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])  # a shared, loaded machine
@given(st.dictionaries(st.sampled_from(["name", "address", "phone", "contact", "other"]), texts))
def test_masking_keeps_whether_each_was_given(customer: dict[str, Any]) -> None:
    masked, _ = mask_case(POLICY, {"customer": customer})
    out = masked["customer"]
    assert set(out) == set(customer)
    for key, value in customer.items():
        blank = not isinstance(value, str) or not value.strip()
        assert out[key] == (value if blank or key == "other" else MASK)
