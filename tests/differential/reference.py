"""An independent reference model of CONTRACT.md and STANDARD.md, written straight from
the text in plain Python (no policy file, no engine), for differential runs.

Unknown facts are handled as CONTRACT 1.1 says: the case is worked out in every world the
unknowns allow (each shipping method, the warranty in force or ended when the ship date is
unknown, each possible required day), and a decision is decided when every world gives the
same value.  ``UNKNOWN`` marks a value a world cannot give (a deadline with no receipt day).
"""

from __future__ import annotations

import calendar as _calendar
from datetime import date, timedelta
from functools import cache
from typing import Any

import holidays

UNKNOWN = object()


def _d(text: Any) -> date | None:
    return date.fromisoformat(text) if isinstance(text, str) else None


def _day(text: str) -> date:
    """A date the case format requires (a history entry's)."""
    return date.fromisoformat(text)


def add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return date(year, month + 1, min(day.day, _calendar.monthrange(year, month + 1)[1]))


@cache
def _china() -> Any:
    return holidays.country_holidays("CN")


def add_working_days(day: date, count: int) -> date:
    cal = _china()
    while count:
        day += timedelta(days=1)
        if cal.is_working_day(day):
            count -= 1
    return day


def _get(case: dict[str, Any], path: str, default: Any = None) -> Any:
    node: Any = case
    for part in path.split("."):
        node = node.get(part) if isinstance(node, dict) else None
    return default if node is None else node


def _agree(values: list[Any]) -> Any:
    """The value every world gives, else None (undecided)."""
    first = values[0]
    if first is UNKNOWN or any(v is UNKNOWN or type(v) is not type(first) or v != first for v in values):
        return None
    return first


# -- a sale: warranty (INT-1, INT-2) ------------------------------------------------------


def _sale_worlds(case: dict[str, Any]) -> list[dict[str, Any]]:
    """Each world of the sale: start, end, status (UNKNOWN dates when the ship date is unknown)."""
    ship = _d(_get(case, "sale.ship_date"))
    method = _get(case, "sale.shipping_method")
    months = _get(case, "sale.warranty_months", 12)
    request = _d(_get(case, "request.date"))
    assert request is not None
    worlds = []
    for m in [method] if method else ["express", "freight"]:
        if ship is None:
            for status in ("in_warranty", "out_of_warranty"):
                worlds.append({"start": UNKNOWN, "end": UNKNOWN, "status": status, "method": m})
            continue
        start = ship + timedelta(days=3 if m == "express" else 5)
        end = add_months(start, months)
        status = "in_warranty" if request <= end else "out_of_warranty"
        worlds.append({"start": start, "end": end, "status": status, "method": m})
    return worlds


def _recurring(case: dict[str, Any]) -> Any:
    """INT-12 (entries with no fault code are not generated)."""
    request = _d(_get(case, "request.date"))
    assert request is not None
    earlier = [
        h for h in _get(case, "history", []) if h["kind"] in ("repair", "replacement") and _day(h["date"]) <= request
    ]
    year = add_months(request, -12)
    codes_in_year = list(dict.fromkeys(h["fault_code"] for h in earlier if _day(h["date"]) >= year))
    code = _get(case, "fault.code")
    if len(codes_in_year) >= 2:
        return True
    if not earlier:
        return False
    if code is None:
        return UNKNOWN
    if any(h["fault_code"] == code for h in earlier):
        return True
    return len(set(codes_in_year) | {code}) >= 2


# -- a fault (INT-6 to INT-10) ----------------------------------------------------------------


def _fault(case: dict[str, Any], world: dict[str, Any]) -> dict[str, Any]:
    works = _get(case, "fault.works_normally", False)
    exclusions = []
    if _get(case, "fault.misuse", False):
        exclusions.append("misuse")
    if _get(case, "fault.third_party_repair", False):
        exclusions.append("third_party_repair")
    if (
        not _get(case, "product.has_warranty_card", True)
        and not _get(case, "product.serial_number")
        and not _get(case, "product.has_company_mark", True)
        and not _get(case, "product.origin_proven", False)
    ):
        exclusions.append("unproven_origin")
    status = world["status"]
    if works:
        service = "no_fault_found"
    elif status == "out_of_warranty" or _get(case, "fault.disassembled", False) or exclusions:
        service = "paid_repair"
    elif _get(case, "fault.severe_exterior_damage", False):
        service = "free_repair"
    else:
        service = "free_replacement"
    received = _d(_get(case, "received_on"))
    free = service in ("free_replacement", "free_repair")
    if service == "no_fault_found":
        ship_by = None
    elif received is None:
        ship_by = UNKNOWN
    elif service == "free_replacement":
        ship_by = add_working_days(received, 1)
    else:
        ship_by = received + timedelta(days=4)
    quote_by = None if service != "paid_repair" else (UNKNOWN if received is None else add_working_days(received, 1))
    advance = (
        "may_offer"
        if status == "in_warranty" and not works and _get(case, "fault.critical_site", False)
        else "not_applicable"
    )
    replacement = _d(_get(case, "replacement_received_on"))
    back_by = None if advance != "may_offer" else (UNKNOWN if replacement is None else replacement + timedelta(days=3))
    return {
        "warranty.exclusions": exclusions,
        "service.type": service,
        "charges.parts": "company" if free else "customer" if service == "paid_repair" else None,
        "charges.shipping": (
            "company_pays_delivery" if free else "customer_pays_round_trip" if service == "paid_repair" else None
        ),
        "deadlines.ship_by": ship_by,
        "deadlines.quote_by": quote_by,
        "advance_replacement": advance,
        "deadlines.return_faulty_unit_by": back_by,
        "complaint.recommended": _recurring(case),
    }


# -- a return (INT-11) ---------------------------------------------------------------------


def _return(case: dict[str, Any], world: dict[str, Any]) -> dict[str, Any]:
    request = _d(_get(case, "request.date"))
    assert request is not None
    delivered = _d(_get(case, "sale.delivered_on")) or world["start"]
    days = _get(case, "sale.return_days")
    if delivered is UNKNOWN:
        window: Any = UNKNOWN
    else:
        window = add_months(delivered, 1)
        if days is not None:
            window = max(window, delivered + timedelta(days=days))
    since = add_months(request, -6)
    recent = sum(
        1 for h in _get(case, "history", []) if h["kind"] == "replacement" and since <= _day(h["date"]) <= request
    )
    inside = [True, False] if window is UNKNOWN else [request <= window]
    decisions = []
    for within in inside:
        if _get(case, "return.special_case", False):
            decisions.append("escalate")
        elif _get(case, "inspection.damaged", False) or _get(case, "inspection.disassembled", False):
            decisions.append("discounted_refund" if _get(case, "return.customer_insists", False) else "refused")
        elif (within and not _get(case, "inspection.accessories_missing", False)) or (
            recent >= 2 and _get(case, "return.strongly_requested", False)
        ):
            decisions.append("accepted")
        else:
            decisions.append("refused")
    return {
        "return.window_end": window,
        "return.recent_replacements": recent,
        "return.decision": _agree(decisions),
    }


# -- a shipment (INT-14 as clarified) -------------------------------------------------------


def _best(options: list[dict[str, Any]], budget: int | None) -> dict[str, Any]:
    key_cheap = lambda o: (o["cost"], o["transit_days"])  # noqa: E731 - min() keeps the first of a tie
    in_time = [o for o in options if budget is None or o["transit_days"] <= budget]
    if in_time:
        return min(in_time, key=key_cheap)
    return min(options, key=lambda o: (o["transit_days"], o["cost"]))


def _shipment(case: dict[str, Any]) -> dict[str, Any]:
    request = _d(_get(case, "request.date"))
    assert request is not None
    s = case.get("shipment") or {}
    checks = [
        s.get("shipped_model") != s.get("contract_model")
        if s.get("shipped_model") is not None and s.get("contract_model") is not None
        else None,
        None if s.get("labels_complete") is None else not s["labels_complete"],
        None if s.get("packaging_intact") is None else not s["packaging_intact"],
    ]
    release = "blocked" if any(c is True for c in checks) else "ok" if all(c is False for c in checks) else None
    failed = [
        n
        for n, c in zip(("model_mismatch", "labels_incomplete", "packaging_damaged"), checks, strict=True)
        if c is True
    ]
    options = s.get("options") or []
    requested = s.get("customer_requested_method")
    required = _d(s.get("required_by"))
    out: dict[str, Any] = {"shipment.release": release, "shipment.failed_checks": failed}
    if not options:
        out.update({"shipment.carrier": None, "shipment.method": None, "shipment.arrives_on": None})
        return out
    if requested:
        quoted = [o for o in options if o["method"] == requested]
        if not quoted:
            out.update({"shipment.carrier": None, "shipment.method": requested, "shipment.arrives_on": None})
            return out
        choices = [min(quoted, key=lambda o: (o["cost"], o["transit_days"]))]
    elif required is not None:
        choices = [_best(options, (required - request).days)]
    else:
        transit = [o["transit_days"] for o in options]
        choices = [_best(options, b) for b in range(min(transit) - 1, max(transit) + 1)]
    out["shipment.carrier"] = _agree([c["carrier"] for c in choices])
    out["shipment.method"] = _agree([c["method"] for c in choices])
    out["shipment.arrives_on"] = _agree([request + timedelta(days=c["transit_days"]) for c in choices])
    return out


# -- the whole case --------------------------------------------------------------------------


def reference(case: dict[str, Any], as_of: date) -> dict[str, Any]:
    """Every decision of CONTRACT section 3 for ``case``: its value, or None when undecided
    or not applicable."""
    kind = _get(case, "request.type")
    out: dict[str, Any] = {}
    if kind in ("fault", "return", "complaint"):
        worlds = _sale_worlds(case)
        for key, name in (
            ("start", "warranty.start_date"),
            ("end", "warranty.end_date"),
            ("status", "warranty.status"),
        ):
            out[name] = _agree([w[key] for w in worlds])
        if kind == "fault":
            per_world = [_fault(case, w) for w in worlds]
            for name in per_world[0]:
                out[name] = _agree([p[name] for p in per_world])
        elif kind == "return":
            per_world = [_return(case, w) for w in worlds]
            for name in per_world[0]:
                values = [p[name] for p in per_world]
                out[name] = _agree(values) if name != "return.decision" else _agree([v or UNKNOWN for v in values])
        else:
            topic = _get(case, "complaint.topic")
            out["complaint.handling"] = {
                "service_quality": "regional_manager_explains",
                "product_quality": "root_cause_report",
                "installation": "liaison_to_department",
            }.get(topic)
            out["complaint.escalate_to_gm"] = bool(_get(case, "complaint.serious", False))
            out["complaint.recurring_fault"] = _agree([_recurring(case)])
    elif kind == "transport_damage":
        damage = _get(case, "transport.damage")
        out["transport.claim"] = None if damage is None else "none" if damage == "none" else "claim_with_carrier"
    elif kind == "shipment":
        out.update(_shipment(case))
    elif kind == "follow_up":
        last = _d(_get(case, "follow_up.last_on"))
        due = None if last is None else add_months(last, 1)
        out["follow_up.next_due"] = due
        out["follow_up.overdue"] = None if due is None else as_of > due
    return {k: (v.isoformat() if isinstance(v, date) else v) for k, v in out.items()}


def expected_missing(case: dict[str, Any], decided: dict[str, Any]) -> set[str]:
    """The facts ``missing`` must name (CONTRACT 1.1 and INT-14 as clarified), given the
    reference's decisions ``decided``: the unknown facts the undecided decisions wait for,
    and the registration facts."""
    kind = _get(case, "request.type")
    out = registration_missing(case)
    if kind in ("fault", "return", "complaint") and decided["warranty.start_date"] is None:
        out |= {f for f in ("sale.ship_date", "sale.shipping_method") if _get(case, f) is None}
    if kind == "fault":
        if _get(case, "received_on") is None and decided["service.type"] != "no_fault_found":
            out.add("received_on")
        if decided["complaint.recommended"] is None:
            out.add("fault.code")
        waiting = decided["advance_replacement"] in ("may_offer", None) and _get(case, "fault.critical_site")
        if waiting and _get(case, "replacement_received_on") is None:
            out.add("replacement_received_on")
    if kind == "complaint" and decided["complaint.recurring_fault"] is None:
        out.add("fault.code")
    if kind == "transport_damage" and _get(case, "transport.damage") is None:
        out.add("transport.damage")
    if kind == "shipment":
        s = case.get("shipment") or {}
        if decided["shipment.release"] is None:
            checks = ("shipped_model", "contract_model", "labels_complete", "packaging_intact")
            out |= {"shipment." + f for f in checks if s.get(f) is None}
        if not s.get("options"):
            out.add("shipment.options")
            if not s.get("required_by") and not s.get("customer_requested_method"):
                out.add("shipment.required_by")
        elif s.get("customer_requested_method") and decided["shipment.carrier"] is None:
            out.add("shipment.options")
        elif None in (decided["shipment.carrier"], decided["shipment.method"], decided["shipment.arrives_on"]):
            out.add("shipment.required_by")
    return out


def registration_missing(case: dict[str, Any]) -> set[str]:
    """The registration facts (CONTRACT 1) a fault, return or complaint lacks or leaves blank."""
    if _get(case, "request.type") not in ("fault", "return", "complaint"):
        return set()
    names = ("customer.name", "customer.address", "customer.phone", "product.model")
    return {n for n in names if not str(_get(case, n) or "").strip()}


__all__ = ["UNKNOWN", "expected_missing", "reference", "registration_missing"]
