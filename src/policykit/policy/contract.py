"""Stage 4, contract: the ``contract:`` section is well formed (every field of a known
type, in a declared group), every fact is a field of the case it describes, and the
decisions the contract names are present, for their request types, with their value
domains."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from policykit.errors import Diagnostic
from policykit.lang.hints import suggest
from policykit.policy.contract_ext import check_extension, contract_of, effective_contract, section
from policykit.policy.contract_schema import BUILTIN
from policykit.policy.document import Document
from policykit.policy.pattern_match import re2_problem
from policykit.policy.policy_data import request_types


def check_contract(doc: Document) -> Iterator[Diagnostic]:
    """The contract section, the extension, then the policy against the contract."""
    data = doc.data
    problems = [*check_section(doc), *check_extension(doc)]
    yield from problems
    if problems or not section(data):
        return
    fields = effective_contract(data)["case"]["fields"]
    for name in data["facts"]:
        if name not in fields:
            yield doc.diag(
                ("facts", name),
                "contract",
                f"fact '{name}' is not a field of the case format (a new fact: add it to contract.case.fields, "
                "or in an amendment to contract_extension.facts)",
            )
    yield from _check_decisions(doc, contract_of(data))


def check_section(doc: Document) -> Iterator[Diagnostic]:
    """Each field and named type: a known type, values for an enum, a group declared before its fields."""
    case = section(doc.data).get("case") or {}
    types: dict[str, Any] = case.get("types") or {}
    known = [*BUILTIN, *types]
    for name, spec in types.items():
        if spec.get("type") not in BUILTIN or spec.get("type") in ("object", "list"):
            yield doc.diag(
                ("contract", "case", "types", name, "type"),
                "contract",
                f"a named type is one of string, bool, int, number, date, enum, not '{spec.get('type')}'",
            )
        yield from _check_field(doc, ("contract", "case", "types", name), spec, known)
    groups = {""}
    for name, spec in (case.get("fields") or {}).items():
        where = ("contract", "case", "fields", name)
        parent = name.rpartition(".")[0]
        if parent not in groups:
            yield doc.diag(
                where,
                "contract",
                f"field '{name}' belongs to '{parent}', which is not declared before it as a group (type: object)",
            )
        if spec.get("type") == "object":
            groups.add(name)
        yield from _check_field(doc, where, spec, known)


def _check_field(doc: Document, where: tuple[Any, ...], spec: dict[str, Any], known: list[str]) -> Iterator[Diagnostic]:
    kind = spec.get("type")
    if kind not in known:
        yield doc.diag((*where, "type"), "contract", f"unknown type '{kind}'{suggest(str(kind), known)}")
    elif kind == "enum" and not spec.get("values"):
        yield doc.diag((*where, "type"), "contract", "an enum needs its values")
    elif kind != "enum" and "values" in spec:
        yield doc.diag((*where, "values"), "contract", f"values are for an enum, not a field of type '{kind}'")
    if "items" in spec and kind != "list":
        yield doc.diag((*where, "items"), "contract", f"items are for a list, not a field of type '{kind}'")
    for name, sub in (spec.get("items") or {}).items():
        if sub.get("type") in ("object", "list"):
            yield doc.diag((*where, "items", name, "type"), "contract", "an item field is not itself a group or list")
        else:
            yield from _check_field(doc, (*where, "items", name), sub, known)
    if isinstance(spec.get("pattern"), str):
        yield from _check_pattern(doc, (*where, "pattern"), spec["pattern"])
    low, high = spec.get("minimum"), spec.get("maximum")
    if isinstance(low, (int, float)) and isinstance(high, (int, float)) and low > high:
        yield doc.diag((*where, "minimum"), "contract", f"minimum {low} is above maximum {high}")


def _check_pattern(doc: Document, where: tuple[Any, ...], pattern: str) -> Iterator[Diagnostic]:
    """A pattern is of RE2's language: it is matched by RE2, in time linear in the text."""
    problem = re2_problem(pattern)
    if problem:
        yield doc.diag(
            where,
            "contract",
            f"not a regular expression RE2 can read ({problem}): the case format's patterns are RE2's "
            "(no lookaround, backreference, atomic group or possessive repeat)",
        )


def _check_decisions(doc: Document, contract: dict[str, Any]) -> Iterator[Diagnostic]:
    """Every decision the contract names is present, for its request types, with its domain."""
    data = doc.data
    decisions = {item["id"]: (i, item) for i, item in enumerate(data["decisions"])}
    types = set(request_types(data))
    if "request.type" not in data["facts"] and contract["request_types"]:
        # the one cause of every request type missing: said once, with what it takes
        named = ", ".join(contract["request_types"])
        yield doc.diag(
            ("contract", "request_types"),
            "contract",
            f"the contract names request types ({named}): the policy needs a choice fact "
            "'request.type' whose values they are (policykit reads a case's request type by that name)",
        )
        types = set(contract["request_types"])  # (not said again, type by type)
    for request_type, wanted in contract["request_types"].items():
        if request_type not in types:
            yield doc.diag(
                ("facts", "request.type", "values"),
                "contract",
                f"request type '{request_type}' of the contract is missing",
            )
        for did, spec in wanted.items():
            if did not in decisions:
                yield doc.diag(
                    ("decisions",),
                    "contract-missing-decision",
                    f"decision '{did}' required by the contract for '{request_type}' is missing"
                    f"{suggest(did, list(decisions))}",
                )
                continue
            i, item = decisions[did]
            if request_type not in (item.get("applies_to") or []):
                yield doc.diag(
                    ("decisions", i, "applies_to"),
                    "contract",
                    f"decision '{did}' must apply to '{request_type}' requests",
                )
            if item["type"] != spec["type"]:
                yield doc.diag(
                    ("decisions", i, "type"),
                    "contract",
                    f"decision '{did}' must be of type {spec['type']}, not {item['type']}",
                )
            elif "values" in spec and list(item.get("values") or []) != spec["values"]:
                yield doc.diag(
                    ("decisions", i, "values"), "contract", f"decision '{did}' must have the values {spec['values']}"
                )
