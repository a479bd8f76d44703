"""The days a working-day deadline counted over, for a person: the days off it stepped
over and the policy's own named days (a company holiday, a working weekend day), each
with its name, reason and clauses (``calendar.extra_holidays`` and ``extra_working_days``)."""

from __future__ import annotations

from policykit.engine.case import Case
from policykit.lang.dates import date, timedelta
from policykit.lang.form import name_of
from policykit.policy.calendar_days import NamedDay, named_days
from policykit.policy.model import Policy
from policykit.policy.placeholders import has_word
from policykit.present.catalogue import day, say
from policykit.present.result import DecisionResult, Result

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import NamedTuple
else:
    from policykit.records import NamedTuple


class Counted(NamedTuple):
    """A working-day count: the days off it stepped over, and the named days it met."""

    off: tuple[date, ...]
    named: tuple[NamedDay, ...]


def counted(policy: Policy, result: Result, d: DecisionResult, case: Case | None) -> Counted | None:
    """For a deadline counted in working days from a date of the case: what it counted
    over, from the day after that date to the deadline; None for any other value."""
    if case is None or not d.decided or not isinstance(d.value, date):
        return None
    rows = {i for name, i in result.fired if name == d.id}
    if len(rows) != 1:  # none, or a value settled over branches that gave it by different rows
        return None
    fired = rows.pop()
    definition = policy.values.get(d.id)
    if definition is None or not 0 <= fired < len(definition.rules):
        return None
    outcome = definition.rules[fired].outcome
    if outcome is None or not has_word(outcome.source, "add_working_days("):
        return None
    call = outcome.checked_form()  # (its parsed form, checked if the cache kept it: nothing to parse)
    start_name = name_of(call[2][0]) if call is not None and call[0] == "call" and call[2] else None
    start = case.facts.get(start_name or "")
    if not isinstance(start, date) or start >= d.value:
        return None
    calendar = policy.calendar
    off = []
    current = start + timedelta(days=1)
    while current < d.value:
        if not calendar.is_working_day(current):
            off.append(current)
        current += timedelta(days=1)
    named = named_days(policy.raw, start + timedelta(days=1), d.value) if calendar.entries else []
    # a day named both off and worked is what the calendar made of it
    named = [n for n in named if n.off != calendar.is_working_day(n.day)]
    return Counted(tuple(off), tuple(named))


def day_name(policy: Policy, named: NamedDay, lang: str, codes: bool = False) -> str:
    """``2026-03-18 Wed Company founding day (reason)``, with its clauses when ``codes``."""
    text = day(policy, named.day, lang)
    if named.name is not None:
        text += " " + named.name.get(lang)
    else:
        text += " " + say(policy, "day_off_word" if named.off else "working_day_word", lang)
    if named.reason is not None:
        text = say(policy, "with_note", lang, text=text, note=named.reason.get(lang))
    if codes and named.cites:
        text += f" ⟨{', '.join(named.cites)}⟩"
    return text


def skipped_line(policy: Policy, found: Counted, lang: str, codes: bool = False) -> str:
    """``skipping 2026-03-14 Sat weekend, 2026-03-18 Wed Company founding day``, and the
    named working days it counted; "" when there is nothing to say."""
    by_day = {n.day: n for n in found.named}
    parts = []
    for current in found.off:
        named = by_day.get(current)
        if named is not None and named.off:
            parts.append(day_name(policy, named, lang, codes))
        else:
            kind = "skipped_weekend" if current.weekday() >= 5 else "skipped_holiday"
            parts.append(say(policy, kind, lang, day=day(policy, current, lang)))
    sep = say(policy, "list_sep", lang)
    out = [say(policy, "skipped", lang, days=sep.join(parts))] if parts else []
    worked = [day_name(policy, n, lang, codes) for n in found.named if not n.off]
    if worked:
        out.append(say(policy, "counted_worked", lang, days=sep.join(worked)))
    return say(policy, "clause_sep", lang).join(out)
