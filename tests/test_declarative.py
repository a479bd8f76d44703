"""A policy editor changes numbers in the YAML only, and the decisions follow."""

from __future__ import annotations

import json
from pathlib import Path

from .conftest import cli, edited_policy

CASE = {
    "case_id": "declarative",
    "request": {"type": "fault", "date": "2026-06-05"},
    "customer": {"name": "n", "address": "a", "phone": "p"},
    "product": {"model": "m", "serial_number": "s"},
    "sale": {"ship_date": "2025-06-01", "shipping_method": "express"},
    "fault": {"code": "no-video"},
    "received_on": "2026-06-08",
}


def _edited(tmp_path: Path, *edits: tuple[str, str]) -> Path:
    return edited_policy(tmp_path, *edits, name="edited.yaml")


def _decide(tmp_path: Path, *policy_args: str) -> dict[str, object]:
    case = tmp_path / "case.json"
    case.write_text(json.dumps(CASE), encoding="utf-8")
    code, out, err = cli("evaluate", str(case), "--format", "json", "--as-of", "2026-11-27", *policy_args)
    assert code == 0, err
    return {k: v["value"] for k, v in json.loads(out)["decisions"].items()}


def test_changing_offset_and_warranty_in_yaml_changes_the_decisions(tmp_path: Path) -> None:
    before = _decide(tmp_path)
    assert before["warranty.start_date"] == "2025-06-04"
    assert before["warranty.end_date"] == "2026-06-04"
    assert before["warranty.status"] == "out_of_warranty"
    assert before["service.type"] == "paid_repair"

    edited = _edited(
        tmp_path,
        ("  warranty_start_express_days:\n    value: 3\n", "  warranty_start_express_days:\n    value: 2\n"),
        ("  standard_warranty_months:\n    value: 12\n", "  standard_warranty_months:\n    value: 18\n"),
    )
    after = _decide(tmp_path, "--policy", str(edited))
    assert after["warranty.start_date"] == "2025-06-03"
    assert after["warranty.end_date"] == "2026-12-03"
    assert after["warranty.status"] == "in_warranty"
    assert after["service.type"] == "free_replacement"
    assert after["deadlines.ship_by"] == "2026-06-09"  # 1 working day after Monday 2026-06-08


def test_an_extra_company_holiday_moves_a_working_day_deadline(tmp_path: Path) -> None:
    case = dict(CASE, request={"type": "fault", "date": "2026-06-01"}, received_on="2026-06-02")
    path = tmp_path / "case.json"
    path.write_text(json.dumps(case), encoding="utf-8")
    edited = _edited(tmp_path, ("  extra_holidays: []\n", '  extra_holidays: ["2026-06-03"]\n'))
    code, out, err = cli("evaluate", str(path), "--format", "json", "--as-of", "2026-11-27")
    assert code == 0, err
    assert json.loads(out)["decisions"]["deadlines.ship_by"]["value"] == "2026-06-03"
    code, out, err = cli("evaluate", str(path), "--format", "json", "--as-of", "2026-11-27", "--policy", str(edited))
    assert code == 0, err
    assert json.loads(out)["decisions"]["deadlines.ship_by"]["value"] == "2026-06-04"
