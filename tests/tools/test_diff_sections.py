"""``policykit diff`` compares every section a result or a case's acceptance depends on:
a change to the registration, the case checks, the messages or the summary is shown (never
"no changes"), with what it does: a new case check refuses cases the old version decided."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from policykit.policy.model import Policy
from policykit.policy.resources import schema
from policykit.tools.diff import DIFFED, IMPACTS, NOT_DIFFED, SECTIONS, diff_policies

from ..conftest import POLICY_FILE, cli, edited_policy

REGISTRATION = ("customer.phone, product.model]", "customer.phone, customer.contact, product.model]")
NEW_CHECK = (
    "case_checks:\n",
    "case_checks:\n  - field: sale.ship_date\n    applies_to: [fault]\n    require: sale.ship_date <= request.date\n"
    '    message: {zh: "发货日期晚于报修日期", en: shipped after the report}\n',
)
MESSAGE = ('missing: {zh: "尚需询问", en: Still to ask}', 'missing: {zh: "尚需询问", en: Still to be asked}')
SUMMARY = ("    facts: [product.model, product.serial_number]", "    facts: [product.model]")
REWORDED_CHECK = ("en: the unit cannot be received back before", "en: the unit cannot come back before")


def test_every_top_level_key_of_a_policy_is_diffed_or_deliberately_not() -> None:
    keys = set(
        schema("policy.schema.json")["$defs"]["policy"]["properties"]
    )  # a full policy (an amendment has its own)
    assert set(DIFFED) | set(NOT_DIFFED) == keys
    assert not set(DIFFED) & set(NOT_DIFFED)
    assert set(DIFFED.values()) <= set(SECTIONS)


def _cut(value: Any) -> Any:
    """``value`` with one part less: its last item or key, or a changed scalar."""
    if isinstance(value, list) and value:
        return value[:-1]
    if isinstance(value, dict) and value:
        return {k: v for k, v in list(value.items())[:-1]}
    return [value, "changed"]


@pytest.mark.parametrize("key", sorted(k for k, section in DIFFED.items() if section != "contract"))
def test_a_change_to_any_diffed_key_is_found_in_its_section(policy: Policy, key: str) -> None:
    raw = copy.deepcopy(policy.raw)
    assert key in raw, f"the bundled policy has no {key}: give this test one"
    raw[key] = _cut(raw[key])
    changes = diff_policies(policy, policy._replace(raw=raw))
    assert changes and {c.section for c in changes} == {DIFFED[key]}


def _diff(tmp_path: Path, *edits: tuple[str, str], fmt: str = "text") -> str:
    new = edited_policy(tmp_path, *edits)
    code, out, err = cli("diff", str(POLICY_FILE), str(new), "--format", fmt)
    assert code == 0 and not err, err
    return out


def test_a_new_registration_fact_is_a_change_of_results(tmp_path: Path) -> None:
    text = _diff(tmp_path, REGISTRATION)
    assert "no changes" not in text
    assert f"Registration (1: 1 {IMPACTS['results']})\n  ~ facts:\n      + customer.contact\n" in text
    (change,) = json.loads(_diff(tmp_path, REGISTRATION, fmt="json"))["changes"]
    assert change["section"] == "registration" and change["impact"] == "results"
    assert change["new"] == ["customer.name", "customer.address", "customer.phone", "customer.contact", "product.model"]


def test_a_new_case_check_is_breaking_and_shown_loud(tmp_path: Path) -> None:
    text = _diff(tmp_path, NEW_CHECK)
    assert f"Case checks (1: 1 {IMPACTS['breaking']})" in text
    assert "  ! + check 1 (sale.ship_date): field: sale.ship_date · applies_to: [fault]" in text
    (change,) = json.loads(_diff(tmp_path, NEW_CHECK, fmt="json"))["changes"]
    assert (change["section"], change["kind"], change["impact"]) == ("case_checks", "added", "breaking")


def test_a_removed_case_check_relaxes_and_a_reworded_one_only_rewords(tmp_path: Path) -> None:
    old = edited_policy(tmp_path, NEW_CHECK, name="old.yaml")
    new = edited_policy(tmp_path, REWORDED_CHECK, name="new.yaml")
    code, out, err = cli("diff", str(old), str(new), "--format", "json")
    assert code == 0, err
    impacts = {(c["kind"], c["impact"]) for c in json.loads(out)["changes"]}
    assert impacts == {("removed", "relaxing"), ("changed", "wording")}


def test_messages_and_summary_changes_are_wording(tmp_path: Path) -> None:
    text = _diff(tmp_path, MESSAGE, SUMMARY)
    assert f"Messages (1: 1 {IMPACTS['wording']})\n  ~ missing.en: Still to [-ask-]{{+be asked+}}\n" in text
    assert f"Summary (1: 1 {IMPACTS['wording']})\n  ~ group 2.facts:\n      - product.serial_number\n" in text


def test_case_checks_in_another_order_are_no_change(tmp_path: Path) -> None:
    text = POLICY_FILE.read_text(encoding="utf-8")
    first = text.index("  - field: request.date\n    applies_to")
    second = text.index("  - field: received_on")
    end = text.index("\n\n", second) + 1
    swapped = tmp_path / "swapped.yaml"
    swapped.write_text(text[:first] + text[second:end] + text[first:second] + text[end:], encoding="utf-8")
    code, out, err = cli("diff", str(POLICY_FILE), str(swapped))
    assert code == 0, err
    assert out.splitlines()[-1] == "no changes"


def test_a_check_changed_in_scope_changes_results_not_breaking(tmp_path: Path) -> None:
    """A check limited to fewer request types refuses fewer cases: not 'breaking'."""
    narrowed = ("  - field: received_on\n    require:", "  - field: received_on\n    applies_to: [fault]\n    require:")
    (change,) = json.loads(_diff(tmp_path, narrowed, fmt="json"))["changes"]
    assert (change["section"], change["impact"]) == ("case_checks", "results")
    assert change["key"] == "check 2 (received_on).applies_to" and change["new"] == ["fault"]
