"""The standard on the docs site, clause by clause: each clause's original and English, the
parameters it sets, the rules and steps that cite it and the interpretations that govern
it, in the site's language with the English under them."""

from __future__ import annotations

from policykit.docsite.common import LANG, both, both_lines, cell, site_say, value_link
from policykit.docsite.rows import rule_condition_cell, rule_outcome_cell
from policykit.docsite.steps import citing_lines, citing_steps
from policykit.policy.model import Policy, Rule, Value
from policykit.policy.policy_data import as_list
from policykit.present.catalogue import say
from policykit.present.links import clause_page


def _citers(policy: Policy) -> dict[str, list[tuple[Value, Rule]]]:
    out: dict[str, list[tuple[Value, Rule]]] = {}
    for value in policy.values.values():
        for rule in (*value.rules, *([value.otherwise] if value.otherwise else [])):
            for cite in rule.every_cite:
                out.setdefault(cite.clause, []).append((value, rule))
    return out


def _clause_titles(policy: Policy) -> dict[str, str]:
    """Each clause's heading: its id, as rules, results and staff cite it, and the last
    part of its section's title (``<id> · <section>``): a count of the clauses of the
    section would not match the standard's own numbering."""
    return {cid: f"{cid} · {clause.section.rpartition('/')[2]}" for cid, clause in policy.clauses.items()}


def _page_titles(policy: Policy) -> dict[str, str]:
    """Each page of the standard by the part of the section's title its clauses share
    (``ops/exchange/conditions`` and ``ops/exchange/procedure`` -> ``exchange``)."""
    sections: dict[str, list[list[str]]] = {}
    for clause in policy.clauses.values():
        sections.setdefault(clause_page(clause.id), []).append(clause.section.split("/"))
    out = {}
    for page, paths in sections.items():
        shared: list[str] = []
        for parts in zip(*paths, strict=False):
            if len(set(parts)) != 1:
                break
            shared.append(parts[0])
        out[page] = (shared or paths[0])[-1]
    return out


def standard_pages(policy: Policy) -> dict[str, str]:
    citers = _citers(policy)
    steps_citing = citing_steps(policy)
    titles = _clause_titles(policy)
    page_titles = _page_titles(policy)
    pages: dict[str, list[str]] = {}
    for clause in policy.clauses.values():
        page = clause_page(clause.id)
        lines = pages.setdefault(page, [f"# {page_titles[page]}\n"])
        lines.append(f'<a id="{clause.id}"></a>\n\n## {titles[clause.id]}\n')
        lines.append(f"<small>`{clause.id}` · {clause.section}</small>\n")
        lines.append(f"| {both(policy, 'site_original')} | {both(policy, 'site_english')} |\n|---|---|")
        lines.append(f"| {cell(clause.zh)} | {cell(clause.en)} |\n")
        params = [p for p in policy.parameters.values() if clause.id in p.cites]
        if params:
            lines.append(
                f"**{site_say(policy, 'site_params_here')}：** "
                + "；".join(
                    (p.description.get(LANG) if p.description else p.name) + f"（`params.{p.name}` = {p.value}）"
                    for p in params
                )
                + f'<br><small lang="en">{say(policy, "site_params_here", "en")}: '
                + "; ".join((p.description.get("en") if p.description else p.name) + f" = {p.value}" for p in params)
                + "</small>\n"
            )
        rules = citers.get(clause.id, [])
        if rules:
            lines.append(f"**{site_say(policy, 'site_rules_citing')}：**\n")
            for value, rule in rules:
                name = value.title.get(LANG) if value.title else value.id
                english = cell(value.title.get("en")) if value.title else value.id
                if rule.index < 0:
                    none = site_say(policy, "none_word")
                    lines.append(
                        f"- {value_link(value, name=name)}：{site_say(policy, 'site_when_no_item')} → {none}"
                        f'<br><small lang="en">{english}: {say(policy, "site_when_no_item", "en")} → '
                        f"{say(policy, 'none_word', 'en')}</small>"
                    )
                else:
                    row = rule.index + 1
                    said = {
                        lang: rule_condition_cell(policy, rule, lang)
                        + " → "
                        + rule_outcome_cell(policy, value, rule, lang)
                        for lang in (LANG, "en")
                    }
                    lines.append(
                        f"- {value_link(value, name=name)} {site_say(policy, 'site_row', n=row)}：{said[LANG]}"
                        f'<br><small lang="en">{english}, {say(policy, "site_row", "en", n=row)}: {said["en"]}</small>'
                    )
            lines.append("")
        lines.extend(citing_lines(policy, steps_citing.get(clause.id, [])))
        governing = sorted(
            {i for value, rule in rules for i in (*value.interpretations, *rule.interpretations)}
            | _governing_beyond_rules(policy, clause.id),
            key=lambda s: int(s.split("-")[1]),
        )
        if governing:
            lines.append(
                f"**{site_say(policy, 'site_governing')}：** "
                + ", ".join(
                    f"[{i} {policy.interpretations[i].title.get('zh')} · {policy.interpretations[i].title.get('en')}]"
                    f"(../interpretations.md#{i.lower()})"
                    for i in governing
                )
                + "\n"
            )
        if clause.informational:
            lines.append(f"*{both_lines(policy, 'site_informational')}*\n")
    return {f"{page}.md": "\n".join(lines) + "\n" for page, lines in pages.items()}


def _governing_beyond_rules(policy: Policy, cid: str) -> set[str]:
    """The interpretations that govern clause ``cid`` other than through a rule citing it:
    the metadata's where the metadata cites it (the policy's status, its SHA-256), the
    calendar's where a parameter counted in working days cites it, and those whose text
    names it in brackets (``(<clause id>)``)."""
    raw = policy.raw if isinstance(policy.raw, dict) else {}
    meta, calendar = raw.get("metadata") or {}, raw.get("calendar") or {}
    found: set[str] = set()
    if cid in (meta.get("cites") or []):
        found |= set(as_list(meta.get("interpretation")))
    if any(cid in p.cites and p.unit == "working_days" for p in policy.parameters.values()):
        found |= set(as_list(calendar.get("interpretation")))
    for iid, meaning in policy.interpretations.items():
        if any(f"({cid})" in text for _, text in meaning.text.by_lang):
            found.add(iid)
    return {i for i in found if i in policy.interpretations}
