"""The pure calendar engine: exact answers for the statutory schedule, overrides, fallbacks."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kefu.core.calendar_engine import (
    FALLBACK,
    OVERRIDE,
    STATUTORY,
    add_business_time,
    business_time_between,
    compile_calendar,
    statutory_data,
)
from kefu.core.errors import CalendarRangeError
from kefu.core.models.calendar import default_weekday_hours

SH = ZoneInfo("Asia/Shanghai")
STANDARD = default_weekday_hours()


def at(text: str, tz: ZoneInfo = SH) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=tz)


@pytest.fixture(scope="module")
def cal():
    return compile_calendar(STANDARD, "Asia/Shanghai")


def due(cal, start: str, hours: float) -> tuple[str, str]:
    result = add_business_time(at(start), timedelta(hours=hours), cal)
    return result.due.isoformat(), result.source


def test_package_data_for_2026_is_what_the_tests_assume():
    data = statutory_data()
    assert min(data.years) == 2004
    assert 2026 in data.years
    assert 2027 not in data.years
    national = [date(2026, 10, d) for d in range(1, 8)]
    assert all(data.holidays[d] == "国庆节" for d in national)
    assert date(2026, 10, 8) not in data.holidays
    assert [d for d in data.workdays if d.year == 2026 and d.month >= 9] == [
        date(2026, 9, 20),
        date(2026, 10, 10),
    ]
    assert [d for d in data.holidays if date(2026, 9, 1) <= d < date(2026, 10, 1)] == [
        date(2026, 9, 25),
        date(2026, 9, 26),
        date(2026, 9, 27),
    ]


@pytest.mark.parametrize(
    ("start", "hours", "expected"),
    [
        pytest.param("2026-09-30T17:00", 2, "2026-10-08T10:00:00+08:00", id="national-day-week"),
        pytest.param("2026-09-30T17:00", 1, "2026-09-30T18:00:00+08:00", id="ends-at-close"),
        pytest.param("2026-10-09T17:00", 2, "2026-10-10T10:00:00+08:00", id="make-up-saturday"),
        pytest.param("2026-10-10T17:00", 2, "2026-10-12T10:00:00+08:00", id="after-make-up"),
        pytest.param("2026-09-24T17:00", 2, "2026-09-28T10:00:00+08:00", id="mid-autumn"),
        pytest.param("2026-09-19T10:00", 1, "2026-09-20T10:00:00+08:00", id="make-up-sunday"),
        pytest.param("2026-10-03T10:00", 1, "2026-10-08T10:00:00+08:00", id="start-in-holiday"),
        pytest.param("2026-03-02T11:30", 1, "2026-03-02T13:30:00+08:00", id="across-lunch"),
        pytest.param("2026-03-02T12:30", 1, "2026-03-02T14:00:00+08:00", id="start-at-lunch"),
        pytest.param("2026-03-02T09:00", 3, "2026-03-02T12:00:00+08:00", id="morning-end"),
        pytest.param("2026-03-02T20:00", 1, "2026-03-03T10:00:00+08:00", id="evening"),
        pytest.param("2026-03-03T06:00", 1, "2026-03-03T10:00:00+08:00", id="early-morning"),
        pytest.param("2026-03-07T10:00", 1, "2026-03-09T10:00:00+08:00", id="weekend"),
        pytest.param("2026-03-02T10:00", 1.5, "2026-03-02T11:30:00+08:00", id="fraction"),
        pytest.param("2026-03-02T10:17", 8, "2026-03-03T10:17:00+08:00", id="minute-exact"),
        pytest.param("2026-03-02T09:00", 40, "2026-03-06T18:00:00+08:00", id="full-week"),
    ],
)
def test_deadlines_in_2026(cal, start, hours, expected):
    assert due(cal, start, hours) == (expected, STATUTORY)


def test_aware_start_in_another_zone_gives_answer_in_calendar_zone(cal):
    result = add_business_time(datetime(2026, 9, 30, 9, 0, tzinfo=UTC), timedelta(hours=2), cal)
    assert result.due.isoformat() == "2026-10-08T10:00:00+08:00"
    assert result.due.tzinfo == SH


def test_naive_start_means_calendar_zone(cal):
    result = add_business_time(datetime(2026, 9, 30, 17, 0), timedelta(hours=2), cal)
    assert result.due.isoformat() == "2026-10-08T10:00:00+08:00"


def test_zero_duration_rolls_to_next_working_moment(cal):
    assert due(cal, "2026-10-01T10:00", 0) == ("2026-10-08T09:00:00+08:00", STATUTORY)
    assert due(cal, "2026-03-02T12:00", 0) == ("2026-03-02T13:00:00+08:00", STATUTORY)
    assert due(cal, "2026-03-02T10:00", 0) == ("2026-03-02T10:00:00+08:00", STATUTORY)


def test_year_without_data_falls_back_to_weekdays_and_says_so(cal):
    # Thursday 31 Dec 2026 → Friday 1 Jan 2027 (no statutory data for 2027)
    assert due(cal, "2026-12-31T17:00", 2) == ("2027-01-01T10:00:00+08:00", FALLBACK)
    assert due(cal, "2030-06-03T09:00", 8) == ("2030-06-03T18:00:00+08:00", FALLBACK)
    assert due(cal, "2026-12-31T09:00", 8) == ("2026-12-31T18:00:00+08:00", STATUTORY)


def test_admin_days_make_a_year_override():
    overrides = {
        date(2027, 1, 1): ("holiday", "元旦"),
        date(2027, 1, 2): ("holiday", "元旦"),
        date(2027, 1, 3): ("holiday", "元旦"),
    }
    cal = compile_calendar(STANDARD, "Asia/Shanghai", overrides)
    assert due(cal, "2026-12-31T17:00", 2) == ("2027-01-04T10:00:00+08:00", OVERRIDE)
    # Anywhere in a year known only from admin days is "override".
    assert due(cal, "2027-06-01T09:00", 1) == ("2027-06-01T10:00:00+08:00", OVERRIDE)
    assert due(cal, "2026-06-01T09:00", 1) == ("2026-06-01T10:00:00+08:00", STATUTORY)


def test_admin_override_turns_statutory_holiday_into_workday():
    overrides = {date(2026, 10, 5): ("workday", "公司值班")}
    cal = compile_calendar(STANDARD, "Asia/Shanghai", overrides)
    assert due(cal, "2026-09-30T17:00", 2) == ("2026-10-05T10:00:00+08:00", OVERRIDE)
    # A span that does not touch the admin day stays statutory.
    assert due(cal, "2026-10-09T17:00", 2) == ("2026-10-10T10:00:00+08:00", STATUTORY)
    assert cal.day_status(date(2026, 10, 5)).origin == "admin"


def test_admin_holiday_beats_statutory_make_up_day():
    cal = compile_calendar(STANDARD, "Asia/Shanghai", {date(2026, 10, 10): ("holiday", "")})
    assert due(cal, "2026-10-09T17:00", 2) == ("2026-10-12T10:00:00+08:00", OVERRIDE)


def test_make_up_day_uses_monday_hours():
    hours = {"1": [["08:00", "17:00"]], "2": [["08:00", "17:00"]], "6": [["10:00", "14:00"]]}
    cal = compile_calendar(hours, "Asia/Shanghai")
    assert due(cal, "2026-10-10T08:00", 9) == ("2026-10-10T17:00:00+08:00", STATUTORY)
    only_friday = compile_calendar({"5": [["09:00", "11:00"]]}, "Asia/Shanghai")
    assert due(only_friday, "2026-10-10T00:00", 2) == ("2026-10-10T11:00:00+08:00", STATUTORY)


@pytest.mark.parametrize(
    ("a", "b", "seconds", "source"),
    [
        ("2026-09-30T17:00", "2026-10-08T10:00", 7200, STATUTORY),
        ("2026-03-02T09:00", "2026-03-02T18:00", 28800, STATUTORY),
        ("2026-03-02T12:10", "2026-03-02T12:50", 0, STATUTORY),
        ("2026-03-02T11:59", "2026-03-02T13:01", 120, STATUTORY),
        ("2026-03-02T18:00", "2026-03-02T09:00", -28800, STATUTORY),
        ("2026-12-31T17:00", "2027-01-01T10:00", 7200, FALLBACK),
        ("2025-01-01T00:00", "2026-01-01T00:00", 248 * 8 * 3600, STATUTORY),  # is_workday: 248
    ],
)
def test_business_time_between(cal, a, b, seconds, source):
    assert business_time_between(at(a), at(b), cal) == (seconds, source)


def test_outside_supported_years_is_a_clear_error(cal):
    with pytest.raises(CalendarRangeError) as exc:
        add_business_time(at("1989-12-01T09:00"), 3600, cal)
    assert exc.value.code == "calendar_out_of_range"
    assert exc.value.status_code == 422
    with pytest.raises(CalendarRangeError):
        add_business_time(at("2200-12-31T17:00"), timedelta(hours=2), cal)
    assert due(cal, "1990-01-01T00:00", 1) == ("1990-01-01T10:00:00+08:00", FALLBACK)
    assert due(cal, "2200-12-31T09:00", 8) == ("2200-12-31T18:00:00+08:00", FALLBACK)


def test_long_durations_cross_many_years(cal):
    result = add_business_time(at("2027-01-01T09:00"), timedelta(hours=100_000), cal)
    assert result.source == FALLBACK
    back = business_time_between(at("2027-01-01T09:00"), result.due, cal)
    assert back.seconds == 100_000 * 3600


def test_clock_changes_are_counted_in_real_seconds():
    berlin = ZoneInfo("Europe/Berlin")
    cal = compile_calendar(STANDARD, "Europe/Berlin")
    # Friday 27 March 2026 (CET) → Monday 30 March (CEST; clocks went forward on Sunday).
    result = add_business_time(at("2026-03-27T17:00", berlin), timedelta(hours=2), cal)
    assert result.due.isoformat() == "2026-03-30T10:00:00+02:00"
    always = compile_calendar({str(i): [["00:00", "24:00"]] for i in range(1, 8)}, "Europe/Berlin")
    sunday = business_time_between(
        at("2026-03-29T00:00", berlin), at("2026-03-30T00:00", berlin), always
    )
    assert sunday.seconds == 23 * 3600


def test_negative_or_nan_duration_is_refused(cal):
    with pytest.raises(ValueError, match="non-negative"):
        add_business_time(at("2026-03-02T09:00"), -1, cal)
    with pytest.raises(ValueError, match="non-negative"):
        add_business_time(at("2026-03-02T09:00"), float("nan"), cal)


_starts = st.datetimes(
    min_value=datetime(2025, 1, 1), max_value=datetime(2027, 12, 31), timezones=st.just(SH)
)
_durations = st.integers(min_value=0, max_value=3000 * 3600)


@settings(max_examples=300, deadline=None)
@given(start=_starts, seconds=_durations)
def test_between_inverts_add(cal, start, seconds):
    start = start.replace(microsecond=0)
    result = add_business_time(start, seconds, cal)
    assert business_time_between(start, result.due, cal).seconds == seconds
    assert result.due >= start


@settings(max_examples=300, deadline=None)
@given(a=_starts, b=_starts, seconds=st.integers(min_value=1, max_value=500 * 3600))
def test_later_start_never_gives_earlier_deadline(cal, a, b, seconds):
    early, late = sorted([a, b])
    assert add_business_time(early, seconds, cal).due <= add_business_time(late, seconds, cal).due
