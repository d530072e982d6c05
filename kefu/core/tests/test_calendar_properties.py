"""Properties of the business calendar, checked with seeded Hypothesis data.

For any start instant in 2024–2026 (years with statutory holidays and make-up workdays) and
any whole-second duration d, on several calendar shapes (the default with a lunch break, a
seven-day store with an afternoon break, round-the-clock, a sparse week, admin days, a time
zone with clock changes):

(a) measuring from the start to the deadline gives d back;
(b) a later start never gives an earlier deadline;
(c) the deadline is never before the start, and a longer duration never gives an earlier one;
(d) the deadline lies in working time: for d > 0 the second before it is worked (a deadline
    may sit exactly at the end of an interval, as `add_business_time` documents); for d = 0
    the second after it is worked (a start outside hours rolls to the next working moment).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kefu.core.calendar_engine import (
    CompiledCalendar,
    add_business_time,
    business_time_between,
    compile_calendar,
)
from kefu.core.models.calendar import default_weekday_hours

EXAMPLES = 200
PROPERTY = settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None)
SECOND = timedelta(seconds=1)

STORE = {str(i): [["10:00", "14:00"], ["15:00", "22:00"]] for i in range(1, 8)}
ALWAYS = {str(i): [["00:00", "24:00"]] for i in range(1, 8)}
SPARSE = {"3": [["09:00", "09:30"]], "6": [["08:15", "11:45"], ["20:00", "24:00"]]}
ADMIN_DAYS = {
    date(2025, 6, 3): ("holiday", "店庆"),
    date(2025, 6, 7): ("workday", "盘点"),
    date(2026, 10, 5): ("workday", "值班"),
    date(2024, 12, 31): ("holiday", "年终"),
}


def _calendars() -> dict[str, CompiledCalendar]:
    return {
        "standard": compile_calendar(default_weekday_hours(), "Asia/Shanghai"),
        "store": compile_calendar(STORE, "Asia/Shanghai"),
        "always": compile_calendar(ALWAYS, "Asia/Shanghai"),
        "sparse": compile_calendar(SPARSE, "Asia/Shanghai"),
        "admin-days": compile_calendar(default_weekday_hours(), "Asia/Shanghai", ADMIN_DAYS),
        "berlin": compile_calendar(default_weekday_hours(), "Europe/Berlin"),
    }


CALENDARS = _calendars()
calendars = st.sampled_from(sorted(CALENDARS))
instants = st.datetimes(
    min_value=datetime(2024, 1, 1),
    max_value=datetime(2026, 12, 20),
    timezones=st.just(ZoneInfo("UTC")),
).map(lambda moment: moment.replace(microsecond=0))
# Up to ~60 working days of the default calendar, often small, sometimes exactly whole hours.
durations = st.one_of(
    st.integers(min_value=0, max_value=60 * 8 * 3600),
    st.integers(min_value=0, max_value=3 * 3600),
    st.integers(min_value=0, max_value=400).map(lambda h: h * 3600),
)


def _due(cal: CompiledCalendar, start: datetime, seconds: int) -> datetime:
    return add_business_time(start, seconds, cal).due


@PROPERTY
@given(name=calendars, start=instants, seconds=durations)
def test_measuring_to_the_deadline_gives_the_duration_back(name, start, seconds):
    cal = CALENDARS[name]
    due = _due(cal, start, seconds)
    assert business_time_between(start, due, cal).seconds == seconds
    assert business_time_between(due, start, cal).seconds == -seconds


@PROPERTY
@given(name=calendars, a=instants, b=instants, seconds=durations)
def test_a_later_start_never_gives_an_earlier_deadline(name, a, b, seconds):
    cal = CALENDARS[name]
    early, late = sorted([a, b])
    assert _due(cal, early, seconds) <= _due(cal, late, seconds)


@PROPERTY
@given(name=calendars, start=instants, d1=durations, d2=durations)
def test_deadline_is_after_start_and_grows_with_the_duration(name, start, d1, d2):
    cal = CALENDARS[name]
    short, long = sorted([d1, d2])
    due_short, due_long = _due(cal, start, short), _due(cal, start, long)
    assert start <= due_short <= due_long
    if short < long:
        assert due_short < due_long


@PROPERTY
@given(name=calendars, start=instants, seconds=durations)
def test_deadline_falls_in_working_time(name, start, seconds):
    cal = CALENDARS[name]
    due = _due(cal, start, seconds)
    if seconds > 0:
        assert business_time_between(due - SECOND, due, cal).seconds == 1
    else:
        assert business_time_between(due, due + SECOND, cal).seconds == 1
        assert business_time_between(start, due, cal).seconds == 0


@PROPERTY
@given(name=calendars, start=instants, d1=durations, d2=durations)
def test_adding_in_two_steps_equals_adding_once(name, start, d1, d2):
    """Except for d1 = 0 ending at an interval's end (it stays there), chaining is additive."""
    cal = CALENDARS[name]
    once = _due(cal, start, d1 + d2)
    first = _due(cal, start, d1)
    twice = _due(cal, first, d2)
    assert business_time_between(start, twice, cal).seconds == d1 + d2
    if d2 > 0:
        assert twice == once


# --- the same through the services, with a unit's own working hours -----------------------
@pytest.fixture
def store_calendar(org: Any, admin_user: Any) -> Any:
    from kefu.core.services import calendar as calendar_services
    from kefu.core.services import org as org_services

    calendar = calendar_services.create_calendar(
        actor=admin_user, name="门店营业时间", weekday_hours=STORE
    )
    org_services.update_unit(actor=admin_user, unit=org.shanghai, calendar=calendar)
    return calendar


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(start=instants, seconds=durations)
def test_a_store_uses_its_own_hours(org, store_calendar, start, seconds):
    from kefu.core.services import calendar as calendar_services

    calendar = calendar_services.calendar_for_unit(org.shanghai)
    assert calendar.pk == store_calendar.pk
    duration = timedelta(seconds=seconds)
    due = calendar_services.add_business_time(start, duration, calendar).due
    assert calendar_services.business_time_between(start, due, calendar).seconds == seconds
    assert due == _due(CALENDARS["store"], start, seconds)
    local = due.astimezone(ZoneInfo("Asia/Shanghai"))
    if seconds > 0:
        # Stores work 10:00–14:00 and 15:00–22:00 every day, holidays aside.
        second = local.hour * 3600 + local.minute * 60 + local.second
        assert 10 * 3600 < second <= 14 * 3600 or 15 * 3600 < second <= 22 * 3600
