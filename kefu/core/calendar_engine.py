"""Business-calendar engine: working time in seconds, pure Python (no ORM, no Django).

A calendar is compiled into one block per local calendar year: the year's working intervals
as absolute epoch seconds (`starts`, `ends`) and the cumulative working seconds at the end of
each interval (`cum`). "Worked seconds up to t" is then one bisect, and so is "the moment
when n worked seconds are reached". Blocks are built lazily (about a millisecond each) and
kept, so a call costs O(log n) plus one step per year boundary it crosses — never a loop
over days.

What a day looks like, strongest rule first:
1. an admin day (a calendar's own day beats a global one; merged by the caller),
2. the statutory schedule of `chinesecalendar` (holidays and make-up workdays 调休),
3. the calendar's weekday hours.
A holiday has no working time; a workday (make-up or admin) uses the Monday hours, or those
of the first weekday that has any. A year with neither statutory data nor admin days is a
"fallback" year: plain weekday hours, and every answer touching it says so.
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import NamedTuple
from zoneinfo import ZoneInfo

from kefu.core.errors import CalendarRangeError

MIN_YEAR = 1990
MAX_YEAR = 2200
HOLIDAY = "holiday"
WORKDAY = "workday"
STATUTORY = "statutory"
OVERRIDE = "override"
FALLBACK = "fallback"
_DAY = 86400
_AVG_YEAR = 31556952  # seconds in an average Gregorian year

Interval = tuple[int, int]  # seconds from local midnight, [start, end)
WeekHours = tuple[tuple[Interval, ...], ...]  # index 0 = Monday … 6 = Sunday


class Deadline(NamedTuple):
    due: datetime
    source: str


class Span(NamedTuple):
    seconds: int
    source: str


class DayStatus(NamedTuple):
    """How one day is treated: `kind` is holiday | workday | normal; `origin` admin |
    statutory | weekday; `intervals` its working hours (seconds from midnight)."""

    day: date
    kind: str
    origin: str
    name: str
    intervals: tuple[Interval, ...]


@dataclass(frozen=True)
class StatutoryData:
    holidays: Mapping[date, str]  # date → holiday name (Chinese)
    workdays: Mapping[date, str]  # make-up workday → the holiday it makes up for
    years: frozenset[int]


@lru_cache(maxsize=1)
def statutory_data() -> StatutoryData:
    """The schedule shipped in the `chinesecalendar` package; its year range is read from
    the data itself (whatever years the installed version knows)."""
    from chinese_calendar import constants

    chinese = {h.value: getattr(h, "chinese", h.value) for h in constants.Holiday}

    def _name(holiday: object) -> str:
        value = str(getattr(holiday, "value", holiday) or "")
        return str(chinese.get(value, value))

    holidays = {d: _name(h) for d, h in constants.holidays.items()}
    workdays = {d: _name(h) for d, h in constants.workdays.items()}
    years = frozenset(d.year for d in holidays) | frozenset(d.year for d in workdays)
    return StatutoryData(holidays=holidays, workdays=workdays, years=years)


def parse_hhmm(value: str, *, allow_24: bool = False) -> int:
    """ "09:30" → 34200. Raises ValueError for anything else ("24:00" only if allowed)."""
    text = value.strip()
    hh, sep, mm = text.partition(":")
    if sep != ":" or len(hh) != 2 or len(mm) != 2 or not (hh + mm).isdigit():
        raise ValueError(value)
    hours, minutes = int(hh), int(mm)
    if allow_24 and hours == 24 and minutes == 0:
        return _DAY
    if hours > 23 or minutes > 59:
        raise ValueError(value)
    return hours * 3600 + minutes * 60


def week_hours(raw: Mapping[str, Sequence[Sequence[str]]]) -> WeekHours:
    """{"1": [["09:00","12:00"], ...], ...} (ISO weekdays) → WeekHours, sorted.

    Assumes validated input (services check format, order and overlaps)."""
    days: list[tuple[Interval, ...]] = []
    for iso in range(1, 8):
        spans = raw.get(str(iso)) or ()
        parsed = sorted((parse_hhmm(s), parse_hhmm(e, allow_24=True)) for s, e in spans)
        days.append(tuple(parsed))
    return tuple(days)


@dataclass(frozen=True, slots=True)
class _Year:
    year: int
    start: int  # epoch seconds of local 1 January 00:00
    end: int  # epoch seconds of the next local 1 January 00:00
    starts: list[int]
    ends: list[int]
    cum: list[int]  # worked seconds in the year at the end of each interval
    total: int

    def worked_before(self, ts: int) -> int:
        i = bisect.bisect_right(self.starts, ts) - 1
        if i < 0:
            return 0
        return self.cum[i] - max(0, self.ends[i] - ts)

    def moment(self, worked: int, *, leave_at_end: bool) -> int:
        """The moment `worked` seconds are reached (0 < worked <= total). With leave_at_end a
        target equal to an interval's end stays there; otherwise it moves to the next start."""
        if leave_at_end:
            i = bisect.bisect_left(self.cum, worked)
        else:
            i = bisect.bisect_right(self.cum, worked)
        return self.ends[i] - (self.cum[i] - worked)


class CompiledCalendar:
    """Working time of one calendar. Build with `compile_calendar`; thread-safe for reads
    (a year block built twice by racing threads is identical)."""

    def __init__(
        self,
        hours: WeekHours,
        timezone: str,
        overrides: Mapping[date, tuple[str, str]],
        *,
        statutory: StatutoryData | None = None,
        min_year: int = MIN_YEAR,
        max_year: int = MAX_YEAR,
    ) -> None:
        self.tz = ZoneInfo(timezone)
        self.timezone = timezone
        self.hours = hours
        self.makeup_hours = hours[0] or next((h for h in hours if h), ())
        self.overrides = dict(overrides)
        self.statutory = statutory if statutory is not None else statutory_data()
        self.min_year = min_year
        self.max_year = max_year
        self.override_years = frozenset(d.year for d in self.overrides)
        self._years: dict[int, _Year] = {}
        in_range = sorted(d for d in self.overrides if min_year <= d.year <= max_year)
        self._admin_starts = [self._midnight(d) for d in in_range]
        self._admin_ends = [self._midnight(d + timedelta(days=1)) for d in in_range]

    # --- days -------------------------------------------------------------------------
    def day_status(self, day: date) -> DayStatus:
        admin = self.overrides.get(day)
        if admin is not None:
            kind, name = admin
            origin = "admin"
        elif day in self.statutory.holidays:
            kind, name, origin = HOLIDAY, self.statutory.holidays[day], STATUTORY
        elif day in self.statutory.workdays:
            kind, name, origin = WORKDAY, self.statutory.workdays[day], STATUTORY
        else:
            return DayStatus(day, "normal", "weekday", "", self.hours[day.weekday()])
        intervals = () if kind == HOLIDAY else self.makeup_hours
        return DayStatus(day, kind, origin, name, intervals)

    def year_source(self, year: int) -> str:
        if year in self.statutory.years:
            return STATUTORY
        if year in self.override_years:
            return OVERRIDE
        return FALLBACK

    # --- blocks -----------------------------------------------------------------------
    def _midnight(self, day: date) -> int:
        return int(datetime(day.year, day.month, day.day, tzinfo=self.tz).timestamp())

    def _local(self, day: date, seconds: int) -> int:
        if seconds >= _DAY:
            return self._midnight(day + timedelta(days=1))
        hh, rest = divmod(seconds, 3600)
        local = datetime(day.year, day.month, day.day, hh, rest // 60, tzinfo=self.tz)
        return int(local.timestamp())

    def block(self, year: int) -> _Year:
        found = self._years.get(year)
        if found is None:
            found = self._years[year] = self._build(year)
        return found

    def _build(self, year: int) -> _Year:
        if not self.min_year <= year <= self.max_year:
            raise CalendarRangeError(
                details={"year": year, "min_year": self.min_year, "max_year": self.max_year}
            )
        starts: list[int] = []
        ends: list[int] = []
        cum: list[int] = []
        total = 0
        day = date(year, 1, 1)
        year_start = midnight = self._midnight(day)
        one = timedelta(days=1)
        while day.year == year:
            following = day + one
            next_midnight = self._midnight(following)
            intervals = self.day_status(day).intervals
            plain = next_midnight - midnight == _DAY  # no clock change on this day
            for lo, hi in intervals:
                s = midnight + lo if plain else self._local(day, lo)
                e = midnight + hi if plain else self._local(day, hi)
                if e > s:
                    total += e - s
                    starts.append(s)
                    ends.append(e)
                    cum.append(total)
            day, midnight = following, next_midnight
        return _Year(year, year_start, midnight, starts, ends, cum, total)

    def block_at(self, ts: int) -> _Year:
        guess = 1970 + ts // _AVG_YEAR
        blk = self.block(min(max(guess, self.min_year), self.max_year))
        while ts < blk.start:
            blk = self.block(blk.year - 1)
        while ts >= blk.end:
            blk = self.block(blk.year + 1)
        return blk

    # --- working time -----------------------------------------------------------------
    def add_seconds(self, ts: int, seconds: int) -> tuple[int, int, int]:
        """(due, start year, due year): the moment `seconds` of working time after ts."""
        blk = self.block_at(ts)
        first_year = blk.year
        target = blk.worked_before(ts) + seconds
        leave_at_end = seconds > 0
        while target > blk.total or (not leave_at_end and target == blk.total):
            target -= blk.total
            blk = self.block(blk.year + 1)
        return blk.moment(target, leave_at_end=leave_at_end), first_year, blk.year

    def seconds_between(self, a: int, b: int) -> tuple[int, int, int]:
        """(worked seconds from a to b, year of a, year of b); negative when b < a."""
        if b < a:
            seconds, yb, ya = self.seconds_between(b, a)
            return -seconds, ya, yb
        ba, bb = self.block_at(a), self.block_at(b)
        if ba.year == bb.year:
            return bb.worked_before(b) - ba.worked_before(a), ba.year, bb.year
        worked = ba.total - ba.worked_before(a) + bb.worked_before(b)
        for year in range(ba.year + 1, bb.year):
            worked += self.block(year).total
        return worked, ba.year, bb.year

    def source(self, a: int, b: int, first_year: int, last_year: int) -> str:
        """fallback > override > statutory for the span [a, b] (a <= b)."""
        if first_year == last_year:
            kind = self.year_source(first_year)
            if kind != STATUTORY:
                return kind
        else:
            kinds = {self.year_source(y) for y in range(first_year, last_year + 1)}
            if FALLBACK in kinds:
                return FALLBACK
            if OVERRIDE in kinds:
                return OVERRIDE
        if not self._admin_starts:
            return STATUTORY
        i = bisect.bisect_right(self._admin_ends, a)
        if i < len(self._admin_starts) and self._admin_starts[i] <= b:
            return OVERRIDE
        return STATUTORY

    # --- datetimes --------------------------------------------------------------------
    def to_ts(self, moment: datetime) -> int:
        if moment.tzinfo is None or moment.utcoffset() is None:
            moment = moment.replace(tzinfo=self.tz)
        return int(moment.timestamp() // 1)

    def to_datetime(self, ts: int) -> datetime:
        return datetime.fromtimestamp(ts, self.tz)


def compile_calendar(
    weekday_hours: Mapping[str, Sequence[Sequence[str]]],
    timezone: str,
    overrides: Mapping[date, tuple[str, str]] | None = None,
    *,
    statutory: StatutoryData | None = None,
    min_year: int = MIN_YEAR,
    max_year: int = MAX_YEAR,
) -> CompiledCalendar:
    """`overrides`: admin days, date → (kind, name), already merged (calendar over global)."""
    return CompiledCalendar(
        week_hours(weekday_hours),
        timezone,
        overrides or {},
        statutory=statutory,
        min_year=min_year,
        max_year=max_year,
    )


_ZERO = timedelta(0)
_HALF_SECOND = timedelta(microseconds=500_000)
_SECOND = timedelta(seconds=1)


def _seconds(duration: timedelta | float) -> int:
    """Whole seconds (rounded half up); refuses negative, NaN and infinite durations."""
    if isinstance(duration, timedelta):
        if duration < _ZERO:
            raise ValueError("duration must be a non-negative number of seconds")
        return (duration + _HALF_SECOND) // _SECOND
    raw = float(duration)
    if not math.isfinite(raw) or raw < 0:
        raise ValueError("duration must be a non-negative number of seconds")
    return round(raw)


def add_business_time(
    start: datetime, duration: timedelta | float, calendar: CompiledCalendar
) -> Deadline:
    """The moment `duration` of working time after `start` (a number means seconds).

    A start outside working hours counts from the next working moment; a deadline that
    falls exactly on the end of a working interval stays there. Naive `start` means the
    calendar's time zone; the answer is in the calendar's time zone."""
    ts = calendar.to_ts(start)
    due, first_year, last_year = calendar.add_seconds(ts, _seconds(duration))
    return Deadline(calendar.to_datetime(due), calendar.source(ts, due, first_year, last_year))


def business_time_between(a: datetime, b: datetime, calendar: CompiledCalendar) -> Span:
    """Working seconds from a to b (negative if b is before a)."""
    ta, tb = calendar.to_ts(a), calendar.to_ts(b)
    seconds, ya, yb = calendar.seconds_between(ta, tb)
    if tb < ta:
        ta, tb, ya, yb = tb, ta, yb, ya
    return Span(seconds, calendar.source(ta, tb, ya, yb))
