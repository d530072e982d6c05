"""工作日历: calendars, their working hours, holidays and make-up days, CSV import, and a
deadline calculator. Everyone signed in reads; calendar managers change things."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dates import MONTHS
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kefu.core.calendar_engine import MAX_YEAR, MIN_YEAR
from kefu.core.calendar_overview import year_overview
from kefu.core.errors import DomainError
from kefu.core.forms import apply_domain_error
from kefu.core.forms_calendar import (
    WEEKDAY_INITIALS,
    WEEKDAYS,
    CalendarForm,
    DayForm,
    DeadlineForm,
    ImportConfirmForm,
    ImportForm,
)
from kefu.core.models import BusinessCalendar
from kefu.core.permissions import Perm
from kefu.core.selectors import calendar as selectors
from kefu.core.selectors.scope import has_perm_at_top
from kefu.core.services import calendar as services
from kefu.core.views.common import actor_of, perm_required


def calendar_url(calendar: BusinessCalendar) -> str:
    return reverse("core:calendar_detail", kwargs={"calendar_id": calendar.pk})


def _year(request: HttpRequest) -> int:
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        year = timezone.localdate().year
    return min(max(year, MIN_YEAR), MAX_YEAR)


def _detail(
    request: HttpRequest, calendar: BusinessCalendar, year: int, **forms: Any
) -> HttpResponse:
    can_manage = has_perm_at_top(request.user, Perm.MANAGE_CALENDAR)
    overview = year_overview(services.compiled_calendar(calendar), year)
    context = {
        "calendar": calendar,
        "year": year,
        "overview": overview,
        "months": [(MONTHS[m.number], m) for m in overview.months],
        "days": list(selectors.list_days(year=year, calendar_id=calendar.pk, include_global=True)),
        "hours": [(label, calendar.weekday_hours.get(iso, [])) for iso, label in WEEKDAYS],
        "can_manage": can_manage,
        "weekday_names": WEEKDAY_INITIALS,
        "day_form": forms.get("day_form") or DayForm(),
        "import_form": forms.get("import_form") or ImportForm(initial={"year": year}),
    }
    return render(request, "core/calendar/detail.html", context)


@perm_required()
def calendar_list(request: HttpRequest) -> HttpResponse:
    context = {
        "calendars": list(selectors.list_calendars()),
        "can_manage": has_perm_at_top(request.user, Perm.MANAGE_CALENDAR),
    }
    return render(request, "core/calendar/list.html", context)


@perm_required(Perm.MANAGE_CALENDAR)
def calendar_create(request: HttpRequest) -> HttpResponse:
    form = CalendarForm(request.POST or None, initial=CalendarForm.initial_for(BusinessCalendar()))
    if request.method == "POST" and form.is_valid():
        try:
            calendar = services.create_calendar(actor=actor_of(request), **form.service_fields())
        except DomainError as exc:
            form.apply_error(exc)
        else:
            messages.success(request, _("Calendar “%(name)s” created.") % {"name": calendar.name})
            return redirect("core:calendar_detail", calendar_id=calendar.pk)
    return render(request, "core/calendar/form.html", {"form": form, "calendar": None})


@perm_required()
def calendar_detail(request: HttpRequest, calendar_id: int) -> HttpResponse:
    return _detail(request, selectors.get_calendar(calendar_id), _year(request))


@perm_required(Perm.MANAGE_CALENDAR)
def calendar_edit(request: HttpRequest, calendar_id: int) -> HttpResponse:
    calendar = selectors.get_calendar(calendar_id)
    form = CalendarForm(request.POST or None, initial=CalendarForm.initial_for(calendar))
    if request.method == "POST" and form.is_valid():
        try:
            services.update_calendar(
                actor=actor_of(request), calendar=calendar, **form.service_fields()
            )
        except DomainError as exc:
            form.apply_error(exc)
        else:
            messages.success(request, _("Working hours saved."))
            return redirect("core:calendar_detail", calendar_id=calendar.pk)
    return render(request, "core/calendar/form.html", {"form": form, "calendar": calendar})


@perm_required(Perm.MANAGE_CALENDAR)
@require_POST
def calendar_day_add(request: HttpRequest, calendar_id: int) -> HttpResponse:
    calendar = selectors.get_calendar(calendar_id)
    form = DayForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.set_calendar_day(
                actor=actor_of(request),
                date=data["date"],
                kind=data["kind"],
                name=data["name"],
                calendar=calendar if data["scope"] == "calendar" else None,
            )
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(request, _("%(date)s saved.") % {"date": data["date"].isoformat()})
            return redirect(f"{calendar_url(calendar)}?year={data['date'].year}")
    return _detail(request, calendar, _year(request), day_form=form)


@perm_required(Perm.MANAGE_CALENDAR)
@require_POST
def calendar_day_delete(request: HttpRequest, calendar_id: int, day_id: int) -> HttpResponse:
    calendar = selectors.get_calendar(calendar_id)
    day = selectors.get_day(day_id)
    services.delete_calendar_day(actor=actor_of(request), day=day)
    messages.success(request, _("%(date)s removed.") % {"date": day.date.isoformat()})
    return redirect(f"{calendar_url(calendar)}?year={day.date.year}")


@perm_required(Perm.MANAGE_CALENDAR)
@require_POST
def calendar_import(request: HttpRequest, calendar_id: int) -> HttpResponse:
    calendar = selectors.get_calendar(calendar_id)
    confirming = "payload" in request.POST
    form: ImportForm | ImportConfirmForm = (
        ImportConfirmForm(request.POST) if confirming else ImportForm(request.POST, request.FILES)
    )
    if not form.is_valid():
        return _detail(request, calendar, _year(request), import_form=form)
    data, raw = form.cleaned_data, form.file_bytes()
    target = calendar if data["scope"] == "calendar" else None
    try:
        preview = services.import_calendar_year(
            actor=actor_of(request),
            file_bytes=raw,
            calendar=target,
            year=data["year"],
            apply=confirming,
        )
    except DomainError as exc:
        apply_domain_error(form, exc)
        return _detail(request, calendar, _year(request), import_form=form)
    if preview.applied:
        messages.success(request, _("%(year)s imported.") % {"year": preview.year})
        return redirect(f"{calendar_url(calendar)}?year={preview.year}")
    return _preview_page(request, calendar, preview, raw, data)


def _preview_page(
    request: HttpRequest,
    calendar: BusinessCalendar,
    preview: services.ImportPreview,
    raw: bytes,
    data: dict[str, Any],
) -> HttpResponse:
    initial = {"payload": ImportConfirmForm.encode(raw), "year": data["year"]}
    confirm = ImportConfirmForm(initial={**initial, "scope": data["scope"]})
    context = {"calendar": calendar, "preview": preview, "confirm": confirm, "scope": data["scope"]}
    return render(request, "core/calendar/import_preview.html", context)


@perm_required()
def calendar_deadline(request: HttpRequest) -> HttpResponse:
    calendars = selectors.list_calendars()
    chosen = request.GET.get("calendar") or selectors.default_calendar().pk
    initial = {"calendar": chosen, "start": timezone.localtime().replace(second=0)}
    bound = request.GET if "start" in request.GET else None
    form = DeadlineForm(bound, calendars=calendars, initial=initial)
    result = None
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        start = timezone.make_naive(data["start"])  # wall time, read in the calendar's zone
        try:
            result = services.add_business_time(
                start, timedelta(hours=float(data["hours"])), data["calendar"]
            )
        except DomainError as exc:
            apply_domain_error(form, exc)
    return render(request, "core/calendar/deadline.html", {"form": form, "result": result})
