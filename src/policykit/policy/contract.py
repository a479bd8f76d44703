"""Stage 4, contract: the decisions the policy's contract names are present, for their
request types, with their value domains; every fact is a field of the case format."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from policykit.errors import Diagnostic
from policykit.lang.hints import suggest
from policykit.policy.contract_ext import check_extension, contract_of, extension, in_schema
from policykit.policy.document import Document
from policykit.policy.policy_data import request_types
from policykit.policy.resources import schema


def check_contract(doc: Document) -> Iterator[Diagnostic]:
    """Every decision the case contract names is present, for its request types, with its domain."""
    data = doc.data
    meta = data["metadata"]
    for key in ("contract", "case_schema"):
        if meta.get(key):
            try:
                found = schema(meta[key])
            except (OSError, ValueError):
                yield doc.diag(("metadata", key), "unknown-schema", f"no bundled schema file '{meta[key]}'")
                return
            if key == "contract" and not _is_contract(found):
                yield doc.diag(("metadata", key), "unknown-schema", f"'{meta[key]}' is not a contract of decisions")
                return
            if key == "case_schema" and not (isinstance(found, dict) and isinstance(found.get("properties"), dict)):
                yield doc.diag(("metadata", key), "unknown-schema", f"'{meta[key]}' is not a schema of cases")
                return
    problems = list(check_extension(doc))
    yield from problems
    if problems:
        return
    added = set(extension(data).get("facts") or [])
    if meta.get("case_schema"):
        case_schema = schema(meta["case_schema"])
        for name in data["facts"]:
            if not in_schema(case_schema, name) and name not in added:
                yield doc.diag(
                    ("facts", name),
                    "contract",
                    f"fact '{name}' is not a field of the case format (a new fact: add it to contract_extension.facts)",
                )
    if not meta.get("contract"):
        return
    contract = contract_of(data)
    decisions = {item["id"]: (i, item) for i, item in enumerate(data["decisions"])}
    types = set(request_types(data))
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


# -- stage 6: status -----------------------------------------------------------------------


def _is_contract(found: Any) -> bool:
    """A contract maps each request type to its decisions, each to its spec (a mapping)."""
    types = found.get("request_types") if isinstance(found, dict) else None
    return isinstance(types, dict) and all(
        isinstance(wanted, dict) and all(isinstance(spec, dict) and "type" in spec for spec in wanted.values())
        for wanted in types.values()
    )
