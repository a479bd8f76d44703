"""Date arithmetic, one small module: days, months (with month-end clamp), working days.

Pure functions of ``datetime.date``: nothing here reads the clock or the time zone.
Working days come from a :class:`WorkCalendar`, built once per compiled policy from
the ``holidays`` package's official calendar plus the policy's own extra days.
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping
    from datetime import date as date
    from datetime import datetime as datetime
    from datetime import timedelta as timedelta
    from datetime import timezone as timezone
    from typing import Any, NamedTuple
else:
    from policykit.records import NamedTuple

    try:  # the C types, which ``datetime`` re-exports once it has defined each of them in
        # Python first (on 3.11 about 0.7 ms of a cold start); the modules a cold run imports
        # take ``date`` & co from here (tests/cli/test_cold_path.py keeps ``datetime`` off its path)
        from _datetime import date as date
        from _datetime import datetime as datetime
        from _datetime import timedelta as timedelta
        from _datetime import timezone as timezone
    except ImportError:  # an interpreter without the C module
        from datetime import date as date
        from datetime import datetime as datetime
        from datetime import timedelta as timedelta
        from datetime import timezone as timezone

MAX_WORKING_DAYS = 3660


def _iso_shaped(text: str) -> bool:
    """Whether ``text`` is four, two and two ASCII digits joined by hyphens (what the
    pattern ``[0-9]{4}-[0-9]{2}-[0-9]{2}`` matches whole), told without compiling it: a
    cold start reads one date or more and would otherwise compile the pattern first."""
    if len(text) != 10 or text[4] != "-" or text[7] != "-":
        return False
    digits = text[:4] + text[5:7] + text[8:]
    return digits.isascii() and digits.isdigit()


def parse_date(text: str) -> date:
    """Strict ``YYYY-MM-DD`` with ASCII digits (no week dates, compact forms, signs or spaces)."""
    if not isinstance(text, str) or not _iso_shaped(text):
        raise ValueError(f"'{text}' is not a date in the form YYYY-MM-DD")
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise ValueError(f"'{text}' is not a calendar date ({exc})") from None


def _whole(count: int, what: str) -> int:
    if isinstance(count, bool) or not isinstance(count, int):
        raise TypeError(f"{what} must be a whole number, not {count!r}")
    return count


def add_days(day: date, days: int) -> date:
    """``day`` + ``days`` calendar days (negative goes back)."""
    if days.__class__ is not int:
        _whole(days, "a number of days")
    return day + timedelta(days)


_MONTH_DAYS = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def add_months(day: date, months: int) -> date:
    """The same day-of-month ``months`` later; the month's last day where it has no such day."""
    if months.__class__ is not int:
        _whole(months, "a number of months")
    year, month = divmod(day.year * 12 + day.month - 1 + months, 12)
    month += 1
    if not 1 <= year <= 9999:
        raise OverflowError(f"{day.isoformat()} + {months} months is outside the calendar")
    wanted = day.day
    if wanted > 28:  # a day every month has needs no looking up
        if month == 2:  # the Gregorian leap year (calendar.isleap, without loading calendar and locale)
            last = 29 if year % 4 == 0 and (year % 100 != 0 or year % 400 == 0) else 28
        else:
            last = _MONTH_DAYS[month - 1]
        wanted = min(wanted, last)
    return date(year, month, wanted)


def days_between(start: date, end: date) -> int:
    """Calendar days from ``start`` to ``end`` (negative when ``end`` is earlier)."""
    return (end - start).days


class CalendarDay(NamedTuple):
    """A day the policy adds to the official calendar: off (``off``) or worked, on one
    date (``year`` given) or on the same month and day of every year, between ``start``
    and ``end`` when given; ``cites`` are the clauses that make it so."""

    off: bool
    month: int
    day: int
    year: int | None = None
    start: date | None = None
    end: date | None = None
    cites: tuple[str, ...] = ()

    def on(self, year: int) -> date | None:
        """The day in ``year``, or None (not that year, no such day, outside the range)."""
        if self.year is not None and self.year != year:
            return None
        try:
            found = date(year, self.month, self.day)
        except ValueError:
            return None  # 29 February of a common year
        if (self.start and found < self.start) or (self.end and found > self.end):
            return None
        return found


class WorkCalendar:
    """Working days of one country's official calendar, with extra days added or removed.

    ``extra_holidays`` are days off that the official calendar has as working days;
    ``extra_working_days`` are days worked that it has as days off.  Years are built
    on first use and kept.

    ``preset`` is a :meth:`table` made before (the compile cache keeps it): with it, no
    year needs the ``holidays`` package, neither a year in the table nor one outside the
    years the package has a calendar for (only weekends there).
    """

    def __init__(
        self,
        country: str,
        extra_holidays: Iterable[date] = (),
        extra_working_days: Iterable[date] = (),
        subdivision: str | None = None,
        preset: Mapping[str, Any] | None = None,
        published: int | bool | None = False,
        entries: Iterable[CalendarDay] = (),
    ) -> None:
        self.country = country
        self.entries = tuple(entries)
        self.subdivision = subdivision
        self.extra_holidays = frozenset(extra_holidays)
        self.extra_working_days = frozenset(extra_working_days)
        self._official: Any = None
        self._years: dict[int, frozenset[int]] = {}
        self._added: dict[tuple[date, int], date] = {}  # counts made, by day and count (bounded)
        self._packed: dict[int, bytes] = {}
        self._span: tuple[int, int] | None = None  # the years the package has a calendar for
        self._weekend: frozenset[int] = frozenset()
        if preset is not None:
            self._preset(preset)
        self._published = published  # False: not looked up yet
        self._first: int | None = None  # the first year of the official schedule, once looked up

    def _preset(self, table: Mapping[str, Any]) -> None:
        """Take a :meth:`table`; ValueError if it is not of that shape."""
        years, span, weekend = table["years"], table["span"], table["weekend"]
        if not isinstance(years, dict) or not all(
            isinstance(y, int) and isinstance(b, bytes) and len(b) == _PACKED for y, b in years.items()
        ):
            raise ValueError("not a calendar table: years")
        if span is not None and not (
            isinstance(span, tuple) and len(span) == 2 and all(isinstance(y, int) for y in span)
        ):
            raise ValueError("not a calendar table: span")
        if not (isinstance(weekend, tuple) and all(isinstance(d, int) and 0 <= d < 7 for d in weekend)):
            raise ValueError("not a calendar table: weekend")
        self._packed = dict(years)
        self._span = span
        self._weekend = frozenset(weekend)

    def table(self, years: Iterable[int]) -> dict[str, Any]:
        """The days off of ``years``, packed (a bit a day), with the span of years the
        ``holidays`` package has a calendar for and its weekend: what the compile cache
        keeps, to be given back as ``preset``."""
        cal = self._official_calendar()
        first, last = getattr(cal, "start_year", None), getattr(cal, "end_year", None)
        span = (first, last) if isinstance(first, int) and isinstance(last, int) else None
        weekend = tuple(sorted(d for d in getattr(cal, "weekend", ()) if isinstance(d, int)))
        return {"years": {y: _pack(y, self._days_off(y)) for y in years}, "span": span, "weekend": weekend}

    def published_through(self) -> int | None:
        """The last year whose official schedule (holidays and weekend days made working
        days) the ``holidays`` package carries: the latest year of its special days.  None
        for a country whose calendar makes no weekend day a working day (Germany's one-off
        holiday of 2017 is no schedule announced year by year: nothing is to come)."""
        years = self._schedule_years()
        return max(years) if years else None

    def _schedule_years(self) -> set[int]:
        if self._published is False:
            cal = self._official_calendar()
            years: set[int] = set()
            for name in ("special_public_holidays", "special_holidays", "special_workdays"):
                table = getattr(cal, name, None)
                if isinstance(table, dict):
                    years |= {y for y in table if isinstance(y, int)}
            if years and not _moves_working_days(cal, years):
                years = set()
            self._published = max(years) if years else None
            self._first = min(years) if years else None
        if isinstance(self._published, bool) or self._published is None:
            return set()
        return {self._first or self._published, self._published}

    def reach(self, today: date) -> range:
        """The years worth working out ahead (what the compile cache keeps, so that no date
        needs the ``holidays`` package at run time): every year the package has a calendar
        for (for CN, 1950 to 2100: outside them it has weekends only, which need no table),
        and in any case every year of its official schedule, the year after it (a deadline
        across New Year) and two years either side of ``today``."""
        cal = self._official_calendar()
        years = self._schedule_years() | {today.year - 2, today.year + 2}
        first, last = min(years), max(years) + (1 if self.published_through() is not None else 0)
        start, end = getattr(cal, "start_year", None), getattr(cal, "end_year", None)
        if isinstance(start, int) and isinstance(end, int):
            first, last = min(first, start), max(last, end)
        return range(max(first, 1), min(last, 9999) + 1)

    def unpublished(self, first: int, last: int) -> list[int]:
        """The years from ``first`` to ``last`` whose official schedule neither the package
        nor the policy's own extra days give."""
        through = self.published_through()
        if through is None:
            return []
        covered = {d.year for d in (*self.extra_holidays, *self.extra_working_days)}
        covered |= {e.year for e in self.entries if e.year is not None}
        return [y for y in range(max(first, through + 1), last + 1) if y not in covered]

    def days_off(self, years: Iterable[int]) -> dict[int, frozenset[int]]:
        """The days off (as ordinals) of ``years``: what the compile cache keeps."""
        return {year: self._days_off(year) for year in years}

    def _official_calendar(self) -> Any:
        if self._official is None:
            import holidays  # imported late: it is the slowest import of the tool

            self._official = holidays.country_holidays(self.country, subdiv=self.subdivision)
        return self._official

    def _days_off(self, year: int) -> frozenset[int]:
        cached = self._years.get(year)
        if cached is not None:
            return cached
        packed = self._packed.get(year)
        if packed is not None:
            result = self._years[year] = _unpack(year, packed)
            return result
        if self._span is not None and not self._span[0] <= year <= self._span[1]:
            weekend = self._weekend  # the package has no calendar for the year: weekends only
            first, last = date(year, 1, 1).toordinal(), date(year, 12, 31).toordinal()
            off = {d for d in range(first, last + 1) if date.fromordinal(d).weekday() in weekend}
        else:
            off = self._official_off(year)
        off |= {d.toordinal() for d in self.extra_holidays if d.year == year}
        off |= {d.toordinal() for e in self.entries if e.off and (d := e.on(year)) is not None}
        off -= {d.toordinal() for d in self.extra_working_days if d.year == year}
        off -= {d.toordinal() for e in self.entries if not e.off and (d := e.on(year)) is not None}
        result = frozenset(off)
        self._years[year] = result
        return result

    def _official_off(self, year: int) -> set[int]:
        cal = self._official_calendar()
        first = date(year, 1, 1)
        first in cal  # noqa: B015 - populates the year, with its weekend working days
        days = range(first.toordinal(), date(year, 12, 31).toordinal() + 1)  # (no day after 9999-12-31)
        return {d for d in days if not cal.is_working_day(date.fromordinal(d))}

    def is_working_day(self, day: date) -> bool:
        return day.toordinal() not in self._days_off(day.year)

    def cited_between(self, first: date, last: date) -> tuple[str, ...]:
        """The clauses of the policy's own days from ``first`` to ``last``, both included:
        of each entry that made its day what it is (not one another entry overrode)."""
        out: list[str] = []
        for entry in self.entries:
            if not entry.cites:
                continue
            for year in range(first.year, last.year + 1):
                found = entry.on(year)
                if found is not None and first <= found <= last and entry.off != self.is_working_day(found):
                    out.extend(entry.cites)
        return tuple(dict.fromkeys(out))

    def add_working_days(self, day: date, count: int) -> date:
        """The ``count``-th working day after ``day`` (``day`` itself does not count)."""
        if not 0 <= _whole(count, "a number of working days") <= MAX_WORKING_DAYS:
            raise ValueError(f"a working-day count must be between 0 and {MAX_WORKING_DAYS}, not {count}")
        key = (day, count)
        found = self._added.get(key)
        if found is not None:  # a batch's cases count from the same few hundred days
            return found
        current = day
        remaining = count
        while remaining:
            current += timedelta(days=1)
            if self.is_working_day(current):
                remaining -= 1
        added = self._added
        if len(added) >= _MAX_ADDED:
            added.clear()
        added[key] = current
        return current


_MAX_ADDED = 4096  # working-day counts kept per calendar (a memo: each result is the loop's)
_PACKED = 46  # bytes of a year's days, a bit a day (366 bits)


def _pack(year: int, days: frozenset[int]) -> bytes:
    base = date(year, 1, 1).toordinal()
    return sum(1 << (d - base) for d in days).to_bytes(_PACKED, "little")


def _unpack(year: int, packed: bytes) -> frozenset[int]:
    base, bits, out = date(year, 1, 1).toordinal(), int.from_bytes(packed, "little"), []
    while bits:
        low = bits & -bits
        out.append(base + low.bit_length() - 1)
        bits ^= low
    return frozenset(out)


class WatchedCalendar:
    """A :class:`WorkCalendar` for one case: it notes every year without an official
    schedule that a working-day count falls in or crosses (``years``), and the clauses of
    the policy's own days that a count crossed (``cited``)."""

    __slots__ = ("calendar", "cited", "years")

    def __init__(self, calendar: WorkCalendar) -> None:
        self.calendar = calendar
        self.years: set[int] = set()
        self.cited: list[str] = []  # clauses of the policy's own days that a count crossed

    def is_working_day(self, day: date) -> bool:
        return self.calendar.is_working_day(day)

    def add_working_days(self, day: date, count: int) -> date:
        end = self.calendar.add_working_days(day, count)
        if self.calendar.entries:
            self.cited.extend(self.calendar.cited_between(day + timedelta(days=1), end))
        through = self.calendar.published_through()
        if through is not None and end.year > through:
            self.years.update(self.calendar.unpublished(day.year, end.year))
        return end


def _moves_working_days(cal: Any, years: set[int]) -> bool:
    """Whether the official calendar ``cal`` makes a weekend day a working day in any of
    ``years`` (its special days' years): a schedule announced year by year, as China's."""
    for year in sorted(years, reverse=True):
        date(year, 1, 1) in cal  # noqa: B015 - populates the year, with its weekend working days
        if getattr(cal, "weekend_workdays", None):
            return True
    return False
