"""The docs site's generated pages, rendered from a compiled policy as Markdown.

``docs/hooks.py`` (an MkDocs hook) calls :func:`pages` at build time, so that the site
always shows the policy that decides: the standard clause by clause, the decision tables
per request type, worked examples evaluated at build time, the interpretations and the
versions.  Nothing generated here is committed.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterable
from datetime import date
from pathlib import Path
from typing import Any

from policykit.lang.values import Unknown
from policykit.policy.model import Policy, Rule, Value
from policykit.policy.status import APPROVALS
from policykit.present.links import clause_page


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _code(text: str) -> str:
    return "`" + text.replace("`", "'") + "`"


def _rule_condition(rule: Rule) -> str:
    if not rule.parts:
        return "*(otherwise)*"
    joiner = " **or** " if rule.any_of else " **and** "
    return joiner.join(_code(p.source) for p in rule.parts)


def _rule_outcome(rule: Rule) -> str:
    if rule.outcome is not None:
        return _code(rule.outcome.source)
    if isinstance(rule.value, Unknown):
        return "*undecided: ask for* " + ", ".join(_code(name) for name in sorted(rule.value.facts))
    return _code(json.dumps(rule.value, ensure_ascii=False))


def _cites(rule: Rule) -> str:
    out = []
    for cite in rule.every_cite:
        link = f"[{cite.clause}](../{clause_page(cite.clause)}.md#{cite.clause})"
        out.append(link + (f" (when {_code(cite.when.source)})" if cite.when is not None else ""))
    return ", ".join(out)


def _citers(policy: Policy) -> dict[str, list[tuple[Value, Rule]]]:
    out: dict[str, list[tuple[Value, Rule]]] = {}
    for value in policy.values.values():
        for rule in (*value.rules, *([value.otherwise] if value.otherwise else [])):
            for cite in rule.every_cite:
                out.setdefault(cite.clause, []).append((value, rule))
    return out


def _value_link(value: Value, depth: str = "../") -> str:
    if value.output and value.applies_to:
        return f"[{value.id}]({depth}decisions/{value.applies_to[0]}.md#{value.id})"
    return f"[{value.id}]({depth}decisions/derived.md#{value.id})"


def standard_pages(policy: Policy) -> dict[str, str]:
    citers = _citers(policy)
    pages: dict[str, list[str]] = {}
    for clause in policy.clauses.values():
        page = clause_page(clause.id)
        lines = pages.setdefault(page, [f"# {clause.section}\n"])
        lines.append(f'<a id="{clause.id}"></a>\n\n## {clause.id}\n')
        lines.append(f"| {policy.message('original', 'zh')} | English |\n|---|---|")
        lines.append(f"| {_cell(clause.zh)} | {_cell(clause.en)} |\n")
        params = [p for p in policy.parameters.values() if clause.id in p.cites]
        if params:
            lines.append(
                "**Parameters set here:** "
                + "; ".join(f"`params.{p.name}` = {p.value} {p.unit.replace('_', ' ')}" for p in params)
                + "\n"
            )
        rules = citers.get(clause.id, [])
        if rules:
            lines.append("**Rules that cite it:**\n")
            for value, rule in rules:
                if rule.index < 0:
                    lines.append(f"- {_value_link(value)} when no item holds → `[]`")
                else:
                    lines.append(
                        f"- {_value_link(value)} row {rule.index + 1}: {_rule_condition(rule)} → {_rule_outcome(rule)}"
                    )
            lines.append("")
        governing = sorted(
            {i for value, rule in rules for i in (*value.interpretations, *rule.interpretations)},
            key=lambda s: int(s.split("-")[1]),
        )
        if governing:
            lines.append(
                "**Interpretations that govern it:** "
                + ", ".join(
                    f"[{i} {policy.interpretations[i].title.get('zh')}](../interpretations.md#{i.lower()})"
                    for i in governing
                )
                + "\n"
            )
        if clause.informational:
            lines.append("*Informational: no rule applies this clause.*\n")
    return {f"{page}.md": "\n".join(lines) + "\n" for page, lines in pages.items()}


def _facts_read(policy: Policy, values: Iterable[Value]) -> list[str]:
    seen: list[str] = []
    stack = list(values)
    visited: set[str] = set()
    while stack:
        value = stack.pop(0)
        if value.id in visited:
            continue
        visited.add(value.id)
        for rule in value.rules:
            for compiled in (*rule.parts, *([rule.outcome] if rule.outcome else [])):
                for name in sorted(compiled.names):
                    if name in policy.facts and name not in seen:
                        seen.append(name)
                    elif name in policy.values:
                        stack.append(policy.values[name])
    return [name for name in policy.facts if name in seen]


def _table(policy: Policy, value: Value) -> list[str]:
    lines = [
        f'<a id="{value.id}"></a>\n\n## {value.title.get("zh") if value.title else value.id} · '
        f"{value.title.get('en') if value.title else ''}\n",
        f"`{value.id}`: {value.type}" + (f" ({', '.join(value.values)})" if value.values else ""),
    ]
    if value.interpretations:
        lines[-1] += " · " + ", ".join(f"[{i}](../interpretations.md#{i.lower()})" for i in value.interpretations)
    lines.append("")
    if value.kind == "collect":
        lines.append(
            "Collects every item whose condition holds"
            + (" (items whose condition is unknown are left out)" if value.skip_unknown else "")
            + ".\n"
        )
        lines.append("| item | condition | cites | because |\n|---|---|---|---|")
        for rule in value.rules:
            lines.append(
                f"| `{rule.value}` | {_rule_condition(rule)} | {_cites(rule)} | "
                f"{_cell(rule.because.get('zh') if rule.because else '')} |"
            )
    else:
        lines.append("First matching row decides.\n")
        lines.append("| # | condition | outcome | cites | because |\n|---|---|---|---|---|")
        for rule in value.rules:
            lines.append(
                f"| {rule.index + 1} | {_rule_condition(rule)} | {_rule_outcome(rule)} | {_cites(rule)} | "
                f"{_cell(rule.because.get('zh') if rule.because else '')} |"
            )
    lines.append("")
    return lines


def decision_pages(policy: Policy) -> dict[str, str]:
    types = list(policy.facts["request.type"].values) if "request.type" in policy.facts else []
    pages = {}
    for rtype in types:
        decisions = policy.decisions_for(rtype)
        lines = [f"# Decisions: {rtype}\n", f"The decisions of a `{rtype}` request, in the order of the result.\n"]
        for value in decisions:
            lines.extend(_table(policy, value))
        facts = _facts_read(policy, decisions)
        lines.append("## Facts, defaults and questions\n")
        lines.append("| fact | type | default | why the default | question when missing |\n|---|---|---|---|---|")
        for name in facts:
            fact = policy.facts[name]
            default = json.dumps(fact.default, ensure_ascii=False) if fact.has_default else "*(unknown)*"
            reason = fact.default_reason.get("zh") if fact.default_reason else ""
            question = fact.question.get("zh") if fact.question else ""
            lines.append(f"| `{name}` | {fact.type} | {default} | {_cell(reason)} | {_cell(question)} |")
        pages[f"decisions/{rtype}.md"] = "\n".join(lines) + "\n"
    derived = [v for v in policy.values.values() if not v.output]
    lines = ["# Derived values\n", "Values the decisions share; shown by `--explain`, not part of the result.\n"]
    for value in derived:
        lines.extend(_table(policy, value))
    pages["decisions/derived.md"] = "\n".join(lines) + "\n"
    return pages


def interpretations_page(policy: Policy) -> str:
    users: dict[str, list[str]] = {}
    for value in policy.values.values():
        for i in value.interpretations:
            users.setdefault(i, []).append(_value_link(value))
        for rule in value.rules:
            for i in rule.interpretations:
                users.setdefault(i, []).append(f"{_value_link(value)} row {rule.index + 1}")
    lines = [
        "# Interpretations\n",
        "Where the standard is silent or ambiguous, the product adopts these readings (STANDARD.md). "
        "Each sits on the rules it governs.\n",
    ]
    for key, item in policy.interpretations.items():
        lines.append(f'<a id="{key.lower()}"></a>\n\n## {key} {item.title.get("zh")} · {item.title.get("en")}\n')
        lines.append(item.text.get("zh") + "\n")
        lines.append(item.text.get("en") + "\n")
        if users.get(key):
            lines.append("**Applied by:** " + ", ".join(dict.fromkeys(users[key])) + "\n")
    return "\n".join(lines).replace("(../decisions/", "(decisions/") + "\n"


def _result_table(result: dict[str, Any]) -> list[str]:
    lines = ["| decision | value | cites |", "|---|---|---|"]
    for did, body in result["decisions"].items():
        value = json.dumps(body["value"], ensure_ascii=False)
        lines.append(f"| `{did}` | `{value}` | {', '.join(c['clause'] for c in body['cites'])} |")
    if result["missing"]:
        lines.append("")
        lines.append("Still to ask: " + "; ".join(f"`{m['fact']}` ({m['question']})" for m in result["missing"]))
    return lines


def examples_page(policy: Policy, examples: Iterable[Path], tests_dir: Path | None, as_of: date) -> str:
    from policykit.engine.case import read_case
    from policykit.evaluator import evaluate
    from policykit.tools.policytest import load_all, run_test

    lines = [
        "# Worked examples\n",
        f"Evaluated when this site was built, with `--as-of {as_of.isoformat()}`, "
        f"under {policy.id} {policy.version} (sha256 `{policy.sha256[:12]}…`).\n",
    ]
    for path in examples:
        case = json.loads(path.read_text(encoding="utf-8"))
        result = evaluate(policy, read_case(policy, case), as_of).to_dict()
        lines.append(f"## {path.stem}: {case['request']['type']}\n")
        lines.append(f'??? example "Case `{path.name}`"\n')
        lines.append("    ```json")
        lines.extend("    " + line for line in json.dumps(case, ensure_ascii=False, indent=2).splitlines())
        lines.append("    ```\n")
        lines.extend(_result_table(result))
        lines.append("")
    if tests_dir is not None and tests_dir.is_dir():
        files, _ = load_all([tests_dir])
        lines.append("## Policy tests\n")
        lines.append("Every policy test, run against the policy when this site was built.\n")
        lines.append("| result | file | test |\n|---|---|---|")
        total = failed = 0
        for tf in files:
            for test in tf.tests:
                outcome = run_test(policy, test)
                total += 1
                failed += not outcome.passed
                mark = (
                    "✅ pass"
                    if outcome.passed
                    else "❌ FAIL: "
                    + "; ".join(f"{m.what}: expected {m.expected}, got {m.actual}" for m in outcome.mismatches)
                )
                lines.append(f"| {_cell(mark)} | `{Path(test.file).name}:{test.line}` | {_cell(test.title)} |")
        lines.insert(lines.index("## Policy tests\n") + 1, f"**{total - failed} of {total} pass.**\n")
    return "\n".join(lines) + "\n"


def versions_page(policies: list[Policy]) -> str:
    heads = " | ".join(policies[0].message(k, "zh") for k in APPROVALS) if policies else ""
    lines = [
        "# Versions\n",
        f"| version | status | effective from | supersedes | {heads} | sha256 |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for p in policies:
        meta = p.metadata
        approvals = meta.get("approvals") or {}
        sign = [approvals.get(k) or "*(blank)*" for k in APPROVALS]
        lines.append(
            f"| {p.version} | {p.status} | {meta.get('effective_from') or '*(blank)*'} | "
            f"{meta.get('supersedes') or '-'} | {' | '.join(sign)} | `{p.sha256[:12]}…` |"
        )
    from policykit.tools.diff import diff_policies

    for old, new in itertools.pairwise(policies):
        changes = diff_policies(old, new)
        lines.append(f"\n## Changes from {old.version} to {new.version}\n")
        lines.append("| section | what | change |\n|---|---|---|")
        for c in changes:
            what = c.detail or f"{_short(c.old)} → {_short(c.new)}"
            lines.append(f"| {c.section} | `{c.key}` | {_cell(what)} |")
    return "\n".join(lines) + "\n"


def _short(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False) if not isinstance(value, str) else value
    return text if len(text) <= 80 else text[:79] + "…"


def case_format_page(schema: dict[str, Any]) -> str:
    lines = [
        "# The case format\n",
        schema.get("description", "") + "\n",
        "Rendered from `schemas/case.schema.json`.\n",
        "| field | type | meaning |",
        "|---|---|---|",
    ]

    def kind(node: dict[str, Any]) -> str:
        if "enum" in node:
            return " \\| ".join(f"`{v}`" for v in node["enum"] if v is not None)
        if "$ref" in node:
            return "date" if node["$ref"].endswith("date") else "`express` \\| `freight`"
        if "anyOf" in node:
            return " or ".join(kind(n) for n in node["anyOf"] if n.get("type") != "null")
        types = node.get("type")
        if isinstance(types, list):
            types = [t for t in types if t != "null"]
            types = types[0] if len(types) == 1 else ", ".join(types)
        extra = []
        if "minimum" in node:
            extra.append(f"≥ {node['minimum']}")
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
                lines.append(f"| `{path}` | list of {{{fields}}} | {_cell(child.get('description', ''))}{req} |")
            else:
                lines.append(f"| `{path}` | {kind(child)} | {_cell(child.get('description', ''))}{req} |")

    walk(schema, "", schema.get("required") or [])
    return "\n".join(lines) + "\n"


def pages(
    policy: Policy,
    examples: Iterable[Path],
    tests_dir: Path | None,
    as_of: date,
    versions: list[Policy],
    case_schema: dict[str, Any],
) -> dict[str, str]:
    """Every generated page: path under docs/ -> Markdown."""
    out = standard_pages(policy)
    out.update(decision_pages(policy))
    out["interpretations.md"] = interpretations_page(policy)
    out["examples.md"] = examples_page(policy, examples, tests_dir, as_of)
    out["versions.md"] = versions_page(versions)
    out["case-format.md"] = case_format_page(case_schema)
    return out
