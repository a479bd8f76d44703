"""A bad case: every problem at once, schema and semantic together, each as what is wrong
(what is expected), in the run's language."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path

import pytest

from ..conftest import cli

BAD = {
    "case_id": "bad",
    "request": {"type": "fault", "date": "2026-02-10"},
    "sale": {"ship_date": "2025/06/01", "shipping_method": "boat", "warranty_months": 12.0},
    "customer": {"name": 5},
    "fault": {"misuse": "yes"},
    "history": [{"date": "2025-13-01", "kind": "repair"}],
}

EXPECTED_EN = {
    "sale.ship_date": "'2025/06/01' is not a date (expected YYYY-MM-DD)",
    "sale.shipping_method": "'boat' is not an allowed value (expected one of express, freight, or null when unknown)",
    "sale.warranty_months": "12.0 is not a whole number (expected 12, with no decimal point)",
    "customer.name": "5 is not a text (expected a text, or null when unknown)",
    "fault.misuse": "'yes' is not true or false (expected true or false, or null when unknown)",
    "history[0].date": "'2025-13-01' is not a day of the calendar (expected a real day, YYYY-MM-DD)",
}


def _errors(tmp_path: Path, case: Mapping[str, object], *extra: str) -> dict[str, str]:
    path = tmp_path / "case.json"
    path.write_text(json.dumps(case), encoding="utf-8")
    code, out, err = cli("evaluate", str(path), "--format", "json", *extra)
    assert code == 2 and out == ""
    found = {}
    for line in err.splitlines():
        message, _, where = line.rpartition(" (at ")
        found[where.rstrip(")")] = message.split(": ", 2)[2]
    return found


def test_every_problem_in_words_at_once(tmp_path: Path) -> None:
    assert _errors(tmp_path, BAD, "--lang", "en") == EXPECTED_EN


def test_never_the_schemas_own_wording(tmp_path: Path) -> None:
    for message in _errors(tmp_path, BAD, "--lang", "en").values():
        assert "of type" not in message and "'null'" not in message


def test_problems_in_chinese_under_lang_zh(tmp_path: Path) -> None:
    found = _errors(tmp_path, BAD, "--lang", "zh")
    assert set(found) == set(EXPECTED_EN)
    assert found["sale.ship_date"] == "'2025/06/01' 不是日期（应为 YYYY-MM-DD）"
    assert found["sale.warranty_months"] == "12.0 不是整数（应为 12，不带小数点）"


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_case_check_is_reported_with_the_shape_problems(tmp_path: Path, lang: str) -> None:
    case = {
        "request": {"type": "fault", "date": "2026-01-01"},
        "sale": {"ship_date": "2026-01-05", "shipping_method": "express"},
        "customer": {"name": 5},
    }
    found = _errors(tmp_path, case, "--lang", lang)
    assert set(found) == {"request.date", "customer.name"}  # the semantic check too, in one run


@pytest.mark.parametrize(
    ("given", "meant", "lang", "hint"),
    [
        ("fualt", "fault", "en", " (did you mean fault?)"),
        ("Fault", "fault", "en", " (did you mean fault?)"),
        (" RETURN ", "return", "en", " (did you mean return?)"),
        ("fualt", "fault", "zh", "（是否应为 fault？）"),
    ],
)
def test_a_value_not_allowed_names_the_one_it_likely_means(
    tmp_path: Path, given: str, meant: str, lang: str, hint: str
) -> None:
    found = _errors(tmp_path, {"request": {"type": given, "date": "2026-02-10"}}, "--lang", lang)
    assert found["request.type"].endswith(hint)
    assert meant in found["request.type"]


def test_a_value_like_none_of_them_gets_no_guess(tmp_path: Path) -> None:
    found = _errors(tmp_path, {"request": {"type": "refund", "date": "2026-02-10"}}, "--lang", "en")
    assert "did you mean" not in found["request.type"]
    assert "did you mean" not in _errors(tmp_path, BAD, "--lang", "en")["sale.shipping_method"]


def test_an_enum_listing_null_among_its_values_says_null_is_allowed(tmp_path: Path) -> None:
    case = {"request": {"type": "complaint", "date": "2026-02-10"}, "complaint": {"topic": "prise"}}
    assert _errors(tmp_path, case, "--lang", "en")["complaint.topic"].endswith("or null when unknown)")
