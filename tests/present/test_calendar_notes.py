"""A calendar day of the policy's own (a company holiday, a working Saturday) appears with
its name, reason and clauses where a person meets it: the deadline's line in the text
view, ``--explain``, and the docs site's calendar page."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from policykit.docsite.calendar import calendar_page
from policykit.policy.calendar_days import named_days
from policykit.policy.compiler import load_policy

from ..conftest import cli, edited_policy
from ..test_revisions import CASE

CALENDAR = (
    "  extra_holidays: []\n  extra_working_days: []\n",
    "  extra_holidays:\n"
    '    - every: "03-18"\n'
    '      name: {zh: "公司司庆日", en: Company founding day}\n'
    '      reason: {zh: "公司放假", en: the company is closed}\n'
    "      cites: [repair-time.1]\n"
    '    - "2026-10-09"\n'
    "  extra_working_days:\n"
    '    - date: "2026-03-21"\n'
    '      name: {zh: "调休上班", en: Company working Saturday}\n'
    '      reason: {zh: "补司庆日", en: making up the founding day}\n'
    "      cites: [repair-time.1]\n",
)


@pytest.fixture
def policy_file(tmp_path: Path) -> Path:
    return edited_policy(tmp_path, CALENDAR)


def _evaluate(tmp_path: Path, policy_file: Path, received: str, *options: str) -> str:
    case = tmp_path / "case.json"
    case.write_text(json.dumps({**CASE, "request": {"type": "fault", "date": "2026-03-16"}, "received_on": received}))
    code, out, err = cli("evaluate", str(case), "--policy", str(policy_file), "--as-of", "2026-03-16", *options)
    assert code == 0, err
    return out


def test_named_days_of_a_range(policy_file: Path) -> None:
    policy, _ = load_policy(policy_file)
    found = named_days(policy.raw, date(2026, 3, 1), date(2027, 3, 18))
    assert [(d.day.isoformat(), d.off) for d in found] == [
        ("2026-03-18", True),
        ("2026-03-21", False),
        ("2027-03-18", True),
    ]
    assert found[0].name is not None and found[0].name.get("en") == "Company founding day"
    assert found[1].reason is not None and found[1].reason.get("zh") == "补司庆日"
    assert found[0].cites == ("repair-time.1",)


def test_the_deadline_line_names_the_holiday_it_skipped(tmp_path: Path, policy_file: Path) -> None:
    out = _evaluate(tmp_path, policy_file, "2026-03-17", "--format", "text")
    assert "跳过 2026-03-18 周三 公司司庆日（公司放假）" in out
    out = _evaluate(tmp_path, policy_file, "2026-03-17", "--format", "text", "--lang", "en", "--codes")
    assert "skipping 2026-03-18 Wed Company founding day (the company is closed) ⟨repair-time.1⟩" in " ".join(
        out.split()
    )


def test_a_working_saturday_is_named_where_it_was_counted(tmp_path: Path, policy_file: Path) -> None:
    out = _evaluate(tmp_path, policy_file, "2026-03-20", "--format", "text", "--lang", "en")
    flat = " ".join(out.split())
    assert "Ship by 2026-03-21 Sat" in flat
    assert "counting as working days 2026-03-21 Sat Company working Saturday (making up the founding day)" in flat
    assert "skipping" not in flat.split("Ship by", 1)[1].split("Quote by", 1)[0]


def test_a_plain_holiday_keeps_its_plain_word(tmp_path: Path, policy_file: Path) -> None:
    out = _evaluate(tmp_path, policy_file, "2026-10-08", "--format", "text", "--lang", "en")
    assert "2026-10-09 Fri holiday" in " ".join(out.split())


def test_explain_names_the_day_its_reason_and_its_clauses(tmp_path: Path, policy_file: Path) -> None:
    out = _evaluate(tmp_path, policy_file, "2026-03-17", "--format", "text", "--explain")
    assert "  日历：2026-03-18 周三 公司司庆日（公司放假） 不计为工作日  依据 repair-time.1" in out.splitlines()
    out = _evaluate(tmp_path, policy_file, "2026-03-20", "--format", "text", "--explain", "--lang", "en")
    # past 80 columns, the line goes on under it (the wrapping makes each run of spaces one)
    lines = out.splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith("  calendar: 2026-03-21 Sat"))
    assert lines[at : at + 2] == [
        "  calendar: 2026-03-21 Sat Company working Saturday (making up the founding",
        "      day) is a working day cites repair-time.1",
    ]


def test_the_docs_calendar_page_lists_every_day_with_its_name_reason_and_clauses(policy_file: Path) -> None:
    policy, _ = load_policy(policy_file)
    page = calendar_page(policy)
    rows = [line for line in page.splitlines() if line.startswith("| <a id=")]
    assert len(rows) == 3
    assert "每年 03-18" in rows[0] and "休息日 · day off" in rows[0]
    assert "公司司庆日 · Company founding day" in rows[0] and "公司放假 · the company is closed" in rows[0]
    assert "[repair-time.1](standard/repair-time.md#repair-time.1)" in rows[0]
    assert "`2026-03-21`" in rows[2] and "工作日 · working day" in rows[2] and "补司庆日" in rows[2]
    assert "`2026-10-09`" in rows[1]
    assert "[INT-3 " in page
