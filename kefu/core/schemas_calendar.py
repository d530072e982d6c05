"""API shapes of the business calendar (outside clients rely on these to the letter)."""

import re
from datetime import date, datetime
from typing import Any, Literal

from ninja import Field, Schema
from pydantic import field_validator

from kefu.core.calendar_engine import MAX_YEAR, MIN_YEAR

MAX_HOURS = 100_000
# "2026-10-09T10:00:00+08:00" sent unencoded in a query string arrives with a space for "+".
_LOST_PLUS = re.compile(
    r"^(\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?) (\d{2}:?\d{2})$"
)


def _restore_plus(value: Any) -> Any:
    if isinstance(value, str):
        return _LOST_PLUS.sub(r"\1+\2", value.strip())
    return value


class DeadlineQuery(Schema):
    start: datetime = Field(description="ISO 8601; without an offset: the calendar's zone")
    hours: float = Field(gt=0, le=MAX_HOURS, allow_inf_nan=False, description="e.g. 1.5")
    unit: int | None = Field(None, description="Organisation unit (default calendar if absent)")

    _fix_start = field_validator("start", mode="before")(_restore_plus)


class DeadlineOut(Schema):
    due: str = Field(description="ISO 8601 with offset, e.g. 2026-10-09T10:00:00+08:00")
    source: Literal["statutory", "override", "fallback"]


class BetweenQuery(Schema):
    start: datetime
    end: datetime
    unit: int | None = None

    _fix_times = field_validator("start", "end", mode="before")(_restore_plus)


class BetweenOut(Schema):
    seconds: int
    hours: float
    source: Literal["statutory", "override", "fallback"]


class DayIn(Schema):
    date: date
    kind: Literal["holiday", "workday"]
    name: str = Field("", max_length=60)
    calendar: int | None = Field(None, description="A calendar's own day; absent: all calendars")


class DayOut(Schema):
    id: int
    date: date
    kind: str
    name: str
    source: str
    calendar: int | None = Field(None, alias="calendar_id")


class DayFilter(Schema):
    year: int | None = Field(None, ge=MIN_YEAR, le=MAX_YEAR)
    calendar: int | None = Field(None, description="A calendar's own days; absent: global days")


class CalendarOut(Schema):
    id: int
    name: str
    timezone: str
    weekday_hours: dict[str, list[list[str]]]
    is_default: bool
