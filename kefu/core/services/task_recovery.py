"""Recovering tasks whose worker died while running them.

django-tasks-db marks a claimed task RUNNING and only the worker that claimed it ever moves
it on (to SUCCESSFUL or FAILED). A worker killed mid-task (SIGKILL, OOM killer, power loss,
a container stopped without grace) leaves the row RUNNING for ever: nobody runs it again.

`requeue_abandoned_tasks` gives such rows back to the queue. A RUNNING row is abandoned
when it started more than the lease ago and the worker that claimed it (the last id in
`worker_ids`) has not written its heartbeat within the lease. Every live worker beats from
its scheduler thread (`kefu worker`, every KEFU_WORKER_HEARTBEAT_SECONDS) even while a long
task runs, so a slow task of a live worker is never taken away. The row goes back to READY
and runs again: delivery is at least once, which is why kefu's tasks are idempotent (the
outbox claims its rows, the SLA scan records its keys). A task that has already been
abandoned by `max_claims` workers in a row is a poison task (it kills its worker): it is
marked FAILED with `AbandonedTask` instead of being handed to a fifth worker.

These rows are the workers' own bookkeeping, not business records, so nothing is audited;
each recovery is logged.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.tasks import TaskResultStatus
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from kefu.core.models import WorkerHeartbeat

logger = logging.getLogger("kefu.worker")

MAX_CLAIMS = 5


class AbandonedTask(Exception):  # noqa: N818 (recorded as the task's exception class)
    """The task's worker died while running it, too many times in a row."""


def task_lease() -> timedelta:
    """How long a RUNNING task's worker may stay silent before the task is taken back.
    Default: 6 heartbeats, at least a minute."""
    configured = getattr(settings, "KEFU_TASK_LEASE_SECONDS", None)
    if configured:
        return timedelta(seconds=float(configured))
    beat = float(getattr(settings, "KEFU_WORKER_HEARTBEAT_SECONDS", 10))
    return timedelta(seconds=max(60.0, 6 * beat))


def requeue_abandoned_tasks(
    *,
    now: datetime | None = None,
    lease: timedelta | None = None,
    backend_name: str = "default",
    max_claims: int = MAX_CLAIMS,
    limit: int = 100,
) -> dict[str, int]:
    """Put RUNNING tasks of dead workers back in the queue (or fail poison ones)."""
    now = now or timezone.now()
    lease = lease or task_lease()
    counts = {"requeued": 0, "failed": 0}
    with transaction.atomic():
        qs = DBTaskResult.objects.running().filter(
            backend_name=backend_name, started_at__lt=now - lease
        )
        if connection.features.has_select_for_update_skip_locked:
            qs = qs.select_for_update(skip_locked=True)
        rows = list(qs.order_by("started_at")[:limit])
        if not rows:
            return counts
        owners = {r.worker_ids[-1] for r in rows if r.worker_ids}
        live = set(
            WorkerHeartbeat.objects.filter(
                worker_id__in=owners, last_seen__gte=now - lease
            ).values_list("worker_id", flat=True)
        )
        for row in rows:
            owner = row.worker_ids[-1] if row.worker_ids else ""
            if owner in live:
                continue
            if len(row.worker_ids) >= max_claims:
                _fail(row, now)
                counts["failed"] += 1
                continue
            DBTaskResult.objects.filter(pk=row.pk, status=TaskResultStatus.RUNNING).update(
                status=TaskResultStatus.READY, started_at=None
            )
            counts["requeued"] += 1
            logger.warning(
                "task %s id=%s: worker %s died while running it; queued again",
                row.task_path,
                row.id,
                owner or "?",
            )
    return counts


def _fail(row: DBTaskResult, now: datetime) -> None:  # type: ignore[type-arg]
    message = f"the worker died while running it {len(row.worker_ids)} times"
    DBTaskResult.objects.filter(pk=row.pk, status=TaskResultStatus.RUNNING).update(
        status=TaskResultStatus.FAILED,
        finished_at=now,
        exception_class_path=f"{__name__}.AbandonedTask",
        traceback=f"{__name__}.AbandonedTask: {message}\n",
        return_value=None,
    )
    logger.error("task %s id=%s failed: %s", row.task_path, row.id, message)
