"""The ``contract:`` section of a policy turned into the JSON Schemas other tools read.

The section is the one source of the contract other systems rely on::

    contract:
      id: case-contract
      version: 1
      case:                       # the case format
        id: https://.../case.schema.json
        title: ...
        description: ...
        types:                    # named types, shared by fields ($defs)
          date: {type: string, pattern: "...", format: date, description: ...}
        fields:                   # every case field by its dotted path, groups first
          request: {type: object, required: true, description: ...}
          request.date: {type: date, required: true, description: ...}
          sale.warranty_months: {type: int, minimum: 1, maximum: 1200, description: ...}
          history: {type: list, max_items: 1000, items: {date: {type: date, required: true}}}
      decisions:                  # per request type, the decisions and their value domains
        fault:
          warranty.status: {type: enum, values: [in_warranty, out_of_warranty]}

:func:`case_schema` and :func:`decision_contract` are pure functions of the section: the
committed files in ``schemas/`` are what they write (``policykit schema``), and a test
keeps the two equal.
"""

from __future__ import annotations

from policykit.policy.fixed_width import DATE_PATTERN as DATE_PATTERN

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

JSON_SCHEMA = "https://json-schema.org/draft/2020-12/schema"
SCALARS = {"string": "string", "bool": "boolean", "int": "integer", "number": "number"}
BUILTIN = (*SCALARS, "date", "enum", "object", "list")
# the field keys that become JSON Schema keywords, in the order they are written
_KEYWORDS = (
    ("pattern", "pattern"),
    ("format", "format"),
    ("max_length", "maxLength"),
    ("minimum", "minimum"),
    ("maximum", "maximum"),
)


def _node(spec: dict[str, Any], types: dict[str, Any], nullable: bool) -> dict[str, Any]:
    """The JSON Schema of one field (or item field, or named type) of the contract."""
    kind = spec.get("type")
    out: dict[str, Any]
    if kind in types:
        ref: dict[str, Any] = {"$ref": f"#/$defs/{kind}"}
        out = {"anyOf": [ref, {"type": "null"}]} if nullable else ref
    elif kind == "date":
        out = {"type": ["string", "null"] if nullable else "string", "pattern": DATE_PATTERN, "format": "date"}
    elif kind == "enum":
        out = {"enum": [*spec.get("values", []), *([None] if nullable else [])]}
    elif kind == "list":
        out = {"type": ["array", "null"] if nullable else "array"}
        if "max_items" in spec:
            out["maxItems"] = spec["max_items"]
    elif kind == "object":
        out = {"type": ["object", "null"] if nullable else "object"}
    else:
        json_type = SCALARS.get(str(kind), "string")
        out = {"type": [json_type, "null"] if nullable else json_type}
        out.update({keyword: spec[key] for key, keyword in _KEYWORDS if key in spec})
    if spec.get("description"):
        out["description"] = spec["description"]
    if kind == "list" and isinstance(spec.get("items"), dict):
        out["items"] = _item(spec["items"], types)
    return out


def _item(fields: dict[str, Any], types: dict[str, Any]) -> dict[str, Any]:
    """The schema of one item of a list field: a closed object of its fields."""
    required = [name for name, spec in fields.items() if (spec or {}).get("required")]
    out: dict[str, Any] = {"type": "object", "additionalProperties": False}
    if required:
        out["required"] = required
    out["properties"] = {
        name: _node(spec or {}, types, not (spec or {}).get("required")) for name, spec in fields.items()
    }
    return out


def case_schema(contract: dict[str, Any]) -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of the cases the contract accepts."""
    case = contract.get("case") or {}
    types: dict[str, Any] = case.get("types") or {}
    fields: dict[str, Any] = case.get("fields") or {}
    root: dict[str, Any] = {"$schema": JSON_SCHEMA}
    for key in ("id", "title", "description"):
        if case.get(key):
            root["$id" if key == "id" else key] = case[key]
    root["type"] = "object"
    required = [name for name, spec in fields.items() if "." not in name and (spec or {}).get("required")]
    if required:
        root["required"] = required
    root["additionalProperties"] = False
    if types:
        root["$defs"] = {name: _node(spec or {}, {}, False) for name, spec in types.items()}
    root["properties"] = {}
    groups: dict[str, dict[str, Any]] = {"": root}
    for name, spec in fields.items():
        spec = spec or {}
        parent, _, leaf = name.rpartition(".")
        holder = groups.get(parent) or _group(groups, parent)
        node = _node(spec, types, not spec.get("required"))
        if spec.get("type") == "object":
            node["properties"] = {}
            node["additionalProperties"] = False
            groups[name] = node
        holder["properties"][leaf] = node
        if spec.get("required") and holder is not root:
            holder.setdefault("required", []).append(leaf)
    return root


def _group(groups: dict[str, dict[str, Any]], name: str) -> dict[str, Any]:
    """A group no field declared (a field added by ``contract_extension`` under a new
    prefix): an optional object holding it, closed to other fields as every group is."""
    parent, _, leaf = name.rpartition(".")
    holder = groups.get(parent) or _group(groups, parent)
    node: dict[str, Any] = {"type": ["object", "null"], "properties": {}, "additionalProperties": False}
    holder["properties"][leaf] = node
    groups[name] = node
    return node


def decision_contract(contract: dict[str, Any]) -> dict[str, Any]:
    """The decisions each request type gives, with their value domains (``contract.json``)."""
    out: dict[str, Any] = {}
    for key in ("id", "version"):
        if key in contract:
            out[key] = contract[key]
    out["request_types"] = {
        rtype: {did: dict(spec or {}) for did, spec in (decisions or {}).items()}
        for rtype, decisions in (contract.get("decisions") or {}).items()
    }
    return out
