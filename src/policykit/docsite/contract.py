"""The contract page of the docs site: the case format, the result format and the decisions
of each request type (what other systems build against), rendered from the policy's
``contract:`` section through the JSON Schemas generated from it."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from policykit.docsite.common import LANG, both, cell, site_say, value_link
from policykit.policy.model import Policy
from policykit.present.words import show

SOURCE = (
    "Rendered from the `contract:` section of the policy; `schemas/case.schema.json` and "
    "`schemas/contract.json` are generated from it (`policykit schema`).\n"
)


def case_format_page(schema: dict[str, Any]) -> str:
    lines = [
        "# The case format\n",
        schema.get("description", "") + "\n",
        SOURCE,
        "| field | type | meaning |",
        "|---|---|---|",
    ]

    defs = schema.get("$defs") or {}

    def kind(node: dict[str, Any]) -> str:
        if "enum" in node:
            return " \\| ".join(f"`{v}`" for v in node["enum"] if v is not None)
        if "$ref" in node:
            name = str(node["$ref"]).rsplit("/", 1)[-1]
            named = defs.get(name) or {}
            return name if named.get("format") == name or "enum" not in named else kind(named)
        if node.get("format") == "date":
            return "date"
        if "anyOf" in node:
            return " or ".join(kind(n) for n in node["anyOf"] if n.get("type") != "null")
        types = node.get("type")
        if isinstance(types, list):
            types = [t for t in types if t != "null"]
            types = types[0] if len(types) == 1 else ", ".join(types)
        extra = []
        if "minimum" in node:
            extra.append(f"≥ {node['minimum']}")
        if "maximum" in node:
            extra.append(f"≤ {node['maximum']}")
        return str(types) + (f" ({', '.join(extra)})" if extra else "")

    def walk(node: dict[str, Any], prefix: str, required: Iterable[str]) -> None:
        for name, child in (node.get("properties") or {}).items():
            path = f"{prefix}{name}"
            req = " **(required)**" if name in required else ""
            if child.get("properties"):
                walk(child, path + ".", child.get("required") or [])
            elif child.get("items", {}).get("properties"):
                item = child["items"]
                fields = ", ".join(f"`{k}`: {kind(v)}" for k, v in item["properties"].items())
                lines.append(f"| `{path}` | list of {{{fields}}} | {cell(child.get('description', ''))}{req} |")
            else:
                lines.append(f"| `{path}` | {kind(child)} | {cell(child.get('description', ''))}{req} |")

    walk(schema, "", schema.get("required") or [])
    return "\n".join(lines) + "\n"


def contract_page(
    policy: Policy, case_schema: dict[str, Any], result_schema: dict[str, Any], contract: dict[str, Any]
) -> str:
    """The contract other systems rely on (CONTRACT.md): the case format, the result format,
    and the decisions each request type gives, from the version's contract (``case_schema``
    and ``contract`` are generated from its ``contract:`` section)."""
    version = f"{policy.id} {policy.version}"
    lines = [
        f"# {both(policy, 'site_contract')}\n",
        SOURCE.replace("of the policy", f"of {version}", 1).rstrip("\n")
        + " The result format is `schemas/result.schema.json`.\n",
    ]
    cols = " | ".join(both(policy, k) for k in ("site_col_field", "site_col_type", "site_col_meaning"))
    case_page = case_format_page(case_schema).replace("| field | type | meaning |", f"| {cols} |", 1)
    case_page = case_page.replace(SOURCE + "\n", "", 1)
    lines.append(case_page.replace("# The case format", f"## {both(policy, 'site_contract_case')}", 1))
    lines.append(f"## {both(policy, 'site_contract_result')}\n")
    lines.append((result_schema.get("description") or "") + "\n")
    lines.append(f"| {cols} |\n|---|---|---|")
    for name, node in (result_schema.get("properties") or {}).items():
        kind = node.get("type", "")
        kind = " or ".join(kind) if isinstance(kind, list) else str(kind)
        lines.append(f"| `{name}` | {kind} | {cell(node.get('description', ''))} |")
    lines.append(f"\n## {both(policy, 'site_contract_decisions')}\n")
    for rtype, decisions in (contract.get("request_types") or {}).items():
        name = show(policy, "request.type", rtype, LANG)
        lines.append(f"### {name} · `{rtype}`\n")
        heads = ("site_col_decision", "site_col_id", "site_col_type", "site_col_value")
        lines.append("| " + " | ".join(site_say(policy, k) for k in heads) + " |\n|---|---|---|---|")
        for did, spec in decisions.items():
            value = policy.values.get(did)
            title = f"{value.title.get(LANG)} · {value.title.get('en')}" if value and value.title else did
            values = ", ".join(
                f"`{v}` {value.label(v, LANG) or ''}".rstrip() if value else f"`{v}`" for v in spec.get("values", [])
            )
            link = value_link(value, "", title) if value else title
            lines.append(f"| {link} | `{did}` | {spec.get('type', '')} | {values} |")
        lines.append("")
    return "\n".join(lines) + "\n"
