"""Forms of the business-calendar pages. They parse input; the services own the rules."""

from __future__ import annotations

import base64
import binascii
import re
from typing import Any

from django import forms
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from kefu.core.calendar_engine import MAX_YEAR, MIN_YEAR
from kefu.core.choices import DayKind
from kefu.core.errors import DomainError
from kefu.core.forms import apply_domain_error
from kefu.core.models import BusinessCalendar
from kefu.core.services.calendar import IMPORT_MAX_BYTES

WEEKDAYS = [
    ("1", _("Monday")),
    ("2", _("Tuesday")),
    ("3", _("Wednesday")),
    ("4", _("Thursday")),
    ("5", _("Friday")),
    ("6", _("Saturday")),
    ("7", _("Sunday")),
]
# Column heads of the month grids (一 二 三 … in Chinese).
WEEKDAY_INITIALS = [
    pgettext_lazy("weekday column", "Mo"),
    pgettext_lazy("weekday column", "Tu"),
    pgettext_lazy("weekday column", "We"),
    pgettext_lazy("weekday column", "Th"),
    pgettext_lazy("weekday column", "Fr"),
    pgettext_lazy("weekday column", "Sa"),
    pgettext_lazy("weekday column", "Su"),
]
_SPLIT = re.compile(r"[,，;；\s]+")
_DASH = re.compile(r"\s*(?:-|–|—|~|～|至)\s*")
_SHORT_HOUR = re.compile(r"^\d:\d{2}$")
SCOPE_CHOICES = [
    ("calendar", _("This calendar only")),
    ("global", _("All calendars")),
]


def hours_text(spans: list[list[str]]) -> str:
    return ", ".join(f"{a}-{b}" for a, b in spans)


def _parse_hours(text: str) -> list[list[str]]:
    spans: list[list[str]] = []
    for part in _SPLIT.split(text.strip()):
        if not part:
            continue
        pieces = _DASH.split(part)
        if len(pieces) != 2:
            raise forms.ValidationError(gettext("Write periods like 09:00-12:00, 13:00-18:00."))
        spans.append([f"0{p}" if _SHORT_HOUR.match(p) else p for p in pieces])
    return spans


class CalendarForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    timezone = forms.CharField(
        label=_("Time zone"),
        max_length=64,
        initial="Asia/Shanghai",
        help_text=_("e.g. Asia/Shanghai"),
    )
    is_default = forms.BooleanField(
        label=_("Default calendar (for units without one)"), required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for iso, label in WEEKDAYS:
            self.fields[f"day_{iso}"] = forms.CharField(
                label=label,
                required=False,
                max_length=200,
                help_text=_("e.g. 09:00-12:00, 13:00-18:00; empty: closed") if iso == "1" else "",
            )

    @classmethod
    def initial_for(cls, calendar: BusinessCalendar) -> dict[str, Any]:
        initial: dict[str, Any] = {
            "name": calendar.name,
            "timezone": calendar.timezone,
            "is_default": calendar.is_default,
        }
        for iso, _label in WEEKDAYS:
            initial[f"day_{iso}"] = hours_text(calendar.weekday_hours.get(iso, []))
        return initial

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        hours: dict[str, list[list[str]]] = {}
        for iso, _label in WEEKDAYS:
            try:
                hours[iso] = _parse_hours(data.get(f"day_{iso}", "") or "")
            except forms.ValidationError as exc:
                self.add_error(f"day_{iso}", exc)
        data["weekday_hours"] = hours
        return data

    def service_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        keys = ("name", "timezone", "weekday_hours", "is_default")
        return {k: data[k] for k in keys}

    def apply_error(self, exc: DomainError) -> None:
        details = exc.details if isinstance(exc.details, dict) else {}
        hours = details.get("weekday_hours")
        if isinstance(hours, dict):
            for key, message in hours.items():
                field = f"day_{key}" if f"day_{key}" in self.fields else None
                self.add_error(field, str(message))
            details = {k: v for k, v in details.items() if k != "weekday_hours"}
        elif isinstance(hours, str):
            self.add_error(None, hours)
        if details or not hours:
            apply_domain_error(self, type(exc)(exc.message, details=details or None))


class DayForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    kind = forms.ChoiceField(label=_("Kind"), choices=DayKind.choices)
    name = forms.CharField(label=_("Name"), max_length=60, required=False)
    scope = forms.ChoiceField(label=_("Applies to"), choices=SCOPE_CHOICES, initial="calendar")


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_("Columns date,kind,name (or 日期,类型,名称); UTF-8 or GBK; at most 1 MB."),
    )
    year = forms.IntegerField(
        label=_("Year"), required=False, min_value=MIN_YEAR, max_value=MAX_YEAR
    )
    scope = forms.ChoiceField(label=_("Applies to"), choices=SCOPE_CHOICES, initial="calendar")

    def file_bytes(self) -> bytes:
        upload = self.cleaned_data["file"]
        return bytes(upload.read(IMPORT_MAX_BYTES + 1))


class ImportConfirmForm(forms.Form):
    """The checked file travels back with the confirmation (base64), so nothing is stored
    between preview and apply; the service checks it again before writing."""

    payload = forms.CharField(widget=forms.HiddenInput)
    year = forms.IntegerField(
        required=False, min_value=MIN_YEAR, max_value=MAX_YEAR, widget=forms.HiddenInput
    )
    scope = forms.ChoiceField(choices=SCOPE_CHOICES, widget=forms.HiddenInput)

    @staticmethod
    def encode(data: bytes) -> str:
        return base64.b64encode(data).decode("ascii")

    def file_bytes(self) -> bytes:
        try:
            return base64.b64decode(self.cleaned_data["payload"], validate=True)
        except (binascii.Error, ValueError):
            return b""


class DeadlineForm(forms.Form):
    start = forms.DateTimeField(
        label=_("Start"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"],
    )
    hours = forms.DecimalField(
        label=_("Working hours"), min_value=0.01, max_value=100000, decimal_places=2
    )
    calendar = forms.ModelChoiceField(
        label=_("Calendar"), queryset=BusinessCalendar.objects.none(), empty_label=None
    )

    def __init__(self, *args: Any, calendars: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["calendar"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = calendars if calendars is not None else BusinessCalendar.objects.all()
