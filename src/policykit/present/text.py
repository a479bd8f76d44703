"""The result for a person: decisions first, then the steps, the questions, the clauses."""

from __future__ import annotations

import unicodedata
from datetime import date
from typing import Any

from policykit.policy.model import Policy
from policykit.present.result import CitedClause, Result
from policykit.present.words import fmt as _plain


def _value(policy: Policy, decision: Any, lang: str) -> str:
    if not decision.decided:
        return "?  (" + "; ".join(decision.because) + ")"
    value = decision.value
    if value is None:
        return policy.message("not_applicable", lang)
    if isinstance(value, bool):
        return policy.message("yes_word" if value else "no_word", lang)
    if isinstance(value, date):
        return value.isoformat()
    target = policy.values.get(decision.id)
    if isinstance(value, list):
        if not value:
            return "-"
        return ", ".join(f"{target.label(v, lang) or v} [{v}]" if target else str(v) for v in value)
    if decision.label:
        return f"{decision.label} [{value}]"
    return str(value)


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * max(0, width - _width(text))


def render_text(policy: Policy, result: Result, lang: str) -> str:
    lines: list[str] = []
    head = (
        f"{policy.message('case', lang)} {result.case_id or '-'} · {result.request_type} · "
        f"{policy.message('policy', lang)} {result.policy.id} {result.policy.version} ({result.policy.status})"
    )
    lines.append(head)
    if result.warnings:
        lines.append("")
        lines.append(f"{policy.message('warnings', lang)}:")
        lines.extend(f"  ! {w}" for w in result.warnings)
    lines.append("")
    lines.append(f"{policy.message('decisions', lang)}:")
    width = max((_width(d.title) for d in result.decisions), default=0)
    for d in result.decisions:
        ids = ", ".join(c.clause for c in d.cites)
        mark = f" ({d.assumed_note})" if d.decided and d.assumed_note else ""
        lines.append(f"  {_pad(d.title, width)}  {_value(policy, d, lang)}{mark}" + (f"   ⟨{ids}⟩" if ids else ""))
        if d.decided:
            lines.extend(f"  {' ' * width}    - {b}" for b in d.because if b and b != d.assumed_note)
    if result.actions:
        lines.append("")
        lines.append(f"{policy.message('actions', lang)}:")
        for i, action in enumerate(result.actions, 1):
            due = f"  [{policy.message('due', lang)} {action.due.isoformat()}]" if action.due else ""
            ids = ", ".join(c.clause for c in action.cites)
            lines.append(f"  {i}. {action.text}{due}   ⟨{ids}⟩")
    if result.missing:
        lines.append("")
        lines.append(f"{policy.message('missing', lang)}:")
        for m in result.missing:
            lines.append(
                f"  ? {m.question}  ({m.fact}; {policy.message('needed_for', lang)} {', '.join(m.needed_for)})"
            )
    if result.assumed:
        lines.append("")
        lines.append(f"{policy.message('assumed', lang)}:")
        for fact in result.assumed:
            shown = _plain(policy, fact.value, lang)
            lines.append(f"  ~ {fact.fact} = {shown}: {fact.reason}  ({', '.join(fact.needed_for)})")
    cited: dict[str, CitedClause] = {}
    for d in result.decisions:
        for c in d.cites:
            cited.setdefault(c.clause, c)
    for a in result.actions:
        for c in a.cites:
            cited.setdefault(c.clause, c)
    if cited:
        lines.append("")
        lines.append(f"{policy.message('citations', lang)}:")
        for c in sorted(cited.values(), key=lambda c: policy.clauses[c.clause].line):
            lines.append(f"  [{c.clause}] {c.text}")
            lines.append(f"  {' ' * (len(c.clause) + 2)} {c.en}")
            if c.url:
                lines.append(f"  {' ' * (len(c.clause) + 2)} {c.url}")
    return "\n".join(lines) + "\n"
