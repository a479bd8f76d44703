"""``--explain``: every rule considered for every value, each part's truth, and who decided."""

from __future__ import annotations

from datetime import date
from typing import Any

from policykit.lang.values import Unknown
from policykit.policy.model import Policy
from policykit.present.result import DecisionResult, Result

MARKS = {True: "yes", False: "no"}


def _show(value: Any) -> str:
    if isinstance(value, Unknown):
        return "unknown (" + ", ".join(sorted(value.facts)) + ")"
    if isinstance(value, bool):
        return MARKS[value]
    if isinstance(value, date):
        return value.isoformat()
    if value is None:
        return "null"
    if isinstance(value, list):
        return "[" + ", ".join(_show(v) for v in value) + "]"
    return repr(value) if isinstance(value, str) else str(value)


def _explain_one(policy: Policy, d: DecisionResult, lines: list[str]) -> None:
    kind = "decision" if d.output else "derived"
    value = _show(d.value) if d.decided else "undecided"
    interp = f"  ({', '.join(d.interpretations)})" if d.interpretations else ""
    lines.append(f"{d.id} = {value}   [{kind}: {d.title}]{interp}")
    definition = policy.values[d.id]
    for rt in d.rules:
        rule = definition.rules[rt.index]
        holds = rt.holds
        mark = "?" if isinstance(holds, Unknown) else ("✓" if holds else "✗")
        what = "item" if definition.kind == "collect" else "row"
        outcome = f" -> {_show(rt.outcome)}" if (isinstance(holds, Unknown) or holds) else ""
        lines.append(f"  {mark} {what} {rt.index + 1} (line {rt.line}){outcome}")
        if not rt.parts:
            lines.append("      (no condition: always holds)" if rule.parts == () else "")
        joiner = "any of" if rt.any_of else "all of"
        if len(rt.parts) > 1:
            lines.append(f"      {joiner}:")
        for part in rt.parts:
            lines.append(f"        {_show(part.value):<10} {part.source}")
    if d.decided:
        cites = ", ".join(c.clause for c in d.cites)
        lines.append(f"  => {value}" + (f"  cites {cites}" if cites else ""))
        lines.extend(f"     because {reason}" for reason in d.because if reason)
    else:
        lines.append(f"  => undecided: {'; '.join(d.because)}")
    for name, val in d.params:
        lines.append(f"  param {name} = {_show(val)}")


def render_explain(policy: Policy, result: Result) -> str:
    lines: list[str] = [
        f"Explanation for case {result.case_id or '-'} ({result.request_type}), "
        f"policy {result.policy.id} {result.policy.version}, as of {result.as_of.isoformat()}",
        "",
    ]
    for d in result.trace:
        _explain_one(policy, d, lines)
        lines.append("")
    return "\n".join(lines)


def explain_json(result: Result) -> list[dict[str, Any]]:
    """``--explain --format json``: each value worked out, with the rows considered."""
    return [
        {
            "id": d.id,
            "value": _show(d.value) if d.decided else None,
            "decided": d.decided,
            "rules": [
                {
                    "row": r.index + 1,
                    "line": r.line,
                    "holds": _show(r.holds),
                    "parts": [{"condition": p.source, "value": _show(p.value)} for p in r.parts],
                }
                for r in d.rules
            ],
            "params": {n: v for n, v in d.params},
        }
        for d in result.trace
    ]
