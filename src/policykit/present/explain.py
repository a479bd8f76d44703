"""``--explain``: every rule considered for every value, each part's truth in words, and
who decided, in the result's language."""

from __future__ import annotations

from typing import Any

from policykit.engine.case import Case
from policykit.lang.dates import date
from policykit.lang.values import Unknown
from policykit.policy.model import Policy
from policykit.present.calendar_notes import counted, day_name
from policykit.present.catalogue import say
from policykit.present.layout import width, wrap
from policykit.present.result import DecisionResult, Result, jsonable
from policykit.present.sentence import condition, rule_condition, title
from policykit.present.words import show

MARKS = {True: "✓", False: "✗"}


def _show(policy: Policy, name: str, value: Any, lang: str) -> str:
    if isinstance(value, Unknown):
        facts = say(policy, "list_sep", lang).join(title(policy, f, lang) for f in sorted(value.facts))
        return say(policy, "explain_unknown", lang, facts=facts)
    if isinstance(value, date):
        return value.isoformat()
    return show(policy, name, value, lang)


Line = str | tuple[str, str]
"""A line of the explanation, or a condition's part in words with its expression beside it."""


def _explain_one(
    policy: Policy, result: Result, d: DecisionResult, lang: str, lines: list[Line], case: Case | None
) -> None:
    def s(key: str, **fields: object) -> str:
        return say(policy, key, lang, **fields)

    kind = s("explain_decision" if d.output else "explain_derived")
    value = _show(policy, d.id, d.value, lang) if d.decided else s("unknown_value")
    interp = f"  ({', '.join(d.interpretations)})" if d.interpretations else ""
    lines.append(f"{d.title} = {value}   [{kind}: {d.id}]{interp}")
    definition = policy.values[d.id]
    for rt in d.rules:
        rule = definition.rules[rt.index]
        holds = rt.holds
        mark = "?" if isinstance(holds, Unknown) else MARKS[bool(holds)]
        what = "explain_item" if definition.kind == "collect" else "explain_row"
        outcome = ""
        if isinstance(holds, Unknown) or holds:
            outcome = " → " + _show(policy, d.id, rt.outcome, lang)
        lines.append(f"  {mark} {s(what, n=rt.index + 1, line=rt.line)}{outcome}")
        if not rt.parts:
            lines.append("      " + s("explain_always"))
            continue
        if len(rt.parts) > 1:  # the whole condition, then each part
            lines.append("      " + rule_condition(policy, rule, lang))
            lines.append("      " + s("explain_any" if rt.any_of else "explain_all"))
        for part in rt.parts:
            shown = (
                "?" if isinstance(part.value, Unknown) else MARKS.get(part.value, _show(policy, "", part.value, lang))
            )
            lines.append((f"        {shown}  {condition(policy, part.source, lang)}", f"({part.source})"))
    if d.decided:
        cites = ", ".join(c.clause for c in d.cites)
        lines.append(
            "  ⇒ " + s("explain_gives", value=value) + ("  " + s("explain_cites", clauses=cites) if cites else "")
        )
        lines.extend("     " + s("explain_because", reason=reason) for reason in d.because if reason)
    else:
        lines.append("  ⇒ " + s("explain_undecided", reason="; ".join(d.because)))
    for name, val in d.params:
        lines.append("  " + s("explain_param", name=name, value=_show(policy, "", val, lang)))
    found = counted(policy, result, d, case)
    for named in found.named if found else ():
        key = "explain_calendar_off" if named.off else "explain_calendar_worked"
        cites = "  " + s("explain_cites", clauses=", ".join(named.cites)) if named.cites else ""
        lines.append("  " + s(key, day=day_name(policy, named, lang)) + cites)


def render_explain(
    policy: Policy, result: Result, lang: str = "en", case: Case | None = None, columns: int | None = None
) -> str:
    """Every value worked out for ``result``, in ``lang`` (with ``case``, the policy's own
    calendar days a working-day deadline counted over, each with its name and reason); with
    ``columns``, each line wrapped to them, its continuation indented under it."""
    lines: list[Line] = [
        say(
            policy,
            "explain_title",
            lang,
            case=result.case_id or "-",
            request=show(policy, "request.type", result.request_type, lang),
            policy=result.policy.id,
            version=result.policy.version,
            as_of=result.as_of.isoformat(),
        ),
        "",
    ]
    for d in result.trace:
        _explain_one(policy, result, d, lang, lines, case)
        lines.append("")
    return "\n".join(_laid_out(lines, columns))


def _laid_out(lines: list[Line], columns: int | None) -> list[str]:
    """Each line in ``columns`` (None: as it is), its continuation indented four more than
    it; a part whose expression does not fit beside its words has it on the next line."""
    out: list[str] = []
    for line in lines:
        if isinstance(line, tuple):
            words, source = line
            joined = f"{words}   {source}"
            if columns is None or width(joined) <= columns:
                out.append(joined)
                continue
            lead = len(words) - len(words.lstrip(" "))
            out.extend(_wrapped(words, columns))
            out.extend(_wrapped(" " * (lead + 3) + source, columns))
        elif columns is None or width(line) <= columns:
            out.append(line)
        else:
            out.extend(_wrapped(line, columns))
    return out


def _wrapped(line: str, columns: int) -> list[str]:
    """``line`` in ``columns``, its continuation indented four more than it."""
    if width(line) <= columns:
        return [line]
    lead = len(line) - len(line.lstrip(" "))
    first, *rest = wrap(line[lead:], columns - lead - 4)
    return [" " * lead + first, *(" " * (lead + 4) + piece for piece in rest)]


def _typed(value: Any) -> Any:
    """A value as JSON gives it (``decisions`` does the same); unknown is null."""
    return None if isinstance(value, Unknown) else jsonable(value)


def explain_json(result: Result) -> list[dict[str, Any]]:
    """``--explain --format json``: each value worked out, typed, with the rows considered."""
    return [
        {
            "id": d.id,
            "value": _typed(d.value) if d.decided else None,
            "decided": d.decided,
            "rules": [
                {
                    "row": r.index + 1,
                    "line": r.line,
                    "holds": _typed(r.holds),
                    "unknown": sorted(r.holds.facts) if isinstance(r.holds, Unknown) else [],
                    "parts": [
                        {
                            "condition": p.source,
                            "value": _typed(p.value),
                            "unknown": sorted(p.value.facts) if isinstance(p.value, Unknown) else [],
                        }
                        for p in r.parts
                    ],
                }
                for r in d.rules
            ],
            "params": {n: jsonable(v) for n, v in d.params},
        }
        for d in result.trace
    ]
