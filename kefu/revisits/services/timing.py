"""When a revisit may happen: business days on the unit's calendar, pushed out of the
unit's quiet hours."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.utils import timezone

from kefu.core.models import OrgUnit
from kefu.core.services.calendar import calendar_for_unit, compiled_calendar
from kefu.revisits.models import QuietHours, default_quiet_windows
from kefu.revisits.quiet import Window, next_allowed_time, parse_windows


def quiet_windows(unit: OrgUnit | None) -> list[Window]:
    """The unit's quiet hours, else its nearest ancestor's, else the global row, else the
    default (00:00–09:00, 12:00–14:00, 20:00–24:00)."""
    ids = unit.lineage_ids if unit is not None else []
    rows = {
        q.unit_id: q.windows
        for q in QuietHours.objects.filter(unit_id__in=ids)
        | QuietHours.objects.filter(unit__isnull=True)
    }
    for unit_id in reversed(ids):
        if unit_id in rows:
            return parse_windows(rows[unit_id])
    return parse_windows(rows.get(None, default_quiet_windows()))


def is_business_day(unit: OrgUnit | None, day: date) -> bool:
    return bool(compiled_calendar(calendar_for_unit(unit)).day_status(day).intervals)


def business_days_after(moment: datetime, days: int, unit: OrgUnit | None) -> datetime:
    """The same local time of day `days` business days after `moment` (holidays skipped,
    make-up workdays counted)."""
    cal = compiled_calendar(calendar_for_unit(unit))
    local = timezone.localtime(moment)
    day = local.date()
    counted = 0
    for _guard in range(days * 10 + 60):
        if counted >= days:
            break
        day += timedelta(days=1)
        if cal.day_status(day).intervals:
            counted += 1
    return local + timedelta(days=(day - local.date()).days)


def callable_at(moment: datetime, windows: list[Window]) -> datetime:
    return next_allowed_time(moment, windows, timezone.get_current_timezone())


def next_day_at_opening(moment: datetime, days: int, windows: list[Window]) -> datetime:
    """The first callable moment at least `days` calendar days after `moment`'s day."""
    local = timezone.localtime(moment)
    start = local.replace(hour=0, minute=0, second=0, microsecond=0) + timedelta(days=days)
    return callable_at(start, windows)
