"""Background entry points of the core app. Tasks only call services."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.tasks import task

from kefu.core.schedule import register_periodic
from kefu.core.services import schedule as schedule_services


@task()
def housekeeping() -> dict[str, int]:
    """Prune old finished task results, schedule slots and stale worker heartbeats."""
    return schedule_services.prune_history(
        task_result_days=getattr(settings, "KEFU_TASK_RESULT_DAYS", 14),
        slot_days=getattr(settings, "KEFU_SCHEDULE_SLOT_DAYS", 7),
    )


register_periodic(
    "core.housekeeping",
    housekeeping,
    every=timedelta(hours=1),
    offset=timedelta(minutes=17),
    description="Prune finished task results and old schedule slots.",
)
