"""The policy's own calendar days: ``calendar.extra_holidays`` and ``extra_working_days``.

Each entry is a date (``"2026-03-18"``) or a day with a name::

    - every: "03-18"                 # or date: "2026-03-18" for one year only
      name: {en: Company founding day}   # in each language of the policy
      reason: {zh: ..., en: ...}     # optional
      cites: [repair-time.holiday]   # optional: cited by every deadline counted over it
      from: "2027-01-01"             # optional range of a yearly day
      until: "2030-12-31"
"""

from __future__ import annotations

from policykit.errors import Diagnostic
from policykit.lang.dates import CalendarDay, date, parse_date
from policykit.policy.model import Text

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterator
    from typing import Any, NamedTuple

    from policykit.policy.document import Document
else:
    from policykit.records import NamedTuple

KEYS = ("extra_holidays", "extra_working_days")
_MONTH_DAY = r"([0-9]{2})-([0-9]{2})"  # compiled when first used (a cached policy never uses it)


def _month_day(text: str) -> tuple[int, int]:
    import re  # (a cached policy never reads a day of the year)

    match = re.fullmatch(_MONTH_DAY, text) if isinstance(text, str) else None
    if match is None:
        raise ValueError(f"'{text}' is not a day of the year in the form MM-DD")
    month, day = int(match.group(1)), int(match.group(2))
    try:
        date(2000, month, day)  # a leap year: 02-29 is a day of some years
    except ValueError:
        raise ValueError(f"'{text}' is not a day of the year ({month:02d}-{day:02d} does not exist)") from None
    return month, day


def _entry(item: dict[str, Any], off: bool) -> CalendarDay:
    if "date" in item:
        day = parse_date(item["date"])
        month, dom, year = day.month, day.day, day.year
    else:
        month, dom = _month_day(item.get("every", ""))
        year = None
    start = parse_date(item["from"]) if item.get("from") else None
    end = parse_date(item["until"]) if item.get("until") else None
    if start and end and end < start:
        raise ValueError(f"the range ends ({end.isoformat()}) before it starts ({start.isoformat()})")
    return CalendarDay(off, month, dom, year, start, end, tuple(item.get("cites") or ()))


class NamedDay(NamedTuple):
    """One day of a named calendar entry, as a person meets it: the day, off or worked,
    its name, the reason and the clauses behind it."""

    day: date
    off: bool
    name: Text | None
    reason: Text | None
    cites: tuple[str, ...]


def named_days(data: dict[str, Any], first: date, last: date) -> list[NamedDay]:
    """The days of the policy's named calendar entries from ``first`` to ``last`` (both
    included), in date order.  ``data`` is a checked policy's data."""
    found: list[NamedDay] = []
    for key in KEYS:
        for item in data["calendar"].get(key) or []:
            if not isinstance(item, dict):
                continue
            entry = _entry(item, key == "extra_holidays")
            for year in range(first.year, last.year + 1):
                day = entry.on(year)
                if day is not None and first <= day <= last:
                    reason = Text.of(item.get("reason"))
                    found.append(NamedDay(day, entry.off, Text.of(item.get("name")), reason, entry.cites))
    return sorted(found, key=lambda d: (d.day, not d.off))


def entry_rows(data: dict[str, Any]) -> Iterator[tuple[bool, dict[str, Any]]]:
    """(off, entry) of every calendar entry as written, a plain date as ``{"date": ...}``."""
    for key in KEYS:
        for item in data["calendar"].get(key) or []:
            yield key == "extra_holidays", item if isinstance(item, dict) else {"date": item}


def calendar_days(data: dict[str, Any]) -> tuple[list[date], list[date], list[CalendarDay]]:
    """Plain days off, plain days worked, and the named entries of a checked policy."""
    plain: dict[str, list[date]] = {key: [] for key in KEYS}
    entries: list[CalendarDay] = []
    for key in KEYS:
        for item in data["calendar"].get(key) or []:
            if isinstance(item, str):
                plain[key].append(parse_date(item))
            else:
                entries.append(_entry(item, key == "extra_holidays"))
    return plain["extra_holidays"], plain["extra_working_days"], entries


def check_calendar_days(doc: Document) -> Iterator[Diagnostic]:
    """Every date and day of the year is real, every range runs forwards, and no day is
    both a day off and a working day (which one won would be an accident of the code)."""
    read: dict[str, list[tuple[int, CalendarDay]]] = {key: [] for key in KEYS}
    for key in KEYS:
        for i, item in enumerate(doc.data["calendar"].get(key) or []):
            try:
                entry = _entry({"date": item} if isinstance(item, str) else item, key == KEYS[0])
            except ValueError as exc:
                yield doc.diag(("calendar", key, i), "bad-date", str(exc))
            else:
                read[key].append((i, entry))
    days_off: dict[tuple[int, int], list[tuple[int, CalendarDay]]] = {}
    for j, off in read[KEYS[0]]:
        days_off.setdefault((off.month, off.day), []).append((j, off))
    for i, worked in read[KEYS[1]]:
        for j, off in days_off.get((worked.month, worked.day), ()):  # only the same day of the year can meet
            day = _common_day(off, worked)
            if day is not None:
                yield doc.diag(
                    ("calendar", KEYS[1], i),
                    "calendar-conflict",
                    f"{day} is both a day off and a working day (it is a day off by "
                    f"{doc.diag(('calendar', KEYS[0], j), '', '').path}); keep one of them",
                )
                break


def _common_day(a: CalendarDay, b: CalendarDay) -> str | None:
    """A day both entries fall on, as a person reads it, or None."""
    if (a.month, a.day) != (b.month, b.day):
        return None
    fixed = a.year if a.year is not None else b.year
    if fixed is not None:
        day = a.on(fixed)
        return day.isoformat() if day is not None and b.on(fixed) is not None else None
    starts = [d.year for d in (a.start, b.start) if d is not None]
    ends = [d.year for d in (a.end, b.end) if d is not None]
    if not starts and not ends:
        return f"{a.month:02d}-{a.day:02d} of every year"
    first = max(starts) if starts else min(ends) - 8
    for year in range(first, min([*ends, first + 8]) + 1):  # 8 years reach a 29 February
        day = a.on(year)
        if day is not None and b.on(year) is not None:
            return day.isoformat()
    return None


def calendar_cites(data: dict[str, Any]) -> Iterator[tuple[tuple[Any, ...], str]]:
    """(path, clause id) of each clause a calendar entry cites."""
    for key in KEYS:
        for i, item in enumerate(data["calendar"].get(key) or []):
            if isinstance(item, dict):
                for cid in item.get("cites") or []:
                    yield ("calendar", key, i), cid
