"""The procedure steps and warnings on the docs site: for each request type, when each step
is called for, by when, and the clauses it follows; and on each clause's page, the steps
that cite it.  Rendered from the compiled policy, as the decisions are."""

from __future__ import annotations

from policykit.docsite.common import LANG, beside, both, cell, cites_cell, header, placeheld, placeheld_both, site_say
from policykit.policy.model import Policy, Step
from policykit.present.catalogue import say
from policykit.present.sentence import outcome_words, parts_condition


def step_anchor(step: Step) -> str:
    return f"step-{step.id}"


def _condition(policy: Policy, step: Step) -> str:
    words = beside(*(cell(parts_condition(policy, step.parts, False, lang)) for lang in (LANG, "en")))
    if step.on_assumption:
        note = beside(
            cell(site_say(policy, "site_step_on_assumption")), cell(say(policy, "site_step_on_assumption", "en"))
        )
        words += f"<br><small>{note}</small>"
    return words


def steps_section(policy: Policy, request_type: str) -> list[str]:
    """The steps and warnings of ``request_type``, in the order of the result."""
    _, actions, warnings = policy.plan(request_type)
    s = site_say
    lines: list[str] = []
    if actions:
        lines += [f"## {both(policy, 'site_steps')}\n", s(policy, "site_steps_intro") + "\n"]
        lines.append(header(policy, "site_col_step", "site_col_condition", "site_col_due", "site_col_cites"))
        for step in actions:
            due = (
                beside(*(cell(outcome_words(policy, step.due.source, lang)) for lang in (LANG, "en")))
                if step.due is not None
                else ""
            )
            lines.append(
                f'| <a id="{step_anchor(step)}"></a>{placeheld_both(policy, step.text)} <small>`{step.id}`</small> | '
                f"{_condition(policy, step)} | {due} | {cites_cell(policy, step.cites)} |"
            )
        lines.append("")
    if warnings:
        lines += [f"## {both(policy, 'site_warnings')}\n", s(policy, "site_warnings_intro") + "\n"]
        lines.append(header(policy, "site_col_warning", "site_col_condition", "site_col_cites"))
        for step in warnings:
            lines.append(
                f'| <a id="{step_anchor(step)}"></a>{placeheld_both(policy, step.text)} <small>`{step.id}`</small> | '
                f"{_condition(policy, step)} | {cites_cell(policy, step.cites)} |"
            )
        lines.append("")
    return lines


def citing_steps(policy: Policy) -> dict[str, list[tuple[str, Step]]]:
    """For each clause, the steps and warnings that cite it, each with the first request
    type it is of (whose page shows it)."""
    types = list(policy.facts["request.type"].values) if "request.type" in policy.facts else []
    out: dict[str, list[tuple[str, Step]]] = {}
    for step in (*policy.actions, *policy.warnings):
        shown = next((t for t in types if not step.applies_to or t in step.applies_to), None)
        if shown is None:
            continue
        for clause in dict.fromkeys(c.clause for c in step.cites):
            out.setdefault(clause, []).append((shown, step))
    return out


def citing_lines(policy: Policy, found: list[tuple[str, Step]]) -> list[str]:
    """The list, on a clause's page, of the steps that cite it."""
    if not found:
        return []
    lines = [f"**{site_say(policy, 'site_steps_citing')}：**\n"]
    for request_type, step in found:
        text = placeheld(policy, step.text)
        english = f'<br><small lang="en">{placeheld(policy, step.text, "en")}</small>'
        lines.append(
            f"- [{text}](../decisions/{request_type}.md#{step_anchor(step)}) <small>`{step.id}`</small>{english}"
        )
    lines.append("")
    return lines
