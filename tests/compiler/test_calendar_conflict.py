"""A day both off and worked by the policy's own calendar entries is found, whatever the
form of the two entries (a date, a day of every year, a range)."""

from __future__ import annotations

from datetime import date

import pytest

from policykit.lang.dates import CalendarDay
from policykit.policy.calendar_days import _common_day


def _every(month: int, day: int, start: date | None = None, end: date | None = None, off: bool = True) -> CalendarDay:
    return CalendarDay(off, month, day, None, start, end)


def _on(day: date, off: bool = True) -> CalendarDay:
    return CalendarDay(off, day.month, day.day, day.year)


@pytest.mark.parametrize(
    ("a", "b", "found"),
    [
        (_on(date(2026, 6, 1)), _on(date(2026, 6, 1), False), "2026-06-01"),
        (_on(date(2026, 6, 1)), _on(date(2027, 6, 1), False), None),
        (_on(date(2026, 6, 2)), _every(6, 1, off=False), None),
        (_every(6, 1), _on(date(2030, 6, 1), False), "2030-06-01"),
        (_every(6, 1, start=date(2031, 1, 1)), _on(date(2030, 6, 1), False), None),
        (_every(6, 1), _every(6, 1, off=False), "06-01 of every year"),
        (_every(6, 1, end=date(2027, 12, 31)), _every(6, 1, start=date(2028, 1, 1), off=False), None),
        (_every(6, 1, end=date(2028, 12, 31)), _every(6, 1, start=date(2028, 1, 1), off=False), "2028-06-01"),
        (_every(6, 1, start=date(2026, 6, 2)), _every(6, 1, end=date(2027, 12, 31), off=False), "2027-06-01"),
        # 29 February: the first leap year the two ranges share
        (_every(2, 29, start=date(2025, 1, 1)), _every(2, 29, off=False), "2028-02-29"),
        (_every(2, 29, end=date(2027, 12, 31)), _every(2, 29, start=date(2025, 1, 1), off=False), None),
    ],
)
def test_a_day_both_off_and_worked_is_found(a: CalendarDay, b: CalendarDay, found: str | None) -> None:
    assert _common_day(a, b) == found
    assert _common_day(b, a) == found
