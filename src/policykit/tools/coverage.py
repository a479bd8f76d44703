"""Which rules the policy tests exercised: per value, per row, per clause, and in total."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from policykit.policy.model import Policy
from policykit.policy.origin import origin
from policykit.policy.policy_data import value_items


@dataclass(frozen=True)
class RowCoverage:
    value: str
    index: int  # -1: the `otherwise` of a collected list
    line: int
    fired: bool
    base: str | None = None  # the version whose file holds the row, taken over unchanged


@dataclass(frozen=True)
class Coverage:
    rows: tuple[RowCoverage, ...]
    clauses: tuple[tuple[str, bool], ...]  # (clause id, exercised) for clauses that rules cite

    @property
    def covered(self) -> int:
        return sum(r.fired for r in self.rows)

    @property
    def percent(self) -> float:
        return 100.0 * self.covered / len(self.rows) if self.rows else 100.0

    def to_dict(self) -> dict[str, Any]:
        values: dict[str, Any] = {}
        for row in self.rows:
            entry = values.setdefault(row.value, {"fired": [], "not_fired": []})
            said: dict[str, Any] = {"row": _row_name(row.index), "line": row.line}
            if row.base is not None:
                said["file"] = row.base
            entry["fired" if row.fired else "not_fired"].append(said)
        return {
            "rules": {"covered": self.covered, "total": len(self.rows), "percent": round(self.percent, 2)},
            "values": values,
            "clauses": {cid: hit for cid, hit in self.clauses},
        }


def _place(row: RowCoverage) -> str:
    return f"line {row.line}" if row.base is None else f"{row.base} line {row.line}"


def _row_name(index: int) -> str:
    return "otherwise" if index < 0 else str(index + 1)


def measure(policy: Policy, fired: Iterable[tuple[str, int]], base: tuple[Policy, Coverage] | None = None) -> Coverage:
    """Coverage of ``policy`` given the (value id, row index) pairs that fired.  ``base``:
    the version an amendment amends, with its coverage: a row the amendment takes over
    unchanged, behind the same rows as there, counts as fired where that version's tests
    fired it (or credited it in turn), and is placed where that version places it (the
    amendment's file has no line of it)."""
    hit = set(fired)
    kept = _unchanged(policy, base[0]) if base is not None else {}
    there = {(r.value, r.index): r for r in base[1].rows} if base is not None else {}
    rows = []
    clause_hit: dict[str, bool] = {}
    for value in policy.values.values():
        candidates = list(value.rules) + ([value.otherwise] if value.otherwise is not None else [])
        for rule in candidates:
            did_fire = (value.id, rule.index) in hit
            taken = kept.get((value.id, rule.index))
            was = there.get((value.id, taken)) if taken is not None else None
            if was is None or base is None:
                rows.append(RowCoverage(value.id, rule.index, rule.line, did_fire))
            else:
                did_fire = did_fire or was.fired
                rows.append(RowCoverage(value.id, rule.index, was.line, did_fire, was.base or origin(base[0].file)))
            for cite in rule.every_cite:
                clause_hit[cite.clause] = clause_hit.get(cite.clause, False) or did_fire
    ordered = tuple((cid, clause_hit[cid]) for cid in policy.clauses if cid in clause_hit)
    return Coverage(tuple(rows), ordered)


def _unchanged(policy: Policy, base: Policy) -> dict[tuple[str, int], int]:
    """Each row of ``policy`` (by value and index) written as in ``base`` behind the same
    rows as there, with its index in ``base``: a row behind one the amendment added or
    changed may be shadowed by it, and is the amendment's own to test."""
    was = {item["id"]: item for _, _, item in value_items(base.raw)}
    out: dict[tuple[str, int], int] = {}
    for _, _, item in value_items(policy.raw):
        vid, before = item["id"], was.get(item["id"])
        if before is None or vid not in base.values:
            continue
        key = "rules" if "rules" in item else "collect"
        rows, old = item.get(key) or [], before.get(key) or []
        same = 0  # the rows written as in base, from the first
        while same < min(len(rows), len(old)) and rows[same] == old[same]:
            out[(vid, same)] = same
            same += 1
        if same == len(rows) == len(old) and "otherwise" in item and before.get("otherwise") == item["otherwise"]:
            out[(vid, -1)] = -1
    return out


def render_coverage(policy: Policy, cov: Coverage) -> str:
    lines = [f"Coverage of {origin(policy.file)} ({policy.id} {policy.version})", ""]
    lines.append("Rules by value (rows that never fired are listed with their line):")
    by_value: dict[str, list[RowCoverage]] = {}
    for row in cov.rows:
        by_value.setdefault(row.value, []).append(row)
    width = max(len(v) for v in by_value)
    for vid, rows in by_value.items():
        fired = sum(r.fired for r in rows)
        mark = "ok " if fired == len(rows) else "-- "
        missed = ", ".join(f"row {_row_name(r.index)} ({_place(r)})" for r in rows if not r.fired)
        lines.append(f"  {mark}{vid.ljust(width)}  {fired}/{len(rows)}" + (f"   not fired: {missed}" if missed else ""))
    exercised = [cid for cid, hit in cov.clauses if hit]
    not_exercised = [cid for cid, hit in cov.clauses if not hit]
    informational = [c.id for c in policy.clauses.values() if c.informational]
    lines.append("")
    lines.append(
        f"Clauses cited by rules: {len(exercised)}/{len(cov.clauses)} exercised by a test"
        + (f"; not exercised: {', '.join(not_exercised)}" if not_exercised else "")
    )
    others = [cid for cid in policy.clauses if cid not in dict(cov.clauses) and cid not in informational]
    if others:
        lines.append(f"Clauses cited only by steps, parameters or metadata: {', '.join(others)}")
    lines.append(f"Informational clauses (no rule applies them): {', '.join(informational) or '-'}")
    lines.append("")
    lines.append(f"TOTAL rules covered: {cov.covered}/{len(cov.rows)} = {cov.percent:.1f}%")
    return "\n".join(lines) + "\n"
