"""The registry of periodic jobs that `kefu worker` runs on a schedule.

An app registers its jobs at import time of its `tasks.py` (found by autodiscovery, as the
admin finds `admin.py`)::

    register_periodic("sla.scan", scan_sla_task, every=timedelta(minutes=1))
    register_periodic("reports.daily", daily_report, every=timedelta(days=1),
                      offset=timedelta(hours=2))   # 02:00 local time

A job's slots are the instants `anchor + offset + k * every`, with the anchor at midnight
2000-01-01 in settings.TIME_ZONE: daily jobs start at local midnight plus `offset`. The
scheduler (`kefu.core.services.schedule`) claims the slot that contains "now"; slots
missed while no worker ran are not replayed one by one, the current one runs once.
"""

from __future__ import annotations

import re
import zoneinfo
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.tasks import Task
from django.utils.module_loading import autodiscover_modules

_NAME_RE = re.compile(r"^[a-z][a-z0-9_.-]{0,99}$")
_MIN_EVERY = timedelta(seconds=1)


@dataclass(frozen=True)
class PeriodicJob:
    name: str
    task: Task[..., Any]
    every: timedelta
    offset: timedelta = timedelta(0)
    kwargs: Mapping[str, Any] = field(default_factory=dict)
    description: str = ""

    def slot_start(self, now: datetime) -> datetime:
        """The start of the slot that contains `now` (an aware datetime)."""
        anchor = _anchor() + self.offset
        slots = (now - anchor) // self.every
        return anchor + slots * self.every

    def next_slot(self, now: datetime) -> datetime:
        return self.slot_start(now) + self.every


_registry: dict[str, PeriodicJob] = {}
_discovered = False


def _anchor() -> datetime:
    """Local midnight 2000-01-01 as a UTC instant (slot arithmetic is absolute, never
    wall-clock, so a DST change cannot produce two slots with the same start)."""
    local = datetime(2000, 1, 1, tzinfo=zoneinfo.ZoneInfo(settings.TIME_ZONE))
    return local.astimezone(UTC)


def register_periodic(
    name: str,
    task: Task[..., Any],
    *,
    every: timedelta,
    offset: timedelta = timedelta(0),
    kwargs: Mapping[str, Any] | None = None,
    description: str = "",
) -> PeriodicJob:
    """Run `task` (with `kwargs`) once in every `every`, `offset` after the slot boundary."""
    if not _NAME_RE.match(name):
        raise ImproperlyConfigured(f"Periodic job name {name!r}: use a-z, 0-9, '.', '_', '-'.")
    if not isinstance(task, Task):
        raise ImproperlyConfigured(f"Periodic job {name!r}: {task!r} is not a @task.")
    if every < _MIN_EVERY:
        raise ImproperlyConfigured(f"Periodic job {name!r}: `every` must be at least 1 second.")
    if not timedelta(0) <= offset < every:
        raise ImproperlyConfigured(f"Periodic job {name!r}: `offset` must lie in [0, every).")
    job = PeriodicJob(name, task, every, offset, dict(kwargs or {}), description)
    existing = _registry.get(name)
    if existing is not None and existing.task.module_path != task.module_path:
        raise ImproperlyConfigured(
            f"Periodic job {name!r} is already registered for {existing.task.module_path}."
        )
    _registry[name] = job
    return job


def unregister_periodic(name: str) -> None:
    _registry.pop(name, None)


def periodic_jobs() -> list[PeriodicJob]:
    """Every registered job, after importing each installed app's `tasks` module once."""
    global _discovered
    if not _discovered:
        autodiscover_modules("tasks")
        _discovered = True
    return sorted(_registry.values(), key=lambda job: job.name)
