"""The contract as a version extends it, in YAML: ``contract_extension`` adds, never removes.

    contract_extension:
      facts: [fault.lightning]                 # new optional case fields, typed by their fact
      decisions: {fault: [courtesy_unit]}      # new decisions of a request type, typed by their definition
      values: {warranty.exclusions: [lightning]}   # new values of a decision the contract names

The bundled contract and case format (``metadata.contract``, ``metadata.case_schema``)
plus these additions are the contract of the version: the compiler checks the policy
against it, and the case format the engine, the server and the docs use is generated
from it.  A change that takes something away cannot be written here: it is a change of
the base files, a new major version.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

from policykit.errors import Diagnostic
from policykit.lang.hints import suggest
from policykit.policy.document import Document
from policykit.policy.resources import schema


def extension(data: dict[str, Any]) -> dict[str, Any]:
    ext = data.get("contract_extension")
    return ext if isinstance(ext, dict) else {}


def contract_of(data: dict[str, Any]) -> dict[str, Any]:
    """The decision contract of a policy: the named file plus the policy's additions."""
    name = data["metadata"].get("contract")
    contract: dict[str, Any] = copy.deepcopy(schema(name)) if name else {"request_types": {}}
    ext = extension(data)
    decisions = {item["id"]: item for item in data.get("decisions") or [] if isinstance(item, dict)}
    for rtype, ids in (ext.get("decisions") or {}).items():
        wanted = contract["request_types"].setdefault(rtype, {})
        for did in ids:
            item = decisions.get(did) or {}
            spec: dict[str, Any] = {"type": item.get("type", "string")}
            if item.get("values"):
                spec["values"] = list(item["values"])
            wanted[did] = spec
    for did, values in (ext.get("values") or {}).items():
        for wanted in contract["request_types"].values():
            if did in wanted and "values" in wanted[did]:
                wanted[did]["values"] = [*wanted[did]["values"], *[v for v in values if v not in wanted[did]["values"]]]
    return contract


def case_schema_of(data: dict[str, Any], field_schema: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """The case format: the named JSON Schema plus a field for each added fact
    (``field_schema``: fact name -> the JSON Schema of its field)."""
    out: dict[str, Any] = copy.deepcopy(schema(data["metadata"]["case_schema"]))
    for name in extension(data).get("facts") or []:
        node = out
        parts = name.split(".")
        for part in parts[:-1]:
            node = node.setdefault("properties", {}).setdefault(
                part, {"type": ["object", "null"], "properties": {}, "additionalProperties": False}
            )
        node.setdefault("properties", {})[parts[-1]] = field_schema[name]
    return out


def check_extension(doc: Document) -> Iterator[Diagnostic]:
    """Every addition names something the policy defines and the base contract lacks."""
    data = doc.data
    ext = extension(data)
    base_case = schema(data["metadata"]["case_schema"]) if data["metadata"].get("case_schema") else None
    base_contract = schema(data["metadata"]["contract"]) if data["metadata"].get("contract") else None
    facts = data.get("facts") or {}
    for i, name in enumerate(ext.get("facts") or []):
        where = ("contract_extension", "facts", i)
        if name not in facts:
            yield doc.diag(where, "contract", f"'{name}' is not a fact of the policy{suggest(name, list(facts))}")
        elif base_case is not None and in_schema(base_case, name):
            yield doc.diag(where, "contract", f"'{name}' is a field of the case format already")
        elif (facts[name] or {}).get("required"):
            yield doc.diag(where, "contract-breaking", f"a new required field '{name}' would refuse the cases of today")
    decisions = [item.get("id") for item in data.get("decisions") or [] if isinstance(item, dict)]
    for rtype, ids in (ext.get("decisions") or {}).items():
        for i, did in enumerate(ids):
            if did not in decisions:
                yield doc.diag(
                    ("contract_extension", "decisions", rtype, i),
                    "contract",
                    f"'{did}' is not a decision of the policy{suggest(did, [d for d in decisions if d])}",
                )
    named = {did for wanted in (base_contract or {}).get("request_types", {}).values() for did in wanted}
    for did in ext.get("values") or {}:
        if did not in named:
            yield doc.diag(
                ("contract_extension", "values", did),
                "contract",
                f"'{did}' is not a decision of the contract{suggest(did, sorted(named))}",
            )


def in_schema(case_schema: dict[str, Any], name: str) -> bool:
    node: dict[str, Any] | None = case_schema
    for part in name.split("."):
        props = (node or {}).get("properties") or {}
        node = props.get(part)
        if node is None:
            return False
    return True


def _fields(node: dict[str, Any], prefix: str = "") -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for name, sub in (node.get("properties") or {}).items():
        path = f"{prefix}{name}"
        out[path] = sub
        if isinstance(sub, dict) and sub.get("properties"):
            out.update(_fields(sub, path + "."))
    return out


def _kind(spec: dict[str, Any]) -> str:
    """A field's type for comparison: its named definition, ``enum``, or its JSON types without null."""
    if "$ref" in spec:
        return str(spec["$ref"]).rsplit("/", 1)[-1]
    if "enum" in spec:
        return "enum"
    if "anyOf" in spec:
        return " or ".join(sorted(_kind(s) for s in spec["anyOf"] if s.get("type") != "null"))
    kind = spec.get("type")
    kinds = [k for k in kind if k != "null"] if isinstance(kind, list) else [kind]
    return " or ".join(sorted(str(k) for k in kinds))


def contract_changes(
    old: dict[str, Any], old_case: dict[str, Any], new: dict[str, Any], new_case: dict[str, Any]
) -> list[tuple[str, str, str]]:
    """(``additive`` or ``breaking``, subject, what changed) from one version's contract
    (decisions, their values, the case fields) to the next's."""
    out: list[tuple[str, str, str]] = []
    if old["metadata"].get("contract") and not new["metadata"].get("contract"):
        out.append(("breaking", "metadata.contract", "the decision contract is dropped"))
    if old["metadata"].get("case_schema") and not new["metadata"].get("case_schema"):
        out.append(("breaking", "metadata.case_schema", "the case format is dropped: cases would no longer be checked"))
    if out:
        return out  # without a contract there is nothing left to compare against
    before, after = _fields(old_case), _fields(new_case)
    for name, spec in before.items():
        if name not in after:
            out.append(("breaking", f"case.{name}", "case field removed"))
        elif _kind(spec) != _kind(after[name]):
            out.append(("breaking", f"case.{name}", f"case field retyped: {_kind(spec)} -> {_kind(after[name])}"))
        elif "enum" in spec and "enum" in after[name]:
            out.extend(_value_changes(f"case.{name}", spec["enum"], after[name]["enum"]))
    for name in after:
        if name not in before:
            out.append(("additive", f"case.{name}", "new optional case field"))
    was, now = contract_of(old)["request_types"], contract_of(new)["request_types"]
    for rtype in dict.fromkeys([*was, *now]):
        a, b = was.get(rtype, {}), now.get(rtype, {})
        for did, spec in a.items():
            if did not in b:
                out.append(("breaking", f"{rtype}.{did}", "decision removed from the contract"))
            elif spec.get("type") != b[did].get("type"):
                out.append(
                    ("breaking", f"{rtype}.{did}", f"decision retyped: {spec.get('type')} -> {b[did].get('type')}")
                )
            else:
                out.extend(_value_changes(f"{rtype}.{did}", spec.get("values") or [], b[did].get("values") or []))
        for did in b:
            if did not in a:
                out.append(("additive", f"{rtype}.{did}", "new decision"))
    return out


def _value_changes(where: str, before: list[Any], after: list[Any]) -> list[tuple[str, str, str]]:
    """A removed value breaks what relies on it; an added one is additive."""
    gone = [v for v in before if v not in after]
    added = [v for v in after if v not in before]
    out = [("breaking", where, f"values removed: {gone}")] if gone else []
    return out + ([("additive", where, f"values added: {added}")] if added else [])
