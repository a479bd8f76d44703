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
from policykit.server.masking import MASK, mask_case, personal_fields, unknown_fields

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
        if key == "other":  # not a field of the case format: masked whatever it holds
            blank = value is None or (isinstance(value, str) and not value.strip())
        else:
            blank = not isinstance(value, str) or not value.strip()
        assert out[key] == (value if blank else MASK)


PERSONAL_EXTRAS = {"id_card": "610102199001011234", "email": "wang@example.cn", "mobile": 13800138000}


def test_fields_the_case_format_does_not_know_are_masked_whatever_they_hold(policy: Policy) -> None:
    case: dict[str, Any] = json.loads((ROOT / "examples" / "fault.json").read_text(encoding="utf-8"))
    case["customer"].update(PERSONAL_EXTRAS, note="  ", fax=None)
    case["notes"] = {"by": "李四", "ids": [1, 2]}
    before = copy.deepcopy(case)
    masked, changed = mask_case(policy, case)
    assert changed and case == before
    assert {k: masked["customer"][k] for k in (*PERSONAL_EXTRAS, "note", "fax")} == {
        **dict.fromkeys(PERSONAL_EXTRAS, MASK),
        "note": "  ",
        "fax": None,
    }
    assert masked["notes"] == MASK
    assert masked["product"] is case["product"] and masked["request"] == case["request"]
    kept, _ = mask_case(policy, case, unknown_too=False)
    assert kept["customer"]["id_card"] == PERSONAL_EXTRAS["id_card"]


def test_unknown_fields_are_found_where_the_reader_finds_them(policy: Policy) -> None:
    case = {"request": {"type": "fault", "date": "2026-01-05", "channel": "phone"}, "x": 1, "customer": {"email": "e"}}
    assert sorted(unknown_fields(policy, case)) == [("customer", "email"), ("request", "channel"), ("x",)]
    assert unknown_fields(policy, {"request": {"type": "fault", "date": "2026-01-05"}}) == []


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])  # a shared, loaded machine
@given(
    st.dictionaries(
        st.text(min_size=1, max_size=6).filter(lambda k: k not in {"name", "address", "phone", "contact"}),
        st.one_of(texts, st.booleans(), st.lists(st.integers(), max_size=2)),
        max_size=4,
    )
)
def test_an_unknown_field_keeps_its_name_and_only_whether_it_was_given(extra: dict[str, Any]) -> None:
    masked, _ = mask_case(POLICY, {"request": {"type": "fault"}, "customer": extra})
    out = masked["customer"]
    assert set(out) == set(extra)
    for key, value in extra.items():
        given = value is not None and not (isinstance(value, str) and not value.strip())
        assert out[key] == (MASK if given else value)
