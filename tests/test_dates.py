"""Date arithmetic against the standard's interpretations INT-2 (months), INT-3 (working
days on mainland China's official calendar) and INT-4 (calendar days).

Expected dates come from the spec's own examples and from the State Council's holiday
notices (国务院办公厅关于2025年/2026年部分节假日安排的通知), not from this code's output.
"""

from __future__ import annotations

import calendar
import json
import os
import subprocess
import sys
from datetime import date, timedelta
from typing import Any

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from policykit.lang.dates import CalendarDay, WorkCalendar, add_days, add_months, days_between, parse_date

CN = WorkCalendar("CN")

FAST = settings(max_examples=60, deadline=None)


def d(text: str) -> date:
    return date.fromisoformat(text)


# --- INT-2: months, with the month-end clamp -------------------------------------------


@pytest.mark.parametrize(
    ("start", "months", "end"),
    [
        # the three examples written in INT-2
        ("2025-01-31", 1, "2025-02-28"),
        ("2024-02-29", 12, "2025-02-28"),
        ("2026-03-13", 12, "2027-03-13"),
        # leap February keeps the 29th
        ("2024-01-31", 1, "2024-02-29"),
        # 30-day months clamp the 31st
        ("2025-03-31", 1, "2025-04-30"),
        ("2025-08-31", 1, "2025-09-30"),
        # months past the year's end
        ("2025-12-31", 1, "2026-01-31"),
        ("2025-11-30", 3, "2026-02-28"),
        ("2023-12-31", 2, "2024-02-29"),
        ("2025-07-15", 30, "2028-01-15"),
        # zero months is the same day
        ("2025-01-31", 0, "2025-01-31"),
    ],
)
def test_add_months_forward(start: str, months: int, end: str) -> None:
    assert add_months(d(start), months) == d(end)


@pytest.mark.parametrize(
    ("start", "months", "end"),
    [
        ("2025-03-31", -1, "2025-02-28"),
        ("2024-03-31", -1, "2024-02-29"),
        ("2026-01-15", -1, "2025-12-15"),
        ("2026-01-31", -13, "2024-12-31"),
        ("2025-05-31", -3, "2025-02-28"),
        ("2025-02-28", -12, "2024-02-28"),
        ("2025-03-01", -24, "2023-03-01"),
    ],
)
def test_add_months_backward(start: str, months: int, end: str) -> None:
    assert add_months(d(start), months) == d(end)


def test_add_months_at_the_ends_of_the_calendar() -> None:
    assert add_months(date(9999, 11, 30), 1) == date(9999, 12, 30)
    assert add_months(date(1, 2, 28), -1) == date(1, 1, 28)
    with pytest.raises(OverflowError):
        add_months(date(9999, 12, 1), 1)
    with pytest.raises(OverflowError):
        add_months(date(2026, 1, 1), 12 * 8000)
    with pytest.raises(OverflowError):
        add_months(date(1, 1, 1), -1)


@settings(max_examples=2000)
@given(day=st.dates(), months=st.integers(-2400, 2400))
def test_add_months_is_the_same_day_or_the_months_last(day: date, months: int) -> None:
    """The law, against the standard library's month lengths: the same day of the month
    ``months`` later, or that month's last day when it is shorter."""
    year, month = divmod(day.year * 12 + day.month - 1 + months, 12)
    if not 1 <= year <= 9999:
        with pytest.raises(OverflowError):
            add_months(day, months)
        return
    last = calendar.monthrange(year, month + 1)[1]
    assert add_months(day, months) == date(year, month + 1, min(day.day, last))


def test_add_days_beyond_the_calendar_overflows() -> None:
    with pytest.raises(OverflowError):
        add_days(date(9999, 12, 31), 1)
    with pytest.raises(OverflowError):
        add_days(date(1, 1, 1), -1)


# --- INT-4: calendar days ---------------------------------------------------------------


def test_calendar_days_ignore_holidays() -> None:
    # INT-4: D + N calendar days, no extension for holidays: 2026-02-13 + 3 days lands
    # inside the Spring Festival break and stays there.
    assert add_days(d("2026-02-13"), 3) == d("2026-02-16")
    assert add_days(d("2025-12-31"), 1) == d("2026-01-01")
    assert add_days(d("2024-02-28"), 1) == d("2024-02-29")
    assert add_days(d("2025-02-28"), 1) == d("2025-03-01")
    assert add_days(d("2026-03-01"), -1) == d("2026-02-28")
    assert days_between(d("2026-01-01"), d("2027-01-01")) == 365
    assert days_between(d("2024-01-01"), d("2025-01-01")) == 366
    assert days_between(d("2026-03-10"), d("2026-03-01")) == -9


# --- parse_date -------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["2026-01-01", "2024-02-29", "0999-12-31", "9999-12-31"])
def test_parse_date_accepts_iso_dates(text: str) -> None:
    assert parse_date(text) == date.fromisoformat(text)
    assert parse_date(text).isoformat() == text


@pytest.mark.parametrize(
    "text",
    [
        "2026-02-30",  # no such day
        "2025-02-29",  # not a leap year
        "2026-13-01",
        "2026-00-10",
        "20260101",  # compact form
        "2026-1-01",  # one-digit month
        " 2026-01-01",  # leading space
        "2026-01-01 ",
        "2026-W01-1",  # week date
        "2026/01/01",
        "",
        "2026-01-01T00:00",
    ],
)
def test_parse_date_rejects(text: str) -> None:
    with pytest.raises(ValueError):
        parse_date(text)


@pytest.mark.parametrize(
    "text",
    [
        "2026-01- 1",  # a space inside the day: int() strips it
        "2026-+1-01",  # a sign inside the month
        "+026-01-01",  # a sign in the year
        "2026-01-0\u0661",  # ARABIC-INDIC DIGIT ONE: int() reads any Unicode digit
    ],
)
def test_parse_date_is_strict_about_digits(text: str) -> None:
    # "Strict YYYY-MM-DD": ten ASCII characters, digits where the digits go.
    with pytest.raises(ValueError):
        parse_date(text)


def _field(size: int) -> st.SearchStrategy[str]:
    return st.text(alphabet="0120123 +_\u0661\uff11", min_size=size, max_size=size)


@settings(max_examples=150, deadline=None)
@given(
    st.one_of(
        st.text(alphabet="0123456789-+ ", min_size=10, max_size=10),
        st.builds("{}-{}-{}".format, _field(4), _field(2), _field(2)),
    )
)
def test_parse_date_accepts_only_its_own_isoformat(text: str) -> None:
    try:
        parsed = parse_date(text)
    except ValueError:
        return
    assert parsed.isoformat() == text


@FAST
@given(st.dates())
def test_parse_date_round_trips(day: date) -> None:
    assert parse_date(day.isoformat()) == day


# --- INT-3: working days on the official calendar ---------------------------------------
# 2026 (国办发明电〔2025〕7号): 元旦 1月1日-3日 放假, 1月4日(周日)上班; 春节 2月15日(周日)-23日(周一)
# 放假, 2月14日(周六)、2月28日(周六)上班; 国庆 10月1日(周四)-7日(周三) 放假, 9月20日(周日)、
# 10月10日(周六)上班.
# 2025 (国办发明电〔2024〕12号): 春节 1月28日-2月4日 放假, 1月26日(周日)、2月8日(周六)上班;
# 国庆、中秋 10月1日-8日 放假, 9月28日(周日)、10月11日(周六)上班.


def test_holidays_release_carries_official_2026_schedule() -> None:
    # If this fails, the installed `holidays` release predates the 2026 notice: the
    # working Saturdays would be taken as days off and every deadline near them would
    # be a day late.  pyproject requires holidays>=0.109 for this reason.
    assert d("2026-02-14").weekday() == 5 and d("2026-02-28").weekday() == 5
    assert CN.is_working_day(d("2026-02-14"))
    assert CN.is_working_day(d("2026-02-28"))
    assert CN.is_working_day(d("2026-01-04"))  # Sunday
    assert CN.is_working_day(d("2026-09-20"))  # Sunday
    assert CN.is_working_day(d("2026-10-10"))  # Saturday


@pytest.mark.parametrize("day", ["2026-02-16", "2026-02-17", "2026-02-18", "2026-02-19", "2026-02-20", "2026-02-23"])
def test_2026_spring_festival_weekdays_are_days_off(day: str) -> None:
    assert d(day).weekday() < 5
    assert not CN.is_working_day(d(day))


def test_2026_spring_festival_break_is_nine_days() -> None:
    start = d("2026-02-15")
    off = [start + timedelta(days=i) for i in range(9)]
    assert off[-1] == d("2026-02-23")
    assert all(not CN.is_working_day(x) for x in off)
    assert CN.is_working_day(d("2026-02-24"))
    assert CN.is_working_day(d("2026-02-13"))


def test_int3_example_received_friday_before_spring_festival() -> None:
    # INT-3: received Friday 2026-02-13 -> within 1 working day = Saturday 2026-02-14.
    assert d("2026-02-13").weekday() == 4
    assert CN.add_working_days(d("2026-02-13"), 1) == d("2026-02-14")
    # the next working day after that is after the whole break
    assert CN.add_working_days(d("2026-02-13"), 2) == d("2026-02-24")
    assert CN.add_working_days(d("2026-02-14"), 1) == d("2026-02-24")


def test_2026_national_day() -> None:
    # 1-7 October 2026 are days off (Thursday to Wednesday); Thursday 8 October is the
    # first working day after them; Saturday 10 October is worked in exchange.
    assert all(not CN.is_working_day(date(2026, 10, day)) for day in range(1, 8))
    assert CN.add_working_days(d("2026-09-30"), 1) == d("2026-10-08")
    assert CN.add_working_days(d("2026-10-08"), 2) == d("2026-10-10")
    assert CN.add_working_days(d("2026-10-09"), 1) == d("2026-10-10")
    assert CN.add_working_days(d("2026-10-10"), 1) == d("2026-10-12")


def test_2025_schedule() -> None:
    assert CN.is_working_day(d("2025-01-26"))  # Sunday
    assert CN.is_working_day(d("2025-02-08"))  # Saturday
    assert CN.is_working_day(d("2025-09-28"))  # Sunday
    assert CN.is_working_day(d("2025-10-11"))  # Saturday
    assert all(not CN.is_working_day(date(2025, 10, day)) for day in range(1, 9))
    assert all(not CN.is_working_day(date(2025, 1, 28) + timedelta(days=i)) for i in range(8))
    assert CN.add_working_days(d("2025-09-30"), 1) == d("2025-10-09")
    assert CN.add_working_days(d("2025-01-24"), 1) == d("2025-01-26")


def test_ordinary_weeks() -> None:
    # an ordinary week in March 2026: Friday + 1 = Monday, weekend not counted
    assert not CN.is_working_day(d("2026-03-14"))
    assert not CN.is_working_day(d("2026-03-15"))
    assert CN.add_working_days(d("2026-03-13"), 1) == d("2026-03-16")
    assert CN.add_working_days(d("2026-03-13"), 5) == d("2026-03-20")
    assert CN.add_working_days(d("2026-03-14"), 1) == d("2026-03-16")
    assert CN.add_working_days(d("2026-03-13"), 0) == d("2026-03-13")
    with pytest.raises(ValueError):
        CN.add_working_days(d("2026-03-13"), -1)


def test_extra_days_override_the_official_calendar() -> None:
    cal = WorkCalendar(
        "CN",
        extra_holidays=[d("2026-03-16"), d("2026-02-14")],  # an ordinary Monday; an official working Saturday
        extra_working_days=[d("2026-03-14"), d("2026-10-05")],  # an ordinary Saturday; a National Day holiday
    )
    assert not cal.is_working_day(d("2026-03-16"))
    assert not cal.is_working_day(d("2026-02-14"))
    assert cal.is_working_day(d("2026-03-14"))
    assert cal.is_working_day(d("2026-10-05"))
    # the official calendar itself is unchanged
    assert CN.is_working_day(d("2026-03-16")) and not CN.is_working_day(d("2026-03-14"))
    assert cal.add_working_days(d("2026-03-13"), 1) == d("2026-03-14")
    assert cal.add_working_days(d("2026-03-14"), 1) == d("2026-03-17")
    assert cal.add_working_days(d("2026-02-13"), 1) == d("2026-02-24")
    assert cal.add_working_days(d("2026-09-30"), 1) == d("2026-10-05")
    # other years are untouched by the extra days
    assert cal.is_working_day(d("2025-03-17")) and not cal.is_working_day(d("2025-03-15"))


# --- properties -------------------------------------------------------------------------

DAYS_2024_2027 = st.dates(min_value=date(2024, 1, 1), max_value=date(2027, 12, 31))


@FAST
@given(DAYS_2024_2027, st.integers(min_value=1, max_value=15))
def test_working_day_deadline_law(start: date, n: int) -> None:
    end = CN.add_working_days(start, n)
    assert end > start
    assert CN.is_working_day(end)
    between = sum(CN.is_working_day(start + timedelta(days=i)) for i in range(1, (end - start).days))
    assert between == n - 1
    # every day counted is a weekday or an official 调休 day, and N working days never
    # take more than N weeks plus the longest break
    assert (end - start).days <= 7 * n + 10


@FAST
@given(DAYS_2024_2027)
def test_official_calendar_agrees_with_weekends_outside_known_adjustments(day: date) -> None:
    # a weekday that is a working day or a weekend day that is not: anything else is an
    # adjustment, and adjustments only happen in the holiday months of the notices
    if CN.is_working_day(day) != (day.weekday() < 5):
        assert day.month in {1, 2, 4, 5, 6, 9, 10}


DAYS = st.dates(min_value=date(1900, 1, 1), max_value=date(2999, 12, 31))


@settings(max_examples=200, deadline=None)
@given(DAYS, st.integers(min_value=-1200, max_value=1200))
def test_add_months_never_spills(day: date, n: int) -> None:
    result = add_months(day, n)
    year, month0 = divmod(day.year * 12 + day.month - 1 + n, 12)
    assert (result.year, result.month) == (year, month0 + 1)
    assert result.day == min(day.day, calendar.monthrange(year, month0 + 1)[1])
    assert result.day <= day.day
    if day.day <= 28:
        assert result.day == day.day


@settings(max_examples=200, deadline=None)
@given(DAYS, st.integers(min_value=-1200, max_value=1200))
def test_add_months_round_trip(day: date, n: int) -> None:
    back = add_months(add_months(day, n), -n)
    assert (back.year, back.month) == (day.year, day.month)
    assert back <= day
    if day.day <= 28:
        assert back == day


@settings(max_examples=100, deadline=None)
@given(DAYS, st.integers(min_value=-120, max_value=120), st.integers(min_value=-120, max_value=120))
def test_add_months_composes_up_to_the_clamp(day: date, m: int, n: int) -> None:
    two_steps, one_step = add_months(add_months(day, m), n), add_months(day, m + n)
    assert (two_steps.year, two_steps.month) == (one_step.year, one_step.month)
    assert two_steps.day <= one_step.day
    if day.day <= 28:
        assert two_steps == one_step


@settings(max_examples=200, deadline=None)
@given(DAYS, st.integers(min_value=-100_000, max_value=100_000), DAYS)
def test_add_days_and_days_between_are_inverse(day: date, n: int, other: date) -> None:
    assert days_between(day, add_days(day, n)) == n
    assert add_days(day, days_between(day, other)) == other
    assert days_between(day, other) == -days_between(other, day)
    assert add_days(add_days(day, n), -n) == day


_TZ_SCRIPT = r"""
from datetime import date, timedelta
from typing import Any
from policykit.lang.dates import CalendarDay, WorkCalendar, add_days, add_months, days_between, parse_date
cal = WorkCalendar("CN")
start = parse_date("2026-02-10")
out = []
for i in range(0, 60, 3):
    day = start + timedelta(days=i)
    out.append("%s %s %s %s %s" % (day, cal.add_working_days(day, 1), cal.add_working_days(day, 5),
                                   add_months(day, 1), add_days(day, 7)))
out.append(str(days_between(parse_date("2026-03-08"), parse_date("2026-11-01"))))
print("\n".join(out))
"""


def test_nothing_depends_on_the_time_zone() -> None:
    outputs = []
    for tz in ("America/Los_Angeles", "Asia/Shanghai", "Pacific/Kiritimati"):
        env = dict(os.environ, TZ=tz)
        done = subprocess.run(
            [sys.executable, "-c", _TZ_SCRIPT], env=env, capture_output=True, text=True, timeout=60, check=True
        )
        outputs.append(done.stdout)
    assert outputs[0] == outputs[1] == outputs[2]
    lines = outputs[0].splitlines()
    # the first line is checked by hand against the 2026 notice (Tuesday 2026-02-10: working
    # days 11, 12, 13, Saturday 14, then the break 15-23, then 24), so the runs agree on
    # the right answer
    assert lines[0] == "2026-02-10 2026-02-11 2026-02-24 2026-03-10 2026-02-17"
    # 2026-03-08 -> 2026-11-01: 23 + 30 + 31 + 30 + 31 + 31 + 30 + 31 + 1 days
    assert lines[-1] == str(23 + 30 + 31 + 30 + 31 + 31 + 30 + 31 + 1)


# --- the calendar's edge: years the official schedule is published for ---------------------


def test_the_published_years_come_from_the_package_data() -> None:
    import holidays

    calendar = WorkCalendar("CN")
    through = calendar.published_through()
    official = holidays.country_holidays("CN")
    assert through is not None and through in official.special_public_holidays
    assert all(year <= through for year in official.special_public_holidays)
    assert calendar.unpublished(through - 1, through + 2) == [through + 1, through + 2]


@pytest.mark.parametrize(("country", "subdivision"), [("DE", "BE"), ("GB", None), ("US", None)])
def test_a_calendar_that_makes_no_weekend_day_a_working_day_has_no_schedule_to_come(
    country: str, subdivision: str | None
) -> None:
    """Germany's last special holiday is 2017's one-off Reformation Day: it was taken for
    the last year of an official schedule, and every later year was said unpublished (a
    warning on every result with a working-day deadline, and from validate)."""
    calendar = WorkCalendar(country, subdivision=subdivision)
    assert calendar.published_through() is None
    assert calendar.unpublished(2026, 2028) == []


def test_extra_days_of_the_policy_cover_a_year() -> None:
    through = WorkCalendar("CN").published_through()
    assert through is not None
    covered = WorkCalendar("CN", extra_holidays=[date(through + 1, 10, 8)])
    assert covered.unpublished(through, through + 2) == [through + 2]


# --- the table the compile cache keeps: every year without the package -----------------

_OWN: dict[str, Any] = dict(
    extra_holidays=[date(2026, 3, 16), date(1949, 6, 1), date(2101, 1, 3)],
    extra_working_days=[date(2026, 3, 14), date(2150, 6, 6)],
    entries=[CalendarDay(True, 3, 18, start=date(2000, 1, 1)), CalendarDay(False, 12, 31)],
)
_FRESH = WorkCalendar("CN", **_OWN)
_TABLE = _FRESH.table(range(2024, 2029))


def test_the_table_spans_the_package_s_years() -> None:
    """The span is the package's (CN: 1950 to 2100, outside it weekends only); ``reach``
    asks for every year of it."""
    assert _TABLE["span"] == (1950, 2100) and _TABLE["weekend"] == (5, 6)
    assert WorkCalendar("CN").reach(date(2026, 11, 27)) == range(1950, 2101)
    assert all(len(packed) == 46 for packed in _TABLE["years"].values())


@FAST
@given(st.dates(date(1, 1, 1), date(9999, 12, 31)))
def test_a_calendar_from_the_table_is_the_calendar(day: date) -> None:
    """For any day, in the table's years, in the package's other years (worked out
    afresh) or outside its span (weekends and the policy's own days only), a calendar
    made from the table says what the package says."""
    preset = WorkCalendar("CN", preset=_TABLE, **_OWN)
    assert preset.is_working_day(day) == _FRESH.is_working_day(day)


@pytest.mark.parametrize("year", [1, 1949, 2101, 2600, 9999])
def test_outside_the_span_no_package_is_needed(year: int) -> None:
    code = (
        "import sys, json; from datetime import date; from policykit.lang.dates import WorkCalendar; "
        f"cal = WorkCalendar('CN', preset={_TABLE!r}); "
        f"print(json.dumps([sorted(cal.days_off([{year}])[{year}]), 'holidays' in sys.modules]))"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True)
    days, imported = json.loads(run.stdout)
    assert not imported
    assert days == sorted(WorkCalendar("CN").days_off([year])[year])


@pytest.mark.parametrize(
    "table",
    [
        {"years": {2026: b"\x00"}, "span": None, "weekend": (5, 6)},
        {"years": {"2026": bytes(46)}, "span": None, "weekend": (5, 6)},
        {"years": {}, "span": (1950,), "weekend": (5, 6)},
        {"years": {}, "span": None, "weekend": (7,)},
    ],
)
def test_a_table_of_another_shape_is_refused(table: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        WorkCalendar("CN", preset=table)


def test_only_the_entry_that_made_a_day_what_it_is_is_cited() -> None:
    """A day one entry takes off and another gives back: the clauses cited are those of the
    entry the calendar followed, as the text view names that day (present/calendar_notes)."""
    from policykit.lang.dates import CalendarDay

    both = [CalendarDay(True, 3, 18, cites=("off.clause",)), CalendarDay(False, 3, 18, cites=("worked.clause",))]
    cal = WorkCalendar("CN", extra_holidays=[d("2026-03-18")], extra_working_days=[d("2026-03-18")], entries=both)
    worked = cal.is_working_day(d("2026-03-18"))
    assert cal.cited_between(d("2026-03-17"), d("2026-03-19")) == (("worked.clause",) if worked else ("off.clause",))
    alone = WorkCalendar("CN", extra_holidays=[d("2026-03-18")], entries=both[:1])
    assert not alone.is_working_day(d("2026-03-18"))
    assert alone.cited_between(d("2026-03-17"), d("2026-03-19")) == ("off.clause",)
    assert alone.cited_between(d("2026-03-19"), d("2026-03-20")) == ()


_DIGITISH = st.sampled_from(list("0123456789") * 4 + ["٣", "²", "１", " ", "+", "a"])
_DASHISH = st.sampled_from(["-", "-", "-", "/", "‐"])


def _digits(n: int) -> st.SearchStrategy[str]:
    return st.lists(_DIGITISH, min_size=n, max_size=n).map("".join)


# strings near the shape YYYY-MM-DD: mostly digits and hyphens in place, some not, some
# with a character more or less (hypothesis would rarely build one at random)
_NEAR_ISO = st.builds(
    lambda y, a, m, b, d, tail: f"{y}{a}{m}{b}{d}{tail}",
    _digits(4),
    _DASHISH,
    _digits(2),
    _DASHISH,
    st.one_of(_digits(2), _digits(1), _digits(3)),
    st.sampled_from(["", "", "", "\n", "0", "T"]),
)


@settings(max_examples=400, deadline=None)
@given(st.one_of(_NEAR_ISO, st.dates().map(date.isoformat)))
@example("٢٠٢٦-01-01")  # Arabic-Indic digits: digits to str.isdigit, not to [0-9]
@example("2026-0²-01")
@example("2026-01-01\n")  # $ would match before a final newline; fullmatch does not
def test_parse_date_accepts_exactly_the_iso_pattern(text: str) -> None:
    """``parse_date`` tells the shape without a regex; it must accept what
    ``[0-9]{4}-[0-9]{2}-[0-9]{2}`` matches whole and nothing else (no other digits, no
    newline before the end, no sign), whatever calendar day the digits then name."""
    import re

    shaped = re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", text) is not None
    try:
        parse_date(text)
        accepted = True
    except ValueError as exc:
        accepted = False
        assert shaped == ("not a calendar date" in str(exc)), (text, exc)
    if accepted:
        assert shaped
    assert not accepted or date.fromisoformat(text).isoformat() == text


def test_a_day_past_the_28th_moved_to_february_keeps_the_leap_years_of_the_calendar() -> None:
    """add_months finds February's last day without the calendar module, for every year."""
    from policykit.lang.dates import add_months

    for year in range(1, 10000):
        assert add_months(date(year, 1, 31), 1) == date(year, 2, 29 if calendar.isleap(year) else 28), year


@settings(max_examples=60, deadline=None)
@given(
    asks=st.lists(
        st.tuples(st.dates(date(2024, 1, 1), date(2027, 12, 31)), st.integers(0, 30)), min_size=1, max_size=40
    )
)
def test_a_count_made_again_is_the_day_counted_afresh(asks: list[tuple[date, int]]) -> None:
    """A working-day count is kept once made (a batch counts from the same days over and
    over): asked again, in any order, it is the day a fresh count gives, day by day."""
    for day, count in asks * 2:
        found = CN.add_working_days(day, count)
        current, remaining = day, count
        while remaining:
            current += timedelta(days=1)
            remaining -= CN.is_working_day(current)
        assert found == current


def test_the_counts_kept_are_bounded() -> None:
    cal = WorkCalendar("CN")
    for n in range(5000):
        cal.add_working_days(date(2026, 1, 1) + timedelta(days=n % 700), n // 700)
    assert 0 < len(cal._added) <= 4096
