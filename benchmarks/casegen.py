"""Synthetic cases of every request type of the case contract, reproducible from a seed: for impact
dry runs, fuzzing and the benchmarks (mostly fault cases, as in real traffic)."""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

TYPES = (("fault", 70), ("return", 10), ("complaint", 6), ("transport_damage", 4), ("shipment", 6), ("follow_up", 4))
CODES = ("no-video", "ir-cut", "no-power", "blurry", "ptz-stuck")


def _day(rng: random.Random, start: date, span: int) -> date:
    return start + timedelta(days=rng.randrange(span))


def _maybe(rng: random.Random, value: Any, p: float = 0.9) -> Any:
    return value if rng.random() < p else None


def generate_case(rng: random.Random, number: int) -> dict[str, Any]:
    kind = rng.choices([t for t, _ in TYPES], weights=[w for _, w in TYPES])[0]
    ship = _day(rng, date(2024, 1, 1), 1000)
    request_day = ship + timedelta(days=rng.randrange(1, 900))
    case: dict[str, Any] = {"case_id": f"GEN-{number:07d}", "request": {"type": kind, "date": request_day.isoformat()}}
    if kind in ("fault", "return", "complaint"):
        case["customer"] = {
            "name": _maybe(rng, f"Customer {number}"),
            "address": _maybe(rng, "Xi'an"),
            "phone": _maybe(rng, "029-0000"),
        }
        case["product"] = {
            "model": "OY-IR-300",
            "serial_number": _maybe(rng, f"S{number}", 0.95),
            "has_warranty_card": rng.random() > 0.05,
            "has_company_mark": rng.random() > 0.05,
        }
        case["sale"] = {
            "ship_date": _maybe(rng, ship.isoformat(), 0.95),
            "shipping_method": _maybe(rng, rng.choice(["express", "freight"]), 0.95),
        }
        if rng.random() < 0.15:
            case["sale"]["warranty_months"] = rng.choice([6, 18, 24, 36])
        history = []
        for _ in range(rng.choice([0, 0, 0, 1, 2, 3])):
            history.append(
                {
                    "date": _day(rng, ship, max(1, (request_day - ship).days)).isoformat(),
                    "kind": rng.choice(["repair", "replacement"]),
                    "fault_code": rng.choice(CODES),
                }
            )
        case["history"] = history
    if kind == "fault":
        case["fault"] = {
            "code": _maybe(rng, rng.choice(CODES)),
            "works_normally": rng.random() < 0.05,
            "misuse": rng.random() < 0.08,
            "third_party_repair": rng.random() < 0.03,
            "disassembled": rng.random() < 0.05,
            "severe_exterior_damage": rng.random() < 0.05,
            "critical_site": rng.random() < 0.1,
        }
        case["received_on"] = _maybe(rng, (request_day + timedelta(days=rng.randrange(0, 10))).isoformat(), 0.8)
    elif kind == "return":
        case["inspection"] = {"damaged": rng.random() < 0.1, "accessories_missing": rng.random() < 0.05}
        case["return"] = {"strongly_requested": rng.random() < 0.3, "customer_insists": rng.random() < 0.3}
        if rng.random() < 0.3:
            case["sale"]["delivered_on"] = (ship + timedelta(days=rng.randrange(1, 8))).isoformat()
    elif kind == "complaint":
        case["complaint"] = {
            "topic": rng.choice(["product_quality", "installation", "service_quality"]),
            "serious": rng.random() < 0.2,
        }
    elif kind == "transport_damage":
        case["transport"] = {
            "damage": rng.choice(["none", "visible", "concealed"]),
            "claimed_on": _maybe(rng, request_day.isoformat(), 0.5),
        }
    elif kind == "shipment":
        model = "OY-IR-300"
        case["shipment"] = {
            "contract_model": model,
            "shipped_model": model if rng.random() > 0.1 else "OY-IR-200",
            "labels_complete": rng.random() > 0.05,
            "packaging_intact": rng.random() > 0.05,
            "required_by": _maybe(rng, (request_day + timedelta(days=rng.randrange(1, 8))).isoformat()),
            "options": [
                {"method": m, "carrier": c, "cost": cost, "transit_days": t}
                for m, c, cost, t in rng.sample(
                    [
                        ("express", "SF Express", 180, 1),
                        ("express", "ZTO Express", 95, 3),
                        ("freight", "Deppon", 60, 6),
                        ("freight", "ANE Freight", 75, 4),
                    ],
                    rng.randrange(1, 5),
                )
            ],
        }
    else:
        case["follow_up"] = {"last_on": (request_day - timedelta(days=rng.randrange(0, 70))).isoformat()}
    return case


def generate(count: int, seed: int = 20261127) -> Iterator[dict[str, Any]]:
    rng = random.Random(seed)
    for number in range(1, count + 1):
        yield generate_case(rng, number)


# -- edges: what the differential runs need beyond everyday traffic ----------------------

_QUOTES = (
    ("express", "SF Express", 180, 1),
    ("express", "ZTO Express", 95, 3),
    ("freight", "Deppon", 60, 6),
    ("freight", "ANE Freight", 75, 4),
    ("express", "EMS", 95, 3),
    ("freight", "SF Express", 60, 5),
)


def _drop(rng: random.Random, block: dict[str, Any], p: float) -> dict[str, Any]:
    """``block`` with each field left out (unknown, or its default) with probability ``p``."""
    return {k: v for k, v in block.items() if rng.random() >= p}


def generate_edge_case(rng: random.Random, number: int) -> dict[str, Any]:
    """A case of any of the six request types with many facts left out: unknown warranty
    status around holidays (so that deadlines may coincide), defaults not given, shipments
    with no quotes, an empty list, a requested method, an unknown required day."""
    case = generate_case(rng, number)
    kind = case["request"]["type"]
    case["case_id"] = f"EDGE-{number:07d}"
    if kind in ("fault", "return", "complaint"):
        case["sale"] = _drop(rng, case["sale"], 0.3)
        if "ship_date" not in case["sale"]:
            # no ship date: the warranty status is unknown; days around the holidays of 2025-2026
            day = date(2025, 1, 1) + timedelta(days=rng.randrange(730))
            case["request"]["date"] = day.isoformat()
            if kind == "fault":
                case["received_on"] = (day + timedelta(days=rng.randrange(0, 6))).isoformat()
        for name in ("customer", "product"):
            case[name] = _drop(rng, case[name], 0.2)
            if rng.random() < 0.05 and "name" in case[name]:
                case[name]["name"] = "  "
    if kind == "fault":
        case["fault"] = _drop(rng, case["fault"], 0.4)
        if rng.random() < 0.3:
            case["fault"]["disassembled"] = True
    if kind == "return":
        case["inspection"] = _drop(rng, case["inspection"], 0.5)
        case["return"] = _drop(rng, case["return"], 0.5)
    if kind == "shipment":
        shipment = case["shipment"]
        roll = rng.random()
        if roll < 0.15:
            shipment.pop("options")
        elif roll < 0.3:
            shipment["options"] = []
        else:
            shipment["options"] = [
                {"method": m, "carrier": c, "cost": cost, "transit_days": t}
                for m, c, cost, t in rng.sample(_QUOTES, rng.randrange(1, len(_QUOTES) + 1))
            ]
        if rng.random() < 0.3:
            shipment["customer_requested_method"] = rng.choice(["express", "freight"])
        if rng.random() < 0.4:
            shipment.pop("required_by", None)
    return case


def generate_edges(count: int, seed: int = 20261129) -> Iterator[dict[str, Any]]:
    rng = random.Random(seed)
    for number in range(1, count + 1):
        yield generate_edge_case(rng, number)
