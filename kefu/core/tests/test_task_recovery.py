"""A task left RUNNING by a killed worker is queued again once the worker's lease is over
(found by the crash harness: before, such a row stayed RUNNING for ever)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.tasks import TaskResultStatus
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from kefu.core.models import WorkerHeartbeat
from kefu.core.services.task_recovery import requeue_abandoned_tasks, task_lease
from kefu.core.tests.tasks_for_tests import ping
from kefu.core.worker import KefuWorker

LEASE = timedelta(seconds=60)


@pytest.fixture
def db_tasks(settings: Any) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def _claimed(worker_ids: list[str], started_ago: timedelta) -> DBTaskResult:  # type: ignore[type-arg]
    """A ping task claimed by `worker_ids[-1]`, as if that worker were still running it."""
    result = ping.enqueue(note="recovered")
    DBTaskResult.objects.filter(pk=result.id).update(
        status=TaskResultStatus.RUNNING,
        started_at=timezone.now() - started_ago,
        worker_ids=worker_ids,
    )
    return DBTaskResult.objects.get(pk=result.id)


def _beat(worker_id: str, ago: timedelta) -> None:
    now = timezone.now()
    WorkerHeartbeat.objects.create(
        worker_id=worker_id, hostname="h", pid=1, started_at=now - ago, last_seen=now - ago
    )


def test_a_task_of_a_dead_worker_is_queued_again_and_runs_once_more(
    db: Any, db_tasks: None
) -> None:
    row = _claimed(["killed-1"], started_ago=LEASE * 2)
    _beat("killed-1", ago=LEASE * 2)  # it stopped beating when it was killed
    assert requeue_abandoned_tasks(lease=LEASE) == {"requeued": 1, "failed": 0}
    row.refresh_from_db()
    assert (row.status, row.started_at) == (TaskResultStatus.READY, None)
    stats = KefuWorker(worker_id="after-restart", schedule=False, burst=True).run()
    assert stats.tasks_run == 1
    row.refresh_from_db()
    assert row.status == TaskResultStatus.SUCCESSFUL
    assert row.worker_ids == ["killed-1", "after-restart"]


def test_a_worker_that_never_beat_counts_as_dead(db: Any, db_tasks: None) -> None:
    row = _claimed(["no-heartbeat"], started_ago=LEASE * 2)
    assert requeue_abandoned_tasks(lease=LEASE) == {"requeued": 1, "failed": 0}
    assert DBTaskResult.objects.get(pk=row.pk).status == TaskResultStatus.READY


@pytest.mark.parametrize(
    ("label", "started_ago", "beat_ago"),
    [
        ("long task of a live worker", LEASE * 10, timedelta(seconds=1)),
        ("claimed within the lease", timedelta(seconds=5), None),
    ],
)
def test_a_running_task_that_may_still_be_running_is_left_alone(
    db: Any, db_tasks: None, label: str, started_ago: timedelta, beat_ago: timedelta | None
) -> None:
    row = _claimed(["w-live"], started_ago=started_ago)
    if beat_ago is not None:
        _beat("w-live", ago=beat_ago)
    assert requeue_abandoned_tasks(lease=LEASE) == {"requeued": 0, "failed": 0}
    row.refresh_from_db()
    assert (row.status, row.worker_ids) == (TaskResultStatus.RUNNING, ["w-live"])


def test_a_task_that_killed_five_workers_is_failed_not_requeued(db: Any, db_tasks: None) -> None:
    row = _claimed([f"w{i}" for i in range(5)], started_ago=LEASE * 2)
    assert requeue_abandoned_tasks(lease=LEASE) == {"requeued": 0, "failed": 1}
    row.refresh_from_db()
    assert row.status == TaskResultStatus.FAILED
    assert row.exception_class_path == "kefu.core.services.task_recovery.AbandonedTask"
    assert "died while running it 5 times" in row.traceback
    assert row.finished_at is not None


def test_the_worker_requeues_abandoned_tasks_on_its_schedule_tick(
    db: Any, db_tasks: None, settings: Any
) -> None:
    settings.KEFU_TASK_LEASE_SECONDS = 60
    row = _claimed(["killed-2"], started_ago=LEASE * 2)
    KefuWorker(worker_id="w-new", schedule=False).schedule_tick(force_beat=True)
    assert DBTaskResult.objects.get(pk=row.pk).status == TaskResultStatus.READY


def test_the_lease_defaults_to_six_heartbeats_and_at_least_a_minute(settings: Any) -> None:
    settings.KEFU_WORKER_HEARTBEAT_SECONDS = 30
    assert task_lease() == timedelta(minutes=3)
    settings.KEFU_WORKER_HEARTBEAT_SECONDS = 1
    assert task_lease() == timedelta(minutes=1)
    settings.KEFU_TASK_LEASE_SECONDS = 5
    assert task_lease() == timedelta(seconds=5)
