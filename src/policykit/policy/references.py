"""Stage 3, references: every cited clause, parameter, interpretation, request type and
fact exists, and ids are unique."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from policykit.errors import Diagnostic
from policykit.lang.dates import parse_date
from policykit.lang.hints import suggest
from policykit.policy.calendar_days import KEYS as CALENDAR_KEYS
from policykit.policy.calendar_days import check_calendar_days
from policykit.policy.document import Document
from policykit.policy.policy_data import all_cites, as_list, cite_ids, request_types, value_items


def check_references(doc: Document) -> Iterator[Diagnostic]:
    """Every cited clause, parameter, interpretation, request type and fact exists; ids are unique."""
    data = doc.data
    clauses = [c["id"] for c in data["clauses"]]
    clause_set = set(clauses)
    seen: set[str] = set()
    for i, cid in enumerate(clauses):
        if cid in seen:
            yield doc.diag(("clauses", i, "id"), "duplicate-id", f"clause '{cid}' is defined twice")
        seen.add(cid)
    interpretations = set(data.get("interpretations") or {})
    types = request_types(data)
    facts = data["facts"]

    def cites_at(path: tuple[Any, ...], cites: list[Any]) -> Iterator[Diagnostic]:
        for i, cid in cite_ids(cites):
            if cid not in clause_set:
                yield doc.diag(path + (i,), "unknown-clause", f"unknown clause '{cid}'{suggest(cid, clauses)}")

    def interp_at(path: tuple[Any, ...], ref: str | list[str] | None) -> Iterator[Diagnostic]:
        for i, one in enumerate(as_list(ref)):
            if one not in interpretations:
                where = path + (i,) if isinstance(ref, list) else path
                yield doc.diag(
                    where,
                    "unknown-interpretation",
                    f"unknown interpretation '{one}'{suggest(one, sorted(interpretations))}",
                )

    def types_at(path: tuple[Any, ...], applies: list[str] | None) -> Iterator[Diagnostic]:
        for i, t in enumerate(applies or []):
            if t not in types:
                yield doc.diag(path + (i,), "unknown-request-type", f"unknown request type '{t}'{suggest(t, types)}")

    meta = data["metadata"]
    yield from cites_at(("metadata", "cites"), meta.get("cites") or [])
    for key in CALENDAR_KEYS:
        for i, item in enumerate(data["calendar"].get(key) or []):
            if isinstance(item, dict):
                yield from cites_at(("calendar", key, i, "cites"), item.get("cites") or [])
    yield from interp_at(("metadata", "interpretation"), meta.get("interpretation"))
    yield from interp_at(("calendar", "interpretation"), data["calendar"].get("interpretation"))
    for name, param in data["parameters"].items():
        yield from cites_at(("parameters", name, "cites"), param["cites"])
    for name, fact in facts.items():
        ref = fact.get("default_param")
        if ref is not None and ref not in data["parameters"]:
            yield doc.diag(
                ("facts", name, "default_param"),
                "unknown-parameter",
                f"unknown parameter '{ref}'{suggest(ref, list(data['parameters']))}",
            )
        if fact["type"] == "enum" and not fact.get("values"):
            yield doc.diag(("facts", name), "missing-values", f"enum fact '{name}' needs its values")
    ids: set[str] = set()
    for section, i, item in value_items(data):
        vid = item["id"]
        if vid in ids or vid in facts:
            yield doc.diag((section, i, "id"), "duplicate-id", f"'{vid}' is defined twice")
        ids.add(vid)
        yield from interp_at((section, i, "interpretation"), item.get("interpretation"))
        yield from types_at((section, i, "applies_to"), item.get("applies_to"))
        if section == "decisions" and types and not item.get("applies_to"):
            yield doc.diag(
                (section, i), "missing-applies-to", f"decision '{vid}' must say which requests it applies to"
            )
        collected: dict[Any, int] = {}
        for j, row in enumerate(item.get("collect") or []):
            value = row.get("value")
            if isinstance(value, str | int | bool) and not isinstance(value, float):
                if value in collected:
                    yield doc.diag(
                        (section, i, "collect", j, "value"),
                        "duplicate-value",
                        f"'{value}' is collected by row {collected[value] + 1} already: the list would hold it twice "
                        "(one row with its conditions under when_any collects it once)",
                    )
                collected.setdefault(value, j)
        for key in ("rules", "collect"):
            for j, row in enumerate(item.get(key) or []):
                yield from cites_at((section, i, key, j, "cites"), row.get("cites") or [])
                for k, ground in enumerate(row.get("when_any") or []):
                    if isinstance(ground, dict):
                        yield from cites_at((section, i, key, j, "when_any", k, "cites"), ground.get("cites") or [])
                yield from interp_at((section, i, key, j, "interpretation"), row.get("interpretation"))
        yield from cites_at((section, i, "otherwise", "cites"), (item.get("otherwise") or {}).get("cites") or [])
    for section in ("actions", "warnings"):
        step_ids: set[str] = set()
        for i, step in enumerate(data.get(section) or []):
            if step["id"] in step_ids:
                yield doc.diag((section, i, "id"), "duplicate-id", f"{section[:-1]} '{step['id']}' is defined twice")
            step_ids.add(step["id"])
            yield from cites_at((section, i, "cites"), step["cites"])
            yield from types_at((section, i, "applies_to"), step.get("applies_to"))
    actions = [step["id"] for step in data.get("actions") or []]

    def step_at(path: tuple[Any, ...], name: str) -> Iterator[Diagnostic]:
        if name not in actions:
            yield doc.diag(path, "unknown-step", f"unknown step '{name}'{suggest(name, actions)}")

    for name, fact in facts.items():
        if isinstance(fact.get("confirm"), dict):
            yield from step_at(("facts", name, "confirm", "step"), fact["confirm"]["step"])
    reg = data.get("registration")
    if reg:
        yield from step_at(("registration", "needed_for"), reg["needed_for"])
        yield from types_at(("registration", "applies_to"), reg["applies_to"])
        yield from cites_at(("registration", "cites"), reg.get("cites") or [])
        for i, name in enumerate(reg["facts"]):
            if name not in facts:
                yield doc.diag(
                    ("registration", "facts", i), "unknown-fact", f"unknown fact '{name}'{suggest(name, list(facts))}"
                )
    for i, group in enumerate(data.get("summary") or []):
        for j, name in enumerate(group["facts"]):
            if name not in facts:
                yield doc.diag(
                    ("summary", i, "facts", j), "unknown-fact", f"unknown fact '{name}'{suggest(name, list(facts))}"
                )
    for i, check in enumerate(data.get("case_checks") or []):
        if check["field"] not in facts:
            yield doc.diag(
                ("case_checks", i, "field"),
                "unknown-fact",
                f"unknown fact '{check['field']}'{suggest(check['field'], list(facts))}",
            )
        yield from types_at(("case_checks", i, "applies_to"), check.get("applies_to"))
    yield from check_calendar_days(doc)
    if meta.get("effective_from"):
        try:
            parse_date(meta["effective_from"])
        except ValueError as exc:
            yield doc.diag(("metadata", "effective_from"), "bad-date", str(exc))
    cited = {cid for _, cid in all_cites(data)}
    for i, clause in enumerate(data["clauses"]):
        if clause["id"] not in cited and not clause.get("informational"):
            yield doc.diag(
                ("clauses", i, "id"),
                "uncited-clause",
                f"clause '{clause['id']}' is neither cited by a rule nor marked informational",
                "warning",
            )
