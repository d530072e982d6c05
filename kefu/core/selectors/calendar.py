"""Reads for business calendars and their days (shared by the API, the pages and services).

Calendars are company-wide settings, not unit data: every signed-in user may read them."""

from __future__ import annotations

from datetime import date

from django.db.models import Q, QuerySet

from kefu.core.errors import NotFound
from kefu.core.models import BusinessCalendar, CalendarDay


def list_calendars() -> QuerySet[BusinessCalendar]:
    return BusinessCalendar.objects.order_by("-is_default", "name")


def get_calendar(calendar_id: int) -> BusinessCalendar:
    found = list_calendars().filter(pk=calendar_id).first()
    if found is None:
        raise NotFound()
    return found


def default_calendar() -> BusinessCalendar:
    """The calendar marked default; failing that the oldest; failing that an unsaved one
    with the standard hours (so answers never depend on set-up having run)."""
    found = BusinessCalendar.objects.order_by("-is_default", "pk").first()
    return found if found is not None else BusinessCalendar(name="default")


def list_days(
    *, year: int | None = None, calendar_id: int | None = None, include_global: bool = False
) -> QuerySet[CalendarDay]:
    """Days entered for one calendar (`calendar_id`) or the global ones (None).

    include_global: a calendar's own days plus the global ones (what applies to it)."""
    if calendar_id is None:
        qs = CalendarDay.objects.filter(calendar__isnull=True)
    elif include_global:
        qs = CalendarDay.objects.filter(Q(calendar_id=calendar_id) | Q(calendar__isnull=True))
    else:
        qs = CalendarDay.objects.filter(calendar_id=calendar_id)
    if year is not None:
        qs = qs.filter(date__gte=date(year, 1, 1), date__lte=date(year, 12, 31))
    return qs.order_by("date", "calendar_id")


def get_day(day_id: int) -> CalendarDay:
    found = CalendarDay.objects.filter(pk=day_id).first()
    if found is None:
        raise NotFound()
    return found


def days_for_compile(calendar: BusinessCalendar) -> dict[date, tuple[str, str]]:
    """date → (kind, name) for every admin day that applies to the calendar; a calendar's
    own day wins over a global one for the same date."""
    qs = CalendarDay.objects.filter(calendar__isnull=True)
    if calendar.pk is not None:
        qs = CalendarDay.objects.filter(Q(calendar__isnull=True) | Q(calendar_id=calendar.pk))
    rows = qs.values_list("date", "kind", "name", "calendar_id")
    merged: dict[date, tuple[str, str]] = {}
    for day, kind, name, _calendar in sorted(rows, key=lambda r: r[3] is not None):
        merged[day] = (kind, name)
    return merged
