"""Business calendars: working-time answers (fast, cached) and every calendar write.

Compiled calendars are kept in this process. A write clears them here at once and changes a
version key in Django's cache (again after commit); other processes look at that key at
most every `settings.KEFU_CALENDAR_CACHE_SECONDS` and drop their copies when it changed.
"""

from __future__ import annotations

import threading
import time
import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from kefu.core import calendar_engine as engine
from kefu.core.calendar_csv import ParsedDay, RowError, parse_calendar_csv
from kefu.core.choices import DayKind, DaySource
from kefu.core.errors import CalendarRangeError, Conflict, PermissionDenied, ValidationFailed
from kefu.core.models import BusinessCalendar, CalendarDay, OrgUnit, User
from kefu.core.permissions import Perm
from kefu.core.selectors import calendar as selectors
from kefu.core.selectors.scope import has_perm_at_top
from kefu.core.services.audit import diff_fields, record_audit
from kefu.core.services.calendar_hours import clean_weekday_hours

VERSION_KEY = "kefu:calendar:version"
IMPORT_MAX_BYTES = 1024 * 1024
NAME_MAX = 60


# --- the in-process cache -------------------------------------------------------------
@dataclass(frozen=True)
class _Entry:
    compiled: engine.CompiledCalendar
    stamp: tuple[Any, str]


class _CalendarCache:
    def __init__(self) -> None:
        self._entries: dict[int | None, _Entry] = {}
        self._version: Any = None
        self._checked = float("-inf")
        self._lock = threading.Lock()

    def get(self, calendar: BusinessCalendar) -> engine.CompiledCalendar:
        now = time.monotonic()
        if now - self._checked >= settings.KEFU_CALENDAR_CACHE_SECONDS:
            self._refresh(now)
        stamp = (calendar.updated_at, calendar.timezone)
        entry = self._entries.get(calendar.pk)
        if entry is not None and entry.stamp == stamp:
            return entry.compiled
        compiled = engine.compile_calendar(
            calendar.weekday_hours, calendar.timezone, selectors.days_for_compile(calendar)
        )
        self._entries[calendar.pk] = _Entry(compiled, stamp)
        return compiled

    def _refresh(self, now: float) -> None:
        version = cache.get(VERSION_KEY)
        with self._lock:
            self._checked = now
            if version != self._version:
                self._entries = {}
                self._version = version

    def invalidate(self) -> None:
        version = uuid.uuid4().hex
        cache.set(VERSION_KEY, version, None)
        with self._lock:
            self._entries = {}
            self._version = version

    def clear(self) -> None:
        """Forget everything (tests: the database was rolled back under us)."""
        with self._lock:
            self._entries = {}
            self._checked = float("-inf")


_cache = _CalendarCache()


def reset_calendar_cache() -> None:
    _cache.clear()


def _changed() -> None:
    """Call inside a write's transaction: clear now (this process) and after commit (all)."""
    _cache.invalidate()
    transaction.on_commit(_cache.invalidate)


def compiled_calendar(calendar: BusinessCalendar) -> engine.CompiledCalendar:
    return _cache.get(calendar)


# --- answers ----------------------------------------------------------------------------
def _out_of_range(exc: CalendarRangeError) -> CalendarRangeError:
    return CalendarRangeError(
        _("The business calendar covers %(min)s to %(max)s; this date is outside it.")
        % {"min": engine.MIN_YEAR, "max": engine.MAX_YEAR},
        details=exc.details,
    )


def add_business_time(
    start: datetime, duration: timedelta, calendar: BusinessCalendar
) -> engine.Deadline:
    """The due moment `duration` of working time after `start`, and where the answer's
    schedule came from (statutory / override / fallback)."""
    try:
        return engine.add_business_time(start, duration, _cache.get(calendar))
    except CalendarRangeError as exc:
        raise _out_of_range(exc) from exc


def business_time_between(a: datetime, b: datetime, calendar: BusinessCalendar) -> engine.Span:
    try:
        return engine.business_time_between(a, b, _cache.get(calendar))
    except CalendarRangeError as exc:
        raise _out_of_range(exc) from exc


def calendar_for_unit(unit: OrgUnit | None) -> BusinessCalendar:
    """The unit's calendar, else its nearest ancestor's, else the default calendar."""
    if unit is None:
        return selectors.default_calendar()
    if unit.calendar_id is not None and unit.calendar is not None:
        return unit.calendar
    ids = unit.lineage_ids
    holder = (
        OrgUnit.objects.filter(pk__in=ids, calendar__isnull=False)
        .select_related("calendar")
        .order_by("-depth")
        .first()
    )
    if holder is not None and holder.calendar is not None:
        return holder.calendar
    return selectors.default_calendar()


# --- validation ----------------------------------------------------------------------------
def _require_manage(actor: User | None) -> None:
    """actor None: an operator's command on the server."""
    if actor is not None and not has_perm_at_top(actor, Perm.MANAGE_CALENDAR):
        raise PermissionDenied(_("Only managers at headquarters can change business calendars."))


def _clean_calendar(fields: dict[str, Any]) -> dict[str, Any]:
    errors: dict[str, Any] = {}
    if "name" in fields:
        fields["name"] = str(fields["name"]).strip()
        if not fields["name"]:
            errors["name"] = _("Enter a name.")
        elif len(fields["name"]) > 100:
            errors["name"] = _("At most 100 characters.")
    if "timezone" in fields:
        try:
            ZoneInfo(str(fields["timezone"]))
        except (ZoneInfoNotFoundError, ValueError):
            errors["timezone"] = _("Unknown time zone (e.g. Asia/Shanghai).")
    if "weekday_hours" in fields:
        try:
            fields["weekday_hours"] = clean_weekday_hours(fields["weekday_hours"])
        except ValidationFailed as exc:
            errors["weekday_hours"] = exc.details
    if errors:
        raise ValidationFailed(details=errors)
    return fields


# --- calendars ---------------------------------------------------------------------------
def create_calendar(
    *,
    actor: User | None,
    name: str,
    timezone: str = "Asia/Shanghai",
    weekday_hours: Any = None,
    is_default: bool = False,
) -> BusinessCalendar:
    _require_manage(actor)
    hours = weekday_hours if weekday_hours is not None else BusinessCalendar().weekday_hours
    fields = _clean_calendar({"name": name, "timezone": timezone, "weekday_hours": hours})
    try:
        with transaction.atomic():
            if is_default:
                BusinessCalendar.objects.filter(is_default=True).update(is_default=False)
            calendar = BusinessCalendar.objects.create(is_default=is_default, **fields)
            record_audit(
                actor=actor,
                action="calendar.create",
                obj=calendar,
                changes={**fields, "is_default": is_default},
            )
            _changed()
    except IntegrityError as exc:
        raise Conflict(
            _("A calendar with this name already exists."), details={"name": _("Already used.")}
        ) from exc
    return calendar


def update_calendar(
    *, actor: User | None, calendar: BusinessCalendar, **fields: Any
) -> BusinessCalendar:
    unknown = set(fields) - {"name", "timezone", "weekday_hours", "is_default"}
    if unknown:
        raise ValidationFailed(details={k: _("Unknown field.") for k in sorted(unknown)})
    _require_manage(actor)
    fields = _clean_calendar(dict(fields))
    if fields.get("is_default") is False and calendar.is_default:
        raise ValidationFailed(
            details={"is_default": _("Make another calendar the default instead.")}
        )
    try:
        with transaction.atomic():
            locked = BusinessCalendar.objects.select_for_update().get(pk=calendar.pk)
            before = {f: getattr(locked, f) for f in fields}
            if fields.get("is_default") and not locked.is_default:
                BusinessCalendar.objects.filter(is_default=True).update(is_default=False)
            for key, value in fields.items():
                setattr(locked, key, value)
            locked.save()
            record_audit(
                actor=actor,
                action="calendar.update",
                obj=locked,
                changes=diff_fields(before, fields),
            )
            _changed()
    except IntegrityError as exc:
        raise Conflict(
            _("A calendar with this name already exists."), details={"name": _("Already used.")}
        ) from exc
    return locked


# --- days ----------------------------------------------------------------------------------
def set_calendar_day(
    *,
    actor: User | None,
    date: date,
    kind: str,
    name: str = "",
    calendar: BusinessCalendar | None = None,
) -> tuple[CalendarDay, bool]:
    """Enter a holiday or workday (upsert by date). Returns (day, created)."""
    _require_manage(actor)
    name = name.strip()
    errors: dict[str, str] = {}
    if kind not in DayKind.values:
        errors["kind"] = _("Choose holiday or workday.")
    if len(name) > NAME_MAX:
        errors["name"] = _("At most %(max)s characters.") % {"max": NAME_MAX}
    if not engine.MIN_YEAR <= date.year <= engine.MAX_YEAR:
        errors["date"] = _("Choose a date between %(min)s and %(max)s.") % {
            "min": engine.MIN_YEAR,
            "max": engine.MAX_YEAR,
        }
    if errors:
        raise ValidationFailed(details=errors)
    try:
        with transaction.atomic():
            day = CalendarDay.objects.select_for_update().filter(calendar=calendar, date=date)
            existing = day.first()
            if existing is None:
                existing = CalendarDay.objects.create(
                    calendar=calendar, date=date, kind=kind, name=name, created_by=actor
                )
                created, changes = True, {"date": str(date), "kind": kind, "name": name}
            else:
                before = {"kind": existing.kind, "name": existing.name}
                existing.kind, existing.name = kind, name
                existing.source, existing.created_by = DaySource.ADMIN, actor
                existing.save()
                created, changes = False, diff_fields(before, {"kind": kind, "name": name})
            record_audit(
                actor=actor,
                action="calendar_day.create" if created else "calendar_day.update",
                obj=existing,
                changes={**changes, "calendar": calendar.pk if calendar else None},
            )
            _changed()
    except IntegrityError as exc:
        raise Conflict(_("This date was entered at the same time; try again.")) from exc
    return existing, created


def delete_calendar_day(*, actor: User | None, day: CalendarDay) -> None:
    _require_manage(actor)
    with transaction.atomic():
        record_audit(
            actor=actor,
            action="calendar_day.delete",
            obj=day,
            changes={"date": str(day.date), "kind": day.kind, "calendar": day.calendar_id},
        )
        CalendarDay.objects.filter(pk=day.pk).delete()
        _changed()


# --- import ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class ImportPreview:
    year: int | None
    calendar_id: int | None
    days: list[ParsedDay]
    errors: list[RowError]
    existing: int  # days of that year stored now (replaced on apply)
    applied: bool

    @property
    def ok(self) -> bool:
        return not self.errors and self.year is not None


def import_calendar_year(
    *,
    actor: User | None,
    file_bytes: bytes,
    calendar: BusinessCalendar | None = None,
    year: int | None = None,
    apply: bool = False,
) -> ImportPreview:
    """Check a year's schedule from CSV; with apply (and no errors) replace that year's days
    of the calendar (or the global ones) in one transaction. Any error: nothing written."""
    _require_manage(actor)
    parsed = parse_calendar_csv(file_bytes, year=year, max_bytes=IMPORT_MAX_BYTES)
    calendar_id = calendar.pk if calendar is not None else None
    stored = (
        selectors.list_days(year=parsed.year, calendar_id=calendar_id)
        if parsed.year is not None
        else CalendarDay.objects.none()
    )
    preview = ImportPreview(
        parsed.year, calendar_id, parsed.days, parsed.errors, stored.count(), applied=False
    )
    if not apply or not preview.ok:
        return preview
    with transaction.atomic():
        replaced, _detail = stored.delete()
        CalendarDay.objects.bulk_create(
            CalendarDay(
                calendar=calendar,
                date=d.date,
                kind=d.kind,
                name=d.name,
                source=DaySource.IMPORT,
                created_by=actor,
            )
            for d in parsed.days
        )
        record_audit(
            actor=actor,
            action="calendar.import_year",
            obj=calendar,
            object_type="" if calendar else "core.calendarday",
            changes={"year": parsed.year, "days": len(parsed.days), "replaced": replaced},
        )
        _changed()
    return ImportPreview(parsed.year, calendar_id, parsed.days, [], preview.existing, applied=True)
