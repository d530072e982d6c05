from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kefu.core.choices import DayKind, DaySource
from kefu.core.models.base import TimestampedModel


def default_weekday_hours() -> dict[str, list[list[str]]]:
    """Monday–Friday 09:00–18:00 with 12:00–13:00 lunch (keys are ISO weekdays)."""
    day = [["09:00", "12:00"], ["13:00", "18:00"]]
    return {str(i): (day if i <= 5 else []) for i in range(1, 8)}


class BusinessCalendar(TimestampedModel):
    """Working hours of one or more units. Holidays/make-up days come from CalendarDay rows
    (global ones apply to every calendar) on top of the chinesecalendar statutory schedule."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    timezone = models.CharField(_("time zone"), max_length=64, default="Asia/Shanghai")
    weekday_hours = models.JSONField(_("working hours per weekday"), default=default_weekday_hours)
    is_default = models.BooleanField(_("default calendar"), default=False)

    class Meta:
        verbose_name = _("business calendar")
        verbose_name_plural = _("business calendars")
        ordering = ["-is_default", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"],
                condition=Q(is_default=True),
                name="core_calendar_one_default",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class CalendarDay(models.Model):
    """A day entered by an admin (or imported) that overrides the statutory schedule.

    `calendar` empty: the day applies to every calendar (a national schedule)."""

    calendar = models.ForeignKey(
        BusinessCalendar,
        verbose_name=_("calendar"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="days",
    )
    date = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=10, choices=DayKind.choices)
    name = models.CharField(_("name"), max_length=60, blank=True)
    source = models.CharField(
        _("source"), max_length=10, choices=DaySource.choices, default=DaySource.ADMIN
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(
                fields=["date"],
                condition=Q(calendar__isnull=True),
                name="core_calendarday_global_uniq",
            ),
            models.UniqueConstraint(
                fields=["calendar", "date"],
                condition=Q(calendar__isnull=False),
                name="core_calendarday_calendar_uniq",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.kind} {self.name}"
