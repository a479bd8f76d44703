"""Stale text: numbers in clauses, descriptions and reasons that no longer match the parameter."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from policykit.tools.numbers import quantities, written_alone

from ..conftest import POLICY_FILE, cli


def _amend(tmp_path: Path, changes: str, version: str = "1.1.0") -> Path:
    shutil.copy(POLICY_FILE, tmp_path / POLICY_FILE.name)
    path = tmp_path / "amended.yaml"
    path.write_text(
        f"policykit: 1\namends: 1.0.0\nmetadata: {{version: {version}, supersedes: 1.0.0}}\nchanges:\n{changes}",
        encoding="utf-8",
    )
    return path


def _findings(path: Path) -> list[dict[str, str]]:
    code, out, _ = cli("check", str(path), "--format", "json")
    found: list[dict[str, str]] = json.loads(out)
    assert code == (1 if any(f["severity"] != "info" for f in found) else 0)
    return [f for f in found if f["severity"] != "info"]


def test_the_standard_has_no_stale_number() -> None:
    assert not [f for f in _findings(POLICY_FILE) if f["code"] in ("stale-number", "hard-coded-number")]


def test_two_working_days_without_rewording_names_repair_time_1(tmp_path: Path) -> None:
    path = _amend(tmp_path, "  - replace: parameters.replacement_ship_working_days.value\n    with: 2\n")
    found = _findings(path)
    subjects = {f["subject"] for f in found if f["code"] == "stale-number"}
    assert subjects == {
        "clauses[repair-time.1]",
        "clauses[ops.exchange.procedure.4]",
        "parameters.replacement_ship_working_days",
    }
    messages = [f["message"] for f in found if f["subject"] == "clauses[repair-time.1]"]
    assert len(messages) == 2  # the Chinese text and its English rendering
    assert all("replacement_ship_working_days" in m and "2 (working days)" in m for m in messages)
    assert any("(zh) writes 1个工作日" in m for m in messages)
    assert any("(en) writes 1 working day" in m for m in messages)


def test_a_number_left_when_the_new_value_is_written_for_another_parameter(tmp_path: Path) -> None:
    """The express offset made 5, the freight one's number: the clause writes 3 days and 5
    days, so each parameter finds its value there, yet 3 is now no parameter's (QA)."""
    path = _amend(tmp_path, "  - replace: parameters.warranty_start_express_days.value\n    with: 5\n")
    found = [f for f in _findings(path) if f["code"] == "stale-number"]
    subjects = {f["subject"] for f in found}
    assert {"clauses[ops.warranty-start]", "interpretations.INT-1"} <= subjects
    said = [f["message"] for f in found if f["subject"] == "clauses[ops.warranty-start]"]
    assert any("(zh) writes 3天, which none of the parameters it goes with is" in m for m in said)
    assert all("'warranty_start_freight_days' 5 (days)" in m for m in said)


def test_a_year_in_the_clause_is_twelve_months(tmp_path: Path) -> None:
    path = _amend(tmp_path, "  - replace: parameters.standard_warranty_months.value\n    with: 18\n")
    messages = [f["message"] for f in _findings(path) if f["subject"] == "clauses[warranty.period]"]
    assert any("壹年, 1年" in m for m in messages) and any("one (1) year" in m for m in messages)


def test_a_reason_that_writes_the_number_itself_is_a_finding(tmp_path: Path) -> None:
    changes = (
        "  - replace: decisions[deadlines.ship_by].rules[0].because.zh\n"
        '    with: "收到货物 {received_on} 后 1 个工作日内更换发出"\n'
    )
    found = [f for f in _findings(_amend(tmp_path, changes)) if f["code"] == "hard-coded-number"]
    assert [f["subject"] for f in found] == ["decisions[deadlines.ship_by].rules[0]"]
    assert "{params.replacement_ship_working_days}" in found[0]["message"]


@pytest.mark.parametrize(
    ("text", "lang", "expected"),
    [
        ("收到货物1个工作日内", "zh", [(1, "working_days")]),
        ("自收到产品之日起4日内", "zh", [(4, "days")]),
        ("自购买该产品之日起壹年(1年)内", "zh", [(1, "years"), (1, "years")]),
        ("1个月内可以退货;一个月", "zh", [(1, "months"), (1, "months")]),
        ("三天内返还", "zh", [(3, "days")]),
        ("拾捌个月", "zh", [(18, "months")]),
        ("二十五天", "zh", [(25, "days")]),
        ("不同的故障2次以上", "zh", [(2, "count")]),
        ("within 2 working days of receipt", "en", [(2, "working_days")]),
        ("the ship date + 3 calendar days", "en", [(3, "days")]),
        ("发货日期加3个自然日", "zh", [(3, "days")]),
        ("one (1) year from purchase", "en", [(1, "years")]),
        ("每月定期回访, 收到之日", "zh", []),
    ],
)
def test_numbers_with_their_unit(text: str, lang: str, expected: list[tuple[int, str]]) -> None:
    assert [(q.value, q.unit) for q in quantities(text, lang)] == expected


@given(st.integers(0, 10_000), st.sampled_from(["个工作日", "天", "日", "个月", "年", "次"]))
def test_any_arabic_number_is_read_with_its_unit(n: int, unit: str) -> None:
    found = quantities(f"在{n}{unit}内", "zh")
    assert [q.value for q in found] == [n]


@pytest.mark.parametrize(
    ("text", "alone"),
    [
        ("+ 3 calendar days for express and + 5 for freight", True),
        ("clause 5.2 of 2025-05-01", False),
        ("15 days", False),
        ("货运加5天", False),
        ("see (5) below", False),  # an item's number
        ("5、6", False),
    ],
)
def test_a_number_written_alone(text: str, alone: bool) -> None:
    assert written_alone(text, 5) is alone


def test_a_default_reason_and_an_interpretation_are_read_too(tmp_path: Path) -> None:
    """The review's edits: the warranty months and the express offset changed, the facts'
    default reason and the interpretation naming the clause left as they were."""
    months = _findings(_amend(tmp_path, "  - replace: parameters.standard_warranty_months.value\n    with: 24\n"))
    reasons = [f for f in months if f["subject"] == "facts[sale.warranty_months]" and f["code"] == "stale-number"]
    assert {f["message"].split(")")[0] for f in reasons} == {
        "the default_reason of fact 'sale.warranty_months' (zh",
        "the default_reason of fact 'sale.warranty_months' (en",
    }
    assert all("parameter 'standard_warranty_months', is 24 (months)" in f["message"] for f in reasons)
    offset = _findings(_amend(tmp_path, "  - replace: parameters.warranty_start_express_days.value\n    with: 2\n"))
    meant = [f for f in offset if f["subject"] == "interpretations.INT-1"]
    assert meant and all(f["code"] == "stale-number" and "2 (days)" in f["message"] for f in meant)
    # in both languages: the English says "+ 3 calendar days" (it went unseen)
    assert {f["message"].split(")")[0].rsplit("(", 1)[1] for f in meant} == {"zh", "en"}
    assert all(int(f["line"]) > 0 for f in meant)
    # the freight offset, named by the same clause, still agrees with it
    assert not [f for f in offset if "warranty_start_freight_days" in f["message"]]
