"""The scheduler and worker bookkeeping.

`run_due_jobs` claims the current slot of every due periodic job by inserting a
`ScheduleSlot(name, slot_start)` row; the unique constraint makes exactly one insert win,
whichever worker on whichever host tries, and only the winner queues the task. With the
database task backend the task row is written in the same transaction as the slot row, so
a crash can never leave a claimed slot without its task (or the reverse); other backends
are queued after commit.

These rows are the workers' own bookkeeping, not business records, so they are not audited.
"""

from __future__ import annotations

import logging
import os
import socket
from collections.abc import Iterable, MutableMapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.crypto import get_random_string
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.models import DBTaskResult

from kefu.core.models import ScheduleSlot, WorkerHeartbeat
from kefu.core.schedule import PeriodicJob, periodic_jobs
from kefu.core.tasks_util import enqueue_on_commit

logger = logging.getLogger("kefu.schedule")


@dataclass(frozen=True)
class SlotClaim:
    name: str
    slot_start: datetime
    won: bool


def new_worker_id() -> str:
    """Unique across hosts and restarts; fits DBTaskResult.worker_ids (< 64 characters)."""
    host = socket.gethostname().split(".")[0][:30]
    return f"{host}-{os.getpid()}-{get_random_string(6)}"


def claim_slot(*, job: PeriodicJob, slot_start: datetime, worker_id: str = "") -> bool:
    """Insert the slot row; queue the job's task only if this insert won."""
    with transaction.atomic():
        try:
            with transaction.atomic():
                ScheduleSlot.objects.create(
                    name=job.name, slot_start=slot_start, worker=worker_id[:100]
                )
        except IntegrityError:
            return False
        if isinstance(job.task.get_backend(), DatabaseBackend):
            job.task.enqueue(**job.kwargs)
        else:
            enqueue_on_commit(job.task, **job.kwargs)
    logger.info("scheduled %s for slot %s", job.name, slot_start.isoformat())
    return True


def run_due_jobs(
    *,
    now: datetime | None = None,
    worker_id: str = "",
    jobs: Iterable[PeriodicJob] | None = None,
    seen: MutableMapping[str, datetime] | None = None,
) -> list[SlotClaim]:
    """Claim the slot containing `now` for every job. `seen` (job name → slot start) is the
    caller's memory of slots already claimed by anyone: those cost no query."""
    now = now or timezone.now()
    claims: list[SlotClaim] = []
    for job in periodic_jobs() if jobs is None else jobs:
        slot = job.slot_start(now)
        if seen is not None and seen.get(job.name) == slot:
            continue
        won = claim_slot(job=job, slot_start=slot, worker_id=worker_id)
        claims.append(SlotClaim(job.name, slot, won))
        if seen is not None:
            seen[job.name] = slot
    return claims


def next_due(*, now: datetime, jobs: Iterable[PeriodicJob] | None = None) -> datetime | None:
    """When the next slot of any job starts (None without jobs)."""
    starts = [job.next_slot(now) for job in (periodic_jobs() if jobs is None else jobs)]
    return min(starts, default=None)


def beat(*, worker_id: str, started_at: datetime, now: datetime | None = None) -> None:
    """Record that this worker is alive (one row per worker, updated in place)."""
    now = now or timezone.now()
    updated = WorkerHeartbeat.objects.filter(worker_id=worker_id).update(last_seen=now)
    if not updated:
        WorkerHeartbeat.objects.update_or_create(
            worker_id=worker_id,
            defaults={
                "hostname": socket.gethostname()[:100],
                "pid": os.getpid(),
                "started_at": started_at,
                "last_seen": now,
            },
        )


def forget_worker(*, worker_id: str) -> None:
    """A worker that stops cleanly removes its heartbeat."""
    WorkerHeartbeat.objects.filter(worker_id=worker_id).delete()


def live_workers(*, within: timedelta, now: datetime | None = None) -> QuerySet[WorkerHeartbeat]:
    """Workers seen in the last `within` (what /readyz asks)."""
    now = now or timezone.now()
    return WorkerHeartbeat.objects.filter(last_seen__gte=now - within).order_by("worker_id")


def prune_history(
    *,
    now: datetime | None = None,
    task_result_days: int = 14,
    slot_days: int = 7,
    heartbeat_days: int = 1,
) -> dict[str, int]:
    """Delete finished task results, schedule slots and silent workers' heartbeats older
    than the given ages. Queued and running tasks are never touched."""
    now = now or timezone.now()
    with transaction.atomic():
        tasks, _ = (
            DBTaskResult.objects.finished()
            .filter(finished_at__lt=now - timedelta(days=task_result_days))
            .delete()
        )
        slots, _ = ScheduleSlot.objects.filter(
            slot_start__lt=now - timedelta(days=slot_days)
        ).delete()
        beats, _ = WorkerHeartbeat.objects.filter(
            last_seen__lt=now - timedelta(days=heartbeat_days)
        ).delete()
    counts = {"task_results": tasks, "schedule_slots": slots, "heartbeats": beats}
    logger.info("housekeeping pruned %s", counts)
    return counts
