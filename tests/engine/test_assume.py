"""Assumptions made explicit (CONTRACT section 2, ``assumed``): in the JSON, in words in the
text view where each is used, and a calendar year without an official schedule."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

from policykit.engine.case import read_case
from policykit.engine.decide import decide_case
from policykit.policy.compiler import load_policy
from policykit.policy.model import Policy
from policykit.policy.resources import default_policy

from ..conftest import ROOT, cli

EXAMPLE = ROOT / "examples" / "fault.json"
AS_OF = date(2026, 11, 27)


def _json(path: Path, *extra: str) -> dict[str, Any]:
    code, out, err = cli("evaluate", str(path), "--format", "json", "--as-of", "2026-11-27", *extra)
    assert code == 0, err
    data: dict[str, Any] = json.loads(out)
    return data


def test_the_example_lists_its_assumed_facts_with_the_defaults_reasons() -> None:
    result = _json(EXAMPLE)
    assumed = {a["fact"]: a for a in result["assumed"]}
    assert assumed["fault.severe_exterior_damage"]["value"] is False
    assert assumed["fault.severe_exterior_damage"]["reason"] == "未查实外观严重破损"
    assert "service.type" in assumed["fault.disassembled"]["needed_for"]
    assert "product.has_warranty_card" not in assumed  # the serial number settles the origin (INT-6)
    reasons = result["decisions"]["service.type"]["because"]
    assert not any("外观无严重破损" in line or "未私拆" in line for line in reasons)
    english = {a["fact"]: a["reason"] for a in _json(EXAMPLE, "--lang", "en")["assumed"]}
    assert english["fault.disassembled"] == "Private disassembly not established"


def test_the_text_view_marks_each_assumption_where_it_is_used() -> None:
    code, out, _ = cli("evaluate", str(EXAMPLE), "--format", "text", "--as-of", "2026-11-27")
    assert code == 0
    label = load_policy(default_policy())[0].values["service.type"].label("free_replacement", "zh")
    assert label is not None
    block = out.split("决定\n", 1)[1].split("\n\n", 1)[0]
    start = block.index("  服务类别")
    entry = block[start : block.index("\n                  - ", start)].replace("\n                  ", "")
    assert label in entry and "(按默认：" in entry and "未查实外观严重破损" in entry and "未查实私自拆卸" in entry
    # the exclusions are marked where misuse is read, not on the service type
    assert "未查实使用或操作错误" not in entry
    section = out.split("推定（案例未给出）\n")[1].split("\n\n")[0]
    assert "未查实外观严重破损" in section and ": 否（未查实外观严重破损）" in section


def test_a_case_that_gives_every_fact_assumes_nothing(tmp_path: Path) -> None:
    case = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    case["fault"].update({"works_normally": False, "misuse": False, "third_party_repair": False, "disassembled": False})
    case["fault"].update({"severe_exterior_damage": False, "critical_site": False})
    case["sale"]["warranty_months"] = 12
    case["history"] = []
    path = tmp_path / "case.json"
    path.write_text(json.dumps(case, ensure_ascii=False), encoding="utf-8")
    result = _json(path)
    assert result["assumed"] == []
    assert "check-unit" not in [a["id"] for a in result["actions"]]


def test_a_working_day_deadline_in_a_year_without_an_official_schedule_warns(tmp_path: Path) -> None:
    case = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    case["request"]["date"] = "2027-01-15"
    case["sale"]["ship_date"] = "2026-06-01"
    case["received_on"] = "2027-02-05"
    path = tmp_path / "case.json"
    path.write_text(json.dumps(case, ensure_ascii=False), encoding="utf-8")
    warnings = _json(path, "--lang", "en")["warnings"]
    assert any("schedule for 2027 is not published" in w and "calendar.extra_holidays" in w for w in warnings)
    case["received_on"] = "2026-12-30"  # counted within 2026 (the next working day is 12-31)
    path.write_text(json.dumps(case, ensure_ascii=False), encoding="utf-8")
    assert not any("not published" in w for w in _json(path, "--lang", "en")["warnings"])


def test_an_accepted_return_before_its_inspection_never_says_the_inspection_found(tmp_path: Path) -> None:
    """The inspection facts left to their defaults (the unit not yet inspected): the reason
    says nothing was found, never that an inspection found it; the step that inspects is listed."""
    case = {
        "request": {"type": "return", "date": "2026-03-05"},
        "customer": {"name": "n", "address": "a", "phone": "p"},
        "product": {"model": "m", "serial_number": "s", "has_warranty_card": True, "has_company_mark": True},
        "sale": {"ship_date": "2026-02-20", "shipping_method": "express"},
        "return": {"strongly_requested": False},
    }
    path = tmp_path / "return.json"
    path.write_text(json.dumps(case), encoding="utf-8")
    for lang in ("en", "zh"):
        result = _json(path, "--lang", lang)
        decision = result["decisions"]["return.decision"]
        assert decision["value"] == "accepted"
        assert {"inspection.damaged", "inspection.disassembled"} <= {a["fact"] for a in result["assumed"]}
        assert "inspect-returned-unit" in [a["id"] for a in result["actions"]]
        assert not any("inspection found" in line or "质检确认" in line for line in decision["because"]), decision


def test_a_known_exclusion_leaves_the_other_exclusions_defaults_unneeded(tmp_path: Path) -> None:
    """Misuse established: the service type is a paid repair whatever the unit's other
    unestablished states (a list with one item known in is not empty, whichever of its
    open rows hold), so only the facts that could still change it are named as assumed
    for it; the open row of the exclusions themselves is still named for them.  The
    generated road and the interpreter say the same."""
    case = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    case["fault"]["misuse"] = True
    path = tmp_path / "misuse.json"
    path.write_text(json.dumps(case, ensure_ascii=False), encoding="utf-8")
    result = _json(path)
    assert result["decisions"]["service.type"]["value"] == "paid_repair"
    needed = {a["fact"]: set(a["needed_for"]) for a in result["assumed"]}
    resting = {fact for fact, names in needed.items() if "service.type" in names}
    assert resting == {"fault.works_normally"}  # a unit that works needs no repair at all
    assert "warranty.exclusions" in needed["fault.third_party_repair"]
    policy = load_policy(default_policy())[0]
    read = read_case(policy, json.loads(path.read_text(encoding="utf-8")))
    roads = [decide_case(policy, read, AS_OF, generated=generated) for generated in (True, False)]
    assert [(a.fact, a.needed_for) for a in roads[0].assumed] == [(a.fact, a.needed_for) for a in roads[1].assumed]
    assert {a.fact for a in roads[0].assumed if "service.type" in a.needed_for} == resting


def test_the_defaults_a_value_rests_on_are_joined_as_clauses(policy: Policy) -> None:
    """Each default's reason is a clause of its own: joined by "; " (；), not by commas as
    items of a list ("by default: Misuse not established, Repair ... not established")."""
    from policykit.present.assemble import assumed_note

    facts = ("fault.misuse", "fault.third_party_repair")
    english = assumed_note(policy, facts, "en")
    assert english == "by default: Misuse not established; Repair or modification by others not established"
    assert assumed_note(policy, facts, "zh") == "按默认：未查实使用或操作错误；未查实非本公司人员修理或改装"
