"""The evaluator on the boundaries the interpretations name, and on unknown facts.

Expected values are worked out by hand from STANDARD.md (INT-n) and the official
calendar, not read back from the engine.
"""

from __future__ import annotations

import copy
import json
from datetime import date
from typing import Any

import pytest

from policykit.engine.case import read_case
from policykit.evaluator import evaluate
from policykit.policy.model import Policy

CUSTOMER = {"name": "西安某安防工程公司", "address": "西安市高新区科技路 1 号", "phone": "029-8888 0000"}


def fault(**parts: Any) -> dict[str, Any]:
    case: dict[str, Any] = {
        "case_id": "t",
        "request": {"type": "fault", "date": "2026-05-20"},
        "customer": dict(CUSTOMER),
        "product": {"model": "OY-IR-300", "serial_number": "S1"},
        "sale": {"ship_date": "2026-01-05", "shipping_method": "express"},
        "fault": {"code": "no-video"},
        "received_on": "2026-05-25",
    }
    for key, value in parts.items():
        if value is None:
            case.pop(key, None)
        elif isinstance(value, dict) and isinstance(case.get(key), dict):
            case[key] = {**case[key], **value}
        else:
            case[key] = value
    return case


def decide(policy: Policy, case: dict[str, Any], as_of: str = "2026-11-27") -> dict[str, Any]:
    result = evaluate(policy, read_case(policy, copy.deepcopy(case)), date.fromisoformat(as_of))
    data: dict[str, Any] = json.loads(json.dumps(result.to_dict(), ensure_ascii=False))
    return data


def values(result: dict[str, Any]) -> dict[str, Any]:
    return {k: v["value"] for k, v in result["decisions"].items()}


def missing(result: dict[str, Any]) -> list[str]:
    return sorted(m["fact"] for m in result["missing"])


# -- warranty period (INT-1, INT-2) -------------------------------------------------------


@pytest.mark.parametrize(
    ("request_date", "status"),
    [
        ("2026-06-04", "in_warranty"),  # the end day is inside the period
        ("2026-06-05", "out_of_warranty"),  # the day after
    ],
)
def test_last_day_of_warranty_and_the_day_after(policy: Policy, request_date: str, status: str) -> None:
    case = fault(
        request={"type": "fault", "date": request_date}, sale={"ship_date": "2025-06-01"}, received_on="2026-06-08"
    )
    v = values(decide(policy, case))
    assert v["warranty.start_date"] == "2025-06-04" and v["warranty.end_date"] == "2026-06-04"
    assert v["warranty.status"] == status


def test_leap_day_start_clamps_to_february_28(policy: Policy) -> None:
    case = fault(
        request={"type": "fault", "date": "2025-02-28"},
        sale={"ship_date": "2024-02-26", "shipping_method": "express"},
        received_on="2025-03-03",
    )
    v = values(decide(policy, case))
    assert v["warranty.start_date"] == "2024-02-29"
    assert v["warranty.end_date"] == "2025-02-28"
    assert v["warranty.status"] == "in_warranty"


def test_freight_start_crosses_month_end(policy: Policy) -> None:
    case = fault(
        request={"type": "fault", "date": "2026-02-01"},
        sale={"ship_date": "2026-01-29", "shipping_method": "freight"},
        received_on="2026-02-02",
    )
    v = values(decide(policy, case))
    assert v["warranty.start_date"] == "2026-02-03" and v["warranty.end_date"] == "2027-02-03"


def test_contract_period_month_end_clamp(policy: Policy) -> None:
    case = fault(
        request={"type": "fault", "date": "2026-02-28"},
        sale={"ship_date": "2025-08-28", "shipping_method": "express", "warranty_months": 6},
    )
    result = decide(policy, case)
    assert values(result)["warranty.end_date"] == "2026-02-28"  # 2025-08-31 + 6 months
    assert values(result)["warranty.status"] == "in_warranty"
    assert {c["clause"] for c in result["decisions"]["warranty.end_date"]["cites"]} >= {
        "warranty.period",
        "ops.exchange.conditions.1",
    }


# -- deadlines on the official calendar (INT-3, INT-4, INT-9) ---------------------------------


@pytest.mark.parametrize(
    ("received", "ship_by"),
    [
        ("2026-02-13", "2026-02-14"),  # Friday -> the working Saturday before Spring Festival
        ("2026-02-14", "2026-02-24"),  # working Saturday -> holidays to 02-23 -> Tuesday
        ("2026-02-27", "2026-02-28"),  # Friday -> working Saturday after Spring Festival
        ("2026-09-30", "2026-10-08"),  # National Day and Mid-Autumn 2026: 10-01..10-07 off
        ("2025-01-24", "2025-01-26"),  # 2025-01-25 Saturday off, Sunday 01-26 worked
        ("2025-09-26", "2025-09-28"),  # Sunday 2025-09-28 worked before National Day
        ("2026-06-05", "2026-06-08"),  # an ordinary Friday -> Monday
    ],
)
def test_free_replacement_ships_within_one_working_day(policy: Policy, received: str, ship_by: str) -> None:
    case = fault(request={"type": "fault", "date": received}, sale={"ship_date": "2024-12-01"}, received_on=received)
    case["sale"]["warranty_months"] = 36
    v = values(decide(policy, case))
    assert v["service.type"] == "free_replacement"
    assert v["deadlines.ship_by"] == ship_by
    assert v["deadlines.quote_by"] is None


def test_paid_repair_four_calendar_days_and_quote_in_one_working_day(policy: Policy) -> None:
    case = fault(
        request={"type": "fault", "date": "2026-09-29"},
        received_on="2026-09-30",
        fault={"code": "x", "disassembled": True},
    )
    v = values(decide(policy, case))
    assert v["service.type"] == "paid_repair"
    assert v["deadlines.ship_by"] == "2026-10-04"  # 4 calendar days, no holiday extension (INT-4)
    assert v["deadlines.quote_by"] == "2026-10-08"  # first working day after National Day


def test_free_repair_ships_within_four_days(policy: Policy) -> None:
    case = fault(fault={"code": "x", "severe_exterior_damage": True}, received_on="2026-12-30")
    v = values(decide(policy, case))
    assert v["service.type"] == "free_repair" and v["deadlines.ship_by"] == "2027-01-03"
    assert v["charges.parts"] == "company" and v["charges.shipping"] == "company_pays_delivery"


# -- service type and unknown facts (INT-6, INT-7, CONTRACT 1.1) -------------------------------


def test_disassembled_is_paid_repair_whether_or_not_the_sale_is_known(policy: Policy) -> None:
    case = fault(sale=None, fault={"code": "x", "disassembled": True})
    result = decide(policy, case)
    v = values(result)
    assert v["service.type"] == "paid_repair"
    assert v["charges.parts"] == "customer" and v["charges.shipping"] == "customer_pays_round_trip"
    assert v["deadlines.ship_by"] == "2026-05-29" and v["deadlines.quote_by"] == "2026-05-26"
    assert v["warranty.status"] is None
    assert missing(result) == ["sale.ship_date", "sale.shipping_method"]
    cites = {c["clause"] for c in result["decisions"]["service.type"]["cites"]}
    assert "ops.paid-repair.conditions.2" in cites and "ops.paid-repair.conditions.1" not in cites


def test_unknown_sale_leaves_the_service_type_open(policy: Policy) -> None:
    result = decide(policy, fault(sale={"ship_date": None, "shipping_method": "express"}))
    v = values(result)
    assert v["service.type"] is None and v["charges.parts"] is None and v["deadlines.ship_by"] is None
    assert v["warranty.exclusions"] == []
    assert missing(result) == ["sale.ship_date"]
    needed = {m["fact"]: m["needed_for"] for m in result["missing"]}
    assert "service.type" in needed["sale.ship_date"] and "warranty.status" in needed["sale.ship_date"]


def test_unknown_receipt_day_is_asked_for(policy: Policy) -> None:
    result = decide(policy, fault(received_on=None))
    assert values(result)["deadlines.ship_by"] is None
    assert missing(result) == ["received_on"]
    assert result["missing"][0]["needed_for"] == ["deadlines.ship_by"]
    assert result["missing"][0]["question"]


def test_registration_facts_are_asked_without_blocking(policy: Policy) -> None:
    case = fault(customer=None)
    case["product"] = {"serial_number": "S1"}
    result = decide(policy, case)
    assert values(result)["service.type"] == "free_replacement"
    assert missing(result) == ["customer.address", "customer.name", "customer.phone", "product.model"]
    assert {tuple(m["needed_for"]) for m in result["missing"]} == {("register-customer",)}


@pytest.mark.parametrize(
    ("product", "expected"),
    [
        ({"has_warranty_card": False, "has_company_mark": False}, ["unproven_origin"]),
        ({"has_warranty_card": False, "has_company_mark": False, "serial_number": ""}, ["unproven_origin"]),
        ({"has_warranty_card": False, "has_company_mark": False, "serial_number": "S1"}, []),
        ({"has_warranty_card": False, "has_company_mark": True}, []),
        ({"has_warranty_card": False, "has_company_mark": False, "origin_proven": True}, []),
    ],
)
def test_unproven_origin_needs_every_lack(policy: Policy, product: dict[str, Any], expected: list[str]) -> None:
    case = fault(product={"model": "m", **product})
    if "serial_number" not in product:
        case["product"].pop("serial_number")
    v = values(decide(policy, case))
    assert v["warranty.exclusions"] == expected
    assert v["service.type"] == ("paid_repair" if expected else "free_replacement")


def test_exclusions_are_listed_in_contract_order(policy: Policy) -> None:
    case = fault(
        fault={"code": "x", "third_party_repair": True, "misuse": True},
        product={"model": "m", "serial_number": None, "has_warranty_card": False, "has_company_mark": False},
    )
    result = decide(policy, case)
    assert values(result)["warranty.exclusions"] == ["misuse", "third_party_repair", "unproven_origin"]
    cites = {c["clause"] for c in result["decisions"]["warranty.exclusions"]["cites"]}
    assert cites >= {"warranty.2.1", "warranty.2.2", "warranty.2.3"}


def test_works_normally_wins_over_everything(policy: Policy) -> None:
    v = values(decide(policy, fault(fault={"code": "x", "works_normally": True, "misuse": True})))
    assert v["service.type"] == "no_fault_found"
    assert v["charges.parts"] is None and v["deadlines.ship_by"] is None


# -- advance replacement (INT-10) -------------------------------------------------------------


def test_advance_replacement_unknown_receipt_of_the_replacement(policy: Policy) -> None:
    result = decide(policy, fault(fault={"code": "x", "critical_site": True}))
    v = values(result)
    assert v["advance_replacement"] == "may_offer"
    assert v["deadlines.return_faulty_unit_by"] is None
    assert missing(result) == ["replacement_received_on"]
    assert any("INT-16" in w or "draft" in w.lower() or "草案" in w for w in result["warnings"])


def test_advance_replacement_due_back_in_three_calendar_days(policy: Policy) -> None:
    case = fault(fault={"code": "x", "critical_site": True}, replacement_received_on="2026-09-30")
    v = values(decide(policy, case))
    assert v["deadlines.return_faulty_unit_by"] == "2026-10-03"  # holidays do not extend it (INT-4)


def test_no_advance_replacement_out_of_warranty(policy: Policy) -> None:
    case = fault(request={"type": "fault", "date": "2027-02-01"}, fault={"code": "x", "critical_site": True})
    assert values(decide(policy, case))["advance_replacement"] == "not_applicable"


# -- recurring faults (INT-5, INT-12) ---------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "history", "expected"),
    [
        ("a", [], False),
        ("a", [{"date": "2020-01-01", "kind": "repair", "fault_code": "a"}], True),  # same fault, any date
        ("a", [{"date": "2025-05-20", "kind": "repair", "fault_code": "b"}], True),  # 2 distinct, day 1 of the year
        ("a", [{"date": "2025-05-19", "kind": "repair", "fault_code": "b"}], False),  # the day before the year
        ("a", [{"date": "2026-05-21", "kind": "repair", "fault_code": "a"}], False),  # after the request: ignored
        (None, [], False),
        (
            None,
            [
                {"date": "2026-01-10", "kind": "repair", "fault_code": "b"},
                {"date": "2026-03-10", "kind": "replacement", "fault_code": "c"},
            ],
            True,
        ),
        (None, [{"date": "2026-01-10", "kind": "repair", "fault_code": "b"}], None),
    ],
)
def test_recurring_fault(
    policy: Policy, code: str | None, history: list[dict[str, str]], expected: bool | None
) -> None:
    case = fault(fault={"code": code}, history=history)
    result = decide(policy, case)
    assert values(result)["complaint.recommended"] is expected
    assert ("fault.code" in missing(result)) is (expected is None)


# -- returns (INT-11) ---------------------------------------------------------------------------


def ret(**parts: Any) -> dict[str, Any]:
    case: dict[str, Any] = {
        "case_id": "r",
        "request": {"type": "return", "date": "2026-02-13"},
        "customer": dict(CUSTOMER),
        "product": {"model": "m"},
        "sale": {"ship_date": "2026-01-10", "shipping_method": "express"},
    }
    case.update(parts)
    return case


@pytest.mark.parametrize(("request_date", "decision"), [("2026-02-13", "accepted"), ("2026-02-14", "refused")])
def test_return_window_edge(policy: Policy, request_date: str, decision: str) -> None:
    v = values(decide(policy, ret(request={"type": "return", "date": request_date})))
    assert v["return.window_end"] == "2026-02-13" and v["return.decision"] == decision


def test_contract_return_days_only_when_later(policy: Policy) -> None:
    sale = {"ship_date": "2026-01-10", "shipping_method": "express", "delivered_on": "2026-01-31"}
    assert values(decide(policy, ret(sale={**sale, "return_days": 15})))["return.window_end"] == "2026-02-28"
    assert values(decide(policy, ret(sale={**sale, "return_days": 45})))["return.window_end"] == "2026-03-17"


@pytest.mark.parametrize(
    ("dates", "count", "decision"),
    [
        (["2026-02-15", "2026-06-20"], 2, "accepted"),  # 2026-08-15 - 6 months = 2026-02-15: inside
        (["2026-02-14", "2026-06-20"], 1, "refused"),  # the day before the window
        (["2026-03-01", "2026-06-20", "2026-07-01"], 3, "accepted"),
    ],
)
def test_two_or_more_replacements_in_six_months(policy: Policy, dates: list[str], count: int, decision: str) -> None:
    history = [{"date": d, "kind": "replacement", "fault_code": "x"} for d in dates]
    case = ret(
        request={"type": "return", "date": "2026-08-15"}, history=history, **{"return": {"strongly_requested": True}}
    )
    v = values(decide(policy, case))
    assert v["return.recent_replacements"] == count and v["return.decision"] == decision


def test_repairs_do_not_count_as_replacements(policy: Policy) -> None:
    history = [{"date": "2026-03-01", "kind": "repair"}, {"date": "2026-06-20", "kind": "replacement"}]
    case = ret(
        request={"type": "return", "date": "2026-08-15"}, history=history, **{"return": {"strongly_requested": True}}
    )
    v = values(decide(policy, case))
    assert v["return.recent_replacements"] == 1 and v["return.decision"] == "refused"


@pytest.mark.parametrize(
    ("extra", "decision", "clause"),
    [
        ({"return": {"special_case": True}, "inspection": {"damaged": True}}, "escalate", "ops.return.conditions.3"),
        ({"inspection": {"disassembled": True}}, "refused", "ops.return.procedure.2"),
        ({"inspection": {"accessories_missing": True}}, "refused", "ops.return.conditions.1"),
    ],
)
def test_return_rows(policy: Policy, extra: dict[str, Any], decision: str, clause: str) -> None:
    result = decide(policy, ret(**extra))
    assert values(result)["return.decision"] == decision
    assert clause in {c["clause"] for c in result["decisions"]["return.decision"]["cites"]}


def test_unknown_delivery_asks_for_the_sale(policy: Policy) -> None:
    result = decide(policy, ret(sale={}))
    assert values(result)["return.window_end"] is None and values(result)["return.decision"] is None
    # the actual delivery day only refines INT-1's presumed day: the sale is what is asked for
    assert missing(result) == ["sale.ship_date", "sale.shipping_method"]


def test_unknown_method_settles_the_return_when_both_windows_agree(policy: Policy) -> None:
    inside = decide(policy, ret(request={"type": "return", "date": "2026-01-20"}, sale={"ship_date": "2026-01-10"}))
    assert values(inside)["return.decision"] == "accepted" and values(inside)["return.window_end"] is None
    assert missing(inside) == ["sale.shipping_method"]
    outside = decide(policy, ret(request={"type": "return", "date": "2026-03-01"}, sale={"ship_date": "2026-01-10"}))
    assert values(outside)["return.decision"] == "refused"


def test_a_bounded_unknown_decides_what_all_its_values_agree_on(policy: Policy) -> None:
    case = fault(sale=None, fault={"code": "x", "severe_exterior_damage": True})
    v = values(decide(policy, case))
    assert v["service.type"] is None  # free repair in warranty, paid repair out of it
    assert v["deadlines.ship_by"] == "2026-05-29"  # 4 days either way (INT-9)
    assert v["charges.parts"] is None


def test_contract_period_of_twelve_months_still_cites_the_contract_clause(policy: Policy) -> None:
    result = decide(policy, fault(sale={"warranty_months": 12}))
    cites = {c["clause"] for c in result["decisions"]["warranty.end_date"]["cites"]}
    assert "ops.exchange.conditions.1" in cites
    result = decide(policy, fault())
    assert "ops.exchange.conditions.1" not in {c["clause"] for c in result["decisions"]["warranty.end_date"]["cites"]}


def test_an_empty_registration_field_is_asked_for(policy: Policy) -> None:
    result = decide(policy, fault(customer={"name": "  "}))
    assert missing(result) == ["customer.name"]


# -- complaints, transport, shipment, follow-up --------------------------------------------------


@pytest.mark.parametrize(
    ("topic", "handling"),
    [
        ("service_quality", "regional_manager_explains"),
        ("product_quality", "root_cause_report"),
        ("installation", "liaison_to_department"),
        (None, None),
    ],
)
def test_complaint_handling_by_topic(policy: Policy, topic: str | None, handling: str | None) -> None:
    case = {
        "request": {"type": "complaint", "date": "2026-06-01"},
        "customer": dict(CUSTOMER),
        "product": {"model": "m"},
        "sale": {"ship_date": "2026-01-05", "shipping_method": "freight"},
        "complaint": {"topic": topic},
    }
    result = decide(policy, case)
    assert values(result)["complaint.handling"] == handling
    assert values(result)["complaint.escalate_to_gm"] is False
    assert missing(result) == ([] if topic else ["complaint.topic"])


@pytest.mark.parametrize(("damage", "claim"), [("visible", "claim_with_carrier"), ("none", "none"), (None, None)])
def test_transport_claim(policy: Policy, damage: str | None, claim: str | None) -> None:
    result = decide(
        policy, {"request": {"type": "transport_damage", "date": "2026-03-03"}, "transport": {"damage": damage}}
    )
    assert values(result)["transport.claim"] == claim
    late = [w for w in result["warnings"] if "承运人" in w]
    assert bool(late) is (claim != "none")  # INT-13: also while the damage, and so the claim, is unknown


def ship(**parts: Any) -> dict[str, Any]:
    shipment = {
        "contract_model": "A",
        "shipped_model": "A",
        "labels_complete": True,
        "packaging_intact": True,
        "options": [
            {"method": "express", "carrier": "SF", "cost": 180, "transit_days": 1},
            {"method": "freight", "carrier": "DB", "cost": 60, "transit_days": 6},
            {"method": "express", "carrier": "ZT", "cost": 95, "transit_days": 3},
            {"method": "freight", "carrier": "AN", "cost": 95, "transit_days": 2},
        ],
    }
    shipment.update(parts)
    return {"request": {"type": "shipment", "date": "2026-04-01"}, "shipment": shipment}


@pytest.mark.parametrize(
    ("parts", "carrier", "arrives"),
    [
        ({"required_by": "2026-04-05"}, "AN", "2026-04-03"),  # cheapest in time; tie on cost -> fewer days
        ({"required_by": "2026-04-07"}, "DB", "2026-04-07"),  # arrival on the required day is in time
        ({}, None, None),  # required day unknown, and the cheapest is not the fastest
        ({"required_by": "2026-04-01"}, "SF", "2026-04-02"),  # none in time: the fastest, with a warning
        ({"required_by": "2026-04-07", "customer_requested_method": "express"}, "ZT", "2026-04-04"),
    ],
)
def test_shipment_choice(policy: Policy, parts: dict[str, Any], carrier: str, arrives: str) -> None:
    result = decide(policy, ship(**parts))
    v = values(result)
    assert v["shipment.carrier"] == carrier and v["shipment.arrives_on"] == arrives
    assert v["shipment.release"] == "ok" and v["shipment.failed_checks"] == []
    assert missing(result) == ([] if carrier else ["shipment.required_by"])
    late = parts.get("required_by") == "2026-04-01"
    assert any("2026-04-01" in w for w in result["warnings"]) is late


def test_shipment_checks_known_and_unknown(policy: Policy) -> None:
    result = decide(policy, ship(labels_complete=None, packaging_intact=False))
    v = values(result)
    assert v["shipment.release"] == "blocked" and v["shipment.failed_checks"] == ["packaging_damaged"]
    result = decide(policy, ship(labels_complete=None))
    v = values(result)
    assert v["shipment.release"] is None and v["shipment.failed_checks"] == []
    assert missing(result) == ["shipment.labels_complete", "shipment.required_by"]


@pytest.mark.parametrize(
    ("last", "as_of", "due", "overdue"),
    [
        ("2026-01-31", "2026-02-28", "2026-02-28", False),
        ("2026-01-31", "2026-03-01", "2026-02-28", True),
        ("2024-01-29", "2024-02-29", "2024-02-29", False),
    ],
)
def test_follow_up(policy: Policy, last: str, as_of: str, due: str, overdue: bool) -> None:
    case = {"request": {"type": "follow_up", "date": as_of}, "follow_up": {"last_on": last}}
    v = values(decide(policy, case, as_of=as_of))
    assert v["follow_up.next_due"] == due and v["follow_up.overdue"] is overdue


def test_every_decided_value_cites_its_clause_verbatim(policy: Policy, standard_texts: dict[str, str]) -> None:
    for case in (fault(), ret(), ship(), fault(fault={"code": "x", "misuse": True})):
        result = decide(policy, case)
        for decision in result["decisions"].values():
            if decision["value"] is not None:
                assert decision["cites"]
            for cite in decision["cites"]:
                assert cite["text"] == standard_texts[cite["clause"]]
