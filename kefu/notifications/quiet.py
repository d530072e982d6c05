"""Quiet hours: SMS to customers is held back during their rest hours.

settings.KEFU_NOTIFY_QUIET_HOURS = "21:00-08:00" (local time; empty: off). A message queued
inside the window waits until it ends."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.conf import settings
from django.utils import timezone


def _parse(value: str) -> tuple[time, time] | None:
    try:
        start, end = (time.fromisoformat(part.strip()) for part in value.split("-", 1))
    except ValueError:
        return None
    return (start, end) if start != end else None


def quiet_until(now: datetime) -> datetime | None:
    """The end of the quiet window containing `now`, or None outside it (or when off)."""
    window = _parse(str(getattr(settings, "KEFU_NOTIFY_QUIET_HOURS", "") or ""))
    if window is None:
        return None
    start, end = window
    local = timezone.localtime(now)
    clock = local.time()
    inside = (start <= clock or clock < end) if start > end else (start <= clock < end)
    if not inside:
        return None
    day = local.date() if clock < end else local.date() + timedelta(days=1)
    naive = datetime.combine(day, end)
    return timezone.make_aware(naive, timezone.get_current_timezone())
