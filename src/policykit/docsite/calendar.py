"""The docs site's calendar page: the official working-day calendar the deadlines count
on, and every day the policy adds to it or takes from it, with its name, reason and
clauses (``calendar:`` of the policy)."""

from __future__ import annotations

from typing import Any

from policykit.docsite.common import LANG, both, cell, site_say
from policykit.policy.calendar_days import entry_rows
from policykit.policy.model import Policy
from policykit.present.catalogue import has, say
from policykit.present.links import clause_page


def _both_text(text: Any) -> str:
    """A text of the policy in the site's language with the English beside it."""
    if not isinstance(text, dict):
        return ""
    zh, en = text.get("zh", ""), text.get("en", "")
    return " · ".join(t for t in (zh, en) if t)


def _when(policy: Policy, item: dict[str, Any]) -> str:
    if "date" in item:
        return f"`{item['date']}`"
    text = site_say(policy, "site_every_year", day=item.get("every", ""))
    start, end = item.get("from"), item.get("until")
    if start or end:
        text += f" ({start or '…'} – {end or '…'})"
    return text


def _country(policy: Policy, code: str, lang: str = LANG) -> str:
    """A country by its name (``country_CN``) where policykit or the policy has one, else its code."""
    return say(policy, f"country_{code}", lang) if has(policy, f"country_{code}") else code


def calendar_page(policy: Policy) -> str:
    """The calendar page of ``policy``, in the site's language with English beside it."""
    cal = policy.raw["calendar"]
    offset = cal.get("timezone") or "UTC" + (cal.get("utc_offset") or "+00:00")  # (a zone by its name)
    interpretation = cal.get("interpretation")
    lines = [
        f"# {both(policy, 'site_calendar')}\n",
        site_say(policy, "site_calendar_intro", country=_country(policy, cal["country"]), offset=offset),
        "",
        say(policy, "site_calendar_intro", "en", country=_country(policy, cal["country"], "en"), offset=offset),
        "",
    ]
    if interpretation:
        reading = policy.interpretations.get(interpretation)
        title = f" {reading.title.get('zh')} · {reading.title.get('en')}" if reading else ""
        lines += [f"[{interpretation}{title}](interpretations.md#{interpretation.lower()})", ""]
    rows = list(entry_rows(policy.raw))
    if not rows:
        lines.append(both(policy, "site_calendar_none"))
        return "\n".join(lines) + "\n"
    header = ("site_col_day", "site_col_kind", "site_col_name", "site_col_because", "site_col_cites")
    lines.append("| " + " | ".join(both(policy, k) for k in header) + " |")
    lines.append("|" + "---|" * len(header))
    for off, item in rows:
        kind = both(policy, "day_off_word" if off else "working_day_word")
        cites = ", ".join(f"[{c}]({clause_page(c)}.md#{c})" for c in item.get("cites") or [])
        texts = " | ".join(cell(_both_text(item.get(key))) for key in ("name", "reason"))  # the editor's words
        anchor = f'<a id="{_anchor(item)}"></a>'
        lines.append(f"| {anchor}{_when(policy, item)} | {kind} | {texts} | {cites} |")
    return "\n".join(lines) + "\n"


def _anchor(item: dict[str, Any]) -> str:
    return "day-" + str(item.get("date") or item.get("every") or "").replace("-", "")
