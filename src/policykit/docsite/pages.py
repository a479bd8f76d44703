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

from policykit.docsite.calendar import calendar_page
from policykit.docsite.common import (
    LANG,
    beside,
    both,
    both_lines,
    cell,
    cites_cell,
    header,
    placeheld_both,
    site_say,
    value_link,
)
from policykit.docsite.contract import contract_page
from policykit.docsite.facts import facts_section
from policykit.docsite.rows import expressions, rule_condition_both, rule_outcome_both
from policykit.docsite.standard import standard_pages
from policykit.docsite.steps import steps_section
from policykit.errors import PolicykitError
from policykit.policy.model import Policy, Value
from policykit.present.catalogue import say
from policykit.present.links import clause_page
from policykit.present.words import show


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
        lines.append(both_lines(policy, "site_collect_skip" if value.skip_unknown else "site_collect") + "\n")
        lines.append(header(policy, "site_col_item", "site_col_condition", "site_col_cites", "site_col_because"))
        for rule in value.rules:
            lines.append(
                f"| {rule_outcome_both(policy, value, rule)} | {rule_condition_both(policy, rule)} | "
                f"{cites_cell(policy, rule.every_cite)} | {placeheld_both(policy, rule.because)} |"
            )
    else:
        lines.append(both_lines(policy, "site_first_hit") + "\n")
        cols = ("site_col_n", "site_col_condition", "site_col_outcome", "site_col_cites", "site_col_because")
        lines.append(header(policy, *cols))
        for rule in value.rules:
            lines.append(
                f"| {rule.index + 1} | {rule_condition_both(policy, rule)} | "
                f"{rule_outcome_both(policy, value, rule)} | "
                f"{cites_cell(policy, rule.every_cite)} | {placeheld_both(policy, rule.because)} |"
            )
    lines.append("")
    lines.extend(expressions(policy, value))
    return lines


def decision_pages(policy: Policy) -> dict[str, str]:
    types = list(policy.facts["request.type"].values) if "request.type" in policy.facts else []
    pages = {}
    for rtype in types:
        decisions = policy.decisions_for(rtype)
        name = show(policy, "request.type", rtype, LANG)
        english = show(policy, "request.type", rtype, "en")
        lines = [
            f"# {site_say(policy, 'site_decisions_of', type=name)} · "
            f"{say(policy, 'site_decisions_of', 'en', type=english)}\n",
            beside(
                site_say(policy, "site_decisions_intro", type=name),
                say(policy, "site_decisions_intro", "en", type=english),
            )
            + "\n",
        ]
        for value in decisions:
            lines.extend(_table(policy, value))
        lines.extend(steps_section(policy, rtype))
        lines.extend(facts_section(policy, decisions))
        pages[f"decisions/{rtype}.md"] = "\n".join(lines) + "\n"
    derived = [v for v in policy.values.values() if not v.output]
    lines = [
        f"# {both(policy, 'site_derived')}\n",
        site_say(policy, "site_derived_intro") + "\n",
    ]
    for value in derived:
        lines.extend(_table(policy, value))
    pages["decisions/derived.md"] = "\n".join(lines) + "\n"
    return pages


def interpretations_page(policy: Policy) -> str:
    users: dict[str, list[str]] = {}
    for value in policy.values.values():
        for i in value.interpretations:
            users.setdefault(i, []).append(value_link(value))
        for rule in value.rules:
            for i in rule.interpretations:
                users.setdefault(i, []).append(f"{value_link(value)} row {rule.index + 1}")
    lines = [
        f"# {both(policy, 'site_interpretations')}\n",
        site_say(policy, "site_interpretations_intro") + "\n",
        say(policy, "site_interpretations_intro", "en") + "\n",
    ]
    for key, item in policy.interpretations.items():
        lines.append(f'<a id="{key.lower()}"></a>\n\n## {key} {item.title.get("zh")} · {item.title.get("en")}\n')
        lines.append(item.text.get("zh") + "\n")
        lines.append(item.text.get("en") + "\n")
        if users.get(key):
            lines.append(f"**{site_say(policy, 'site_applied_by')}：** " + ", ".join(dict.fromkeys(users[key])) + "\n")
    return "\n".join(lines).replace("(../decisions/", "(decisions/") + "\n"


def _result_table(policy: Policy, result: Any, english: Any) -> list[str]:
    """A result's decisions in words: title, value (by its label), the clauses cited; the
    same result in English (``english``) under each."""
    lines = [header(policy, "site_col_decision", "site_col_value", "site_col_cites")]
    for d, e in zip(result.decisions, english.decisions, strict=True):
        cites = ", ".join(f"[{c.clause}](../{clause_page(c.clause)}.md#{c.clause})" for c in d.cites)
        title = beside(cell(d.title), cell(e.title))
        value = beside(cell(_shown(policy, d, LANG)), cell(_shown(policy, e, "en")))
        lines.append(f"| {title} <small>`{d.id}`</small> | {value} | {cites.replace('../', '')} |")
    if result.missing:
        lines.append("")
        lines.append(f"{site_say(policy, 'site_still_to_ask')}：" + "；".join(m.question for m in result.missing))
        lines.append("")
        asked = "; ".join(m.question for m in english.missing)
        lines.append(f'<small lang="en">{say(policy, "site_still_to_ask", "en")}: {cell(asked)}</small>')
    return lines


def _shown(policy: Policy, decision: Any, lang: str) -> str:
    if not decision.decided:
        return policy.message("unknown_value", lang)
    if decision.value is None:
        return policy.message("not_applicable", lang)
    return show(policy, decision.id, decision.value, lang)


def examples_page(
    policy: Policy,
    examples: Iterable[Path],
    tests_dir: Path | None,
    as_of: date,
    failures: list[str] | None = None,
) -> str:
    """The worked examples decided under ``policy`` and the policy tests written for it
    (the test files that name this version); each failure is also added to ``failures``."""
    from policykit.engine.case import read_case
    from policykit.evaluator import evaluate
    from policykit.tools.policytest import load_all, run_test
    from policykit.tools.testcmd import shown

    lines = [
        f"# {both(policy, 'site_examples')}\n",
        site_say(
            policy,
            "site_examples_intro",
            as_of=as_of.isoformat(),
            policy=policy.id,
            version=policy.version,
            sha=policy.sha256[:12],
        )
        + "\n",
    ]
    for path in examples:
        case = json.loads(path.read_text(encoding="utf-8"))
        try:
            result = evaluate(policy, read_case(policy, case), as_of, LANG)
            english = evaluate(policy, read_case(policy, case), as_of, "en")
        except PolicykitError as exc:
            if failures is not None:
                failures.extend(f"{path}: {policy.version}: {d.format()}" for d in exc.diagnostics)
            continue
        kind = result.request_type
        said = f"{show(policy, 'request.type', kind, LANG)} · {show(policy, 'request.type', kind, 'en')}"
        lines.append(f"## {said} · `{path.name}`\n")  # (the file: two examples of a type differ)
        lines.append(f'??? example "{site_say(policy, "site_case_file", name=path.name)}"\n')
        lines.append("    ```json")
        lines.extend("    " + line for line in json.dumps(case, ensure_ascii=False, indent=2).splitlines())
        lines.append("    ```\n")
        lines.extend(_result_table(policy, result, english))
        lines.append("")
    if tests_dir is not None and tests_dir.is_dir():
        files, problems = load_all([tests_dir])
        if failures is not None:
            failures.extend(d.format() for d in problems)
        files = [tf for tf in files if _tests_version(tf.policy, policy)]
        heading = f"## {both(policy, 'site_tests')}\n"
        lines.append(heading)
        lines.append(site_say(policy, "site_tests_intro") + "\n")
        lines.append(
            "| "
            + " | ".join(site_say(policy, k) for k in ("site_col_result", "site_col_file", "site_col_test"))
            + " |\n|---|---|---|"
        )
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
                    + "; ".join(
                        f"{m.what}: expected {shown(m.expected)}, got {shown(m.actual, 120)}"
                        for m in outcome.mismatches
                    )
                )
                lines.append(f"| {cell(mark)} | `{Path(test.file).name}:{test.line}` | {cell(test.title)} |")
                if not outcome.passed and failures is not None:
                    failures.append(f"{test.file}:{test.line}: {policy.version}: {test.title}: {mark}")
        lines.insert(
            lines.index(heading) + 1, site_say(policy, "site_tests_pass", passed=total - failed, total=total) + "\n"
        )
    return "\n".join(lines) + "\n"


def _tests_version(named: Path, policy: Policy) -> bool:
    """Whether a test file's policy is ``policy`` (the same file)."""
    try:
        return named.resolve() == Path(policy.file).resolve()
    except OSError:
        return False


def versions_page(policies: list[Policy]) -> str:
    """The versions of the set: each with its status, day in force, what it supersedes, its
    sign-offs (one line each) and its full SHA-256 (the arbitration text, INT-17), then
    the changes each made."""
    first = policies[0] if policies else None
    lines = [f"# {both(first, 'site_versions')}\n" if first else "# Versions\n"]
    if first is not None:
        lines.append(site_say(first, "site_versions_intro") + " " + say(first, "site_versions_intro", "en") + "\n")
    for p in policies:
        meta = p.metadata
        approvals = meta.get("approvals") or {}
        status = f"{p.message(f'status_{p.status}', 'zh')} · {p.message(f'status_{p.status}', 'en')}"
        blank = f'*{site_say(p, "site_blank")}* <small lang="en">{say(p, "site_blank", "en")}</small>'
        lines.append(f"## {p.version} · {status}\n")
        lines.append(f"| {both(p, 'site_col_item')} | {both(p, 'site_col_value')} |\n|---|---|")
        lines.append(f"| {both(p, 'site_effective_from')} | {meta.get('effective_from') or blank} |")
        lines.append(f"| {both(p, 'site_supersedes')} | {meta.get('supersedes') or '-'} |")
        for key in approvals:  # the company's roles, each by its words where the policy or policykit has them
            lines.append(f"| {p.message(key, 'zh')} · {p.message(key, 'en')} | {approvals.get(key) or blank} |")
        lines.append(f"| SHA-256 | `{p.sha256}` |\n")
    from policykit.tools.diff import diff_policies
    from policykit.tools.diff_text import readable, row_line

    by_version = {p.version: p for p in policies}
    for older, new in itertools.pairwise(policies):
        old = by_version.get(str(new.metadata.get("supersedes")), older)
        changes = diff_policies(old, new)
        lines.append(f"\n## {both(new, 'site_changes', old=old.version, new=new.version)}\n")
        lines.append("| section | what | change |\n|---|---|---|")
        for c in changes:
            shown = row_line if c.section == "rules" and c.rows is None else readable
            what = c.detail or {"added": f"{shown(c.new)}", "removed": f"{shown(c.old)}"}.get(
                c.kind, f"{shown(c.old)} → {shown(c.new)}"
            )
            lines.append(f"| {c.section} | `{c.key}` | {c.kind}: {cell(what)} |")
    return "\n".join(lines) + "\n"


def pages(
    policy: Policy,
    examples: Iterable[Path],
    tests_dir: Path | None,
    as_of: date,
    versions: list[Policy],
    case_schema: dict[str, Any],
    result_schema: dict[str, Any] | None = None,
    contract: dict[str, Any] | None = None,
    failures: list[str] | None = None,
) -> dict[str, str]:
    """Every generated page: path under docs/ -> Markdown (a failing example or test is
    added to ``failures``)."""
    out = standard_pages(policy)
    out.update(decision_pages(policy))
    out["interpretations.md"] = interpretations_page(policy)
    out["calendar.md"] = calendar_page(policy)
    out["examples.md"] = examples_page(policy, examples, tests_dir, as_of, failures)
    out["versions.md"] = versions_page(versions)
    out["contract.md"] = contract_page(policy, case_schema, result_schema or {}, contract or {})
    return out


def version_pages(
    policy: Policy, examples: Iterable[Path], tests_dir: Path | None, as_of: date, failures: list[str]
) -> dict[str, str]:
    """The pages of one version that is not the default: its standard, decisions,
    interpretations, and its examples and tests (relative links stay inside the version)."""
    out = standard_pages(policy)
    out.update(decision_pages(policy))
    out["interpretations.md"] = interpretations_page(policy)
    out["calendar.md"] = calendar_page(policy)
    out["examples.md"] = examples_page(policy, examples, tests_dir, as_of, failures)
    return out
