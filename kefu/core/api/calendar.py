"""Business-calendar endpoints (thin: parse, call a selector/service, return)."""

from datetime import timedelta
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Status
from ninja.pagination import LimitOffsetPagination, paginate

from kefu.core.api_common import ERRORS, actor_of
from kefu.core.models import BusinessCalendar, OrgUnit, User
from kefu.core.schemas_calendar import (
    BetweenOut,
    BetweenQuery,
    CalendarOut,
    DayFilter,
    DayIn,
    DayOut,
    DeadlineOut,
    DeadlineQuery,
)
from kefu.core.selectors import calendar as selectors
from kefu.core.selectors import org as org_selectors
from kefu.core.services import calendar as services

router = Router(tags=["calendar"])


def _calendar_of(actor: User, unit_id: int | None) -> BusinessCalendar:
    unit: OrgUnit | None = org_selectors.get_unit(actor, unit_id) if unit_id else None
    return services.calendar_for_unit(unit)


@router.get(
    "/deadline",
    response={200: DeadlineOut, **ERRORS},
    summary="Due moment: start + working hours",
)
def deadline(request: HttpRequest, query: Query[DeadlineQuery]) -> Any:
    calendar = _calendar_of(actor_of(request), query.unit)
    due, source = services.add_business_time(query.start, timedelta(hours=query.hours), calendar)
    return {"due": due.isoformat(timespec="seconds"), "source": source}


@router.get("/between", response={200: BetweenOut, **ERRORS}, summary="Working time between")
def between(request: HttpRequest, query: Query[BetweenQuery]) -> Any:
    calendar = _calendar_of(actor_of(request), query.unit)
    seconds, source = services.business_time_between(query.start, query.end, calendar)
    return {"seconds": seconds, "hours": round(seconds / 3600, 4), "source": source}


@router.get("/calendars", response={200: list[CalendarOut], **ERRORS})
@paginate(LimitOffsetPagination)
def list_calendars(request: HttpRequest) -> Any:
    return selectors.list_calendars()


@router.get("/days", response={200: list[DayOut], **ERRORS})
@paginate(LimitOffsetPagination)
def list_days(request: HttpRequest, filters: Query[DayFilter]) -> Any:
    return selectors.list_days(year=filters.year, calendar_id=filters.calendar)


@router.post("/days", response={201: DayOut, 200: DayOut, **ERRORS}, summary="Enter a day")
def set_day(request: HttpRequest, payload: DayIn) -> Any:
    calendar = selectors.get_calendar(payload.calendar) if payload.calendar else None
    day, created = services.set_calendar_day(
        actor=actor_of(request),
        date=payload.date,
        kind=payload.kind,
        name=payload.name,
        calendar=calendar,
    )
    return Status(201 if created else 200, day)


@router.delete("/days/{day_id}", response={204: None, **ERRORS})
def delete_day(request: HttpRequest, day_id: int) -> Any:
    day = selectors.get_day(day_id)
    services.delete_calendar_day(actor=actor_of(request), day=day)
    return Status(204, None)
