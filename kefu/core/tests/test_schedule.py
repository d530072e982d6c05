"""The periodic schedule: slots, once-only claims, after-commit queueing, housekeeping."""

from __future__ import annotations

import threading
import zoneinfo
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, transaction
from django.tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from kefu.core import schedule as registry
from kefu.core.models import ScheduleSlot, WorkerHeartbeat
from kefu.core.schedule import PeriodicJob, periodic_jobs, register_periodic
from kefu.core.services import schedule as svc
from kefu.core.tasks import housekeeping
from kefu.core.tasks_util import enqueue_on_commit
from kefu.core.tests.tasks_for_tests import ping

SH = zoneinfo.ZoneInfo("Asia/Shanghai")
HOURLY = PeriodicJob("tests.hourly", ping, timedelta(hours=1), timedelta(minutes=17), {"note": "h"})


@pytest.fixture
def db_tasks(settings: Any) -> None:
    """Queue into the database (tests otherwise run tasks at once)."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.mark.parametrize(
    ("every", "offset", "now", "expected"),
    [
        pytest.param(
            timedelta(hours=1),
            timedelta(minutes=17),
            datetime(2026, 5, 1, 10, 40, tzinfo=SH),
            datetime(2026, 5, 1, 10, 17, tzinfo=SH),
            id="hourly-after-offset",
        ),
        pytest.param(
            timedelta(hours=1),
            timedelta(minutes=17),
            datetime(2026, 5, 1, 10, 5, tzinfo=SH),
            datetime(2026, 5, 1, 9, 17, tzinfo=SH),
            id="hourly-before-offset",
        ),
        pytest.param(
            timedelta(days=1),
            timedelta(hours=2),
            datetime(2026, 5, 1, 1, 0, tzinfo=SH),
            datetime(2026, 4, 30, 2, 0, tzinfo=SH),
            id="daily-at-02-local",
        ),
        pytest.param(
            timedelta(minutes=1),
            timedelta(0),
            datetime(2026, 5, 1, 2, 3, 59, 999999, tzinfo=UTC),
            datetime(2026, 5, 1, 2, 3, tzinfo=UTC),
            id="every-minute",
        ),
    ],
)
def test_slot_start_aligns_to_local_time(
    every: timedelta, offset: timedelta, now: datetime, expected: datetime
) -> None:
    job = PeriodicJob("tests.x", ping, every, offset)
    assert job.slot_start(now) == expected
    assert job.next_slot(now) == expected + every


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        pytest.param({"name": "Bad Name"}, "use a-z", id="name"),
        pytest.param({"every": timedelta(0)}, "at least 1 second", id="every"),
        pytest.param({"offset": timedelta(hours=1)}, "offset", id="offset"),
        pytest.param({"task": print}, "is not a @task", id="not-a-task"),
    ],
)
def test_register_periodic_rejects_bad_jobs(kwargs: dict[str, Any], message: str) -> None:
    args: dict[str, Any] = {"name": "tests.job", "task": ping, "every": timedelta(hours=1)}
    args.update(kwargs)
    with pytest.raises(ImproperlyConfigured, match=message):
        register_periodic(args.pop("name"), args.pop("task"), **args)
    assert "tests.job" not in {j.name for j in periodic_jobs()}


def test_registry_discovers_housekeeping_and_refuses_a_second_task_under_its_name() -> None:
    job = next(j for j in periodic_jobs() if j.name == "core.housekeeping")
    assert job.task.module_path == "kefu.core.tasks.housekeeping"
    assert job.every == timedelta(hours=1)
    with pytest.raises(ImproperlyConfigured, match="already registered"):
        register_periodic("core.housekeeping", ping, every=timedelta(hours=1))
    try:
        register_periodic("tests.registered", ping, every=timedelta(minutes=5))
        assert "tests.registered" in {j.name for j in periodic_jobs()}
    finally:
        registry.unregister_periodic("tests.registered")


def test_two_schedulers_claim_a_slot_once(db: Any, db_tasks: None) -> None:
    now = datetime(2026, 5, 1, 10, 40, tzinfo=SH)
    first = svc.run_due_jobs(now=now, worker_id="a", jobs=[HOURLY])
    second = svc.run_due_jobs(now=now + timedelta(minutes=5), worker_id="b", jobs=[HOURLY])
    slot = datetime(2026, 5, 1, 10, 17, tzinfo=SH)
    assert first == [svc.SlotClaim("tests.hourly", slot, True)]
    assert second == [svc.SlotClaim("tests.hourly", slot, False)]
    assert list(ScheduleSlot.objects.values_list("name", "slot_start", "worker")) == [
        ("tests.hourly", slot, "a")
    ]
    queued = DBTaskResult.objects.get()
    assert (queued.task_path, queued.args_kwargs["kwargs"], queued.status) == (
        "kefu.core.tests.tasks_for_tests.ping",
        {"note": "h"},
        TaskResultStatus.READY,
    )


def test_racing_schedulers_in_threads_enqueue_once(transactional_db: Any, db_tasks: None) -> None:
    if connection.vendor == "sqlite":
        pytest.skip("the in-memory test database cannot be shared by threads")
    now = datetime(2026, 5, 1, 10, 40, tzinfo=SH)
    barrier = threading.Barrier(4)
    results: list[bool] = []

    def claim(worker: str) -> None:
        try:
            barrier.wait()
            results.append(svc.claim_slot(job=HOURLY, slot_start=now, worker_id=worker))
        finally:
            connection.close()

    threads = [threading.Thread(target=claim, args=(f"w{i}",)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == [False, False, False, True]
    assert ScheduleSlot.objects.count() == 1
    assert DBTaskResult.objects.count() == 1


def test_missed_slots_after_downtime_run_once(db: Any, db_tasks: None) -> None:
    start = datetime(2026, 5, 1, 10, 40, tzinfo=SH)
    svc.run_due_jobs(now=start, jobs=[HOURLY])
    # the workers were down for ten hours: the current slot runs once, the missed ones never
    later = svc.run_due_jobs(now=start + timedelta(hours=10), jobs=[HOURLY])
    assert later == [svc.SlotClaim("tests.hourly", datetime(2026, 5, 1, 20, 17, tzinfo=SH), True)]
    assert ScheduleSlot.objects.count() == 2
    assert DBTaskResult.objects.count() == 2


def test_seen_slots_cost_no_query(db: Any, db_tasks: None, django_assert_num_queries: Any) -> None:
    now = datetime(2026, 5, 1, 10, 40, tzinfo=SH)
    seen: dict[str, datetime] = {}
    svc.run_due_jobs(now=now, jobs=[HOURLY], seen=seen)
    with django_assert_num_queries(0):
        assert svc.run_due_jobs(now=now + timedelta(minutes=30), jobs=[HOURLY], seen=seen) == []
    assert seen == {"tests.hourly": datetime(2026, 5, 1, 10, 17, tzinfo=SH)}


def test_a_failed_enqueue_releases_the_slot(db: Any, db_tasks: None, monkeypatch: Any) -> None:
    def fail(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("queue down")

    monkeypatch.setattr(type(ping), "enqueue", fail)
    with pytest.raises(RuntimeError):
        svc.run_due_jobs(now=datetime(2026, 5, 1, 10, 40, tzinfo=SH), jobs=[HOURLY])
    assert ScheduleSlot.objects.count() == 0


def test_enqueue_on_commit_queues_after_commit(
    db: Any, db_tasks: None, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        enqueue_on_commit(ping, note="after commit")
        assert DBTaskResult.objects.count() == 0
    assert len(callbacks) == 1
    queued = DBTaskResult.objects.get()
    assert queued.args_kwargs == {"args": [], "kwargs": {"note": "after commit"}}


class _Abort(Exception):
    pass


def _enqueue_then_fail() -> None:
    with transaction.atomic():
        enqueue_on_commit(ping, note="never")
        raise _Abort


def test_enqueue_on_commit_queues_nothing_on_rollback(
    transactional_db: Any, db_tasks: None
) -> None:
    with pytest.raises(_Abort):
        _enqueue_then_fail()
    assert DBTaskResult.objects.count() == 0
    with transaction.atomic():
        enqueue_on_commit(ping, note="kept")
    assert DBTaskResult.objects.get().args_kwargs["kwargs"] == {"note": "kept"}


def test_enqueue_on_commit_rejects_arguments_that_are_not_json(db: Any) -> None:
    with pytest.raises(TypeError, match="Unsupported type"):
        enqueue_on_commit(ping, note=object())


def test_heartbeat_is_one_row_per_worker(db: Any) -> None:
    t0 = datetime(2026, 5, 1, 10, 0, tzinfo=UTC)
    svc.beat(worker_id="w1", started_at=t0, now=t0)
    svc.beat(worker_id="w1", started_at=t0, now=t0 + timedelta(seconds=10))
    svc.beat(worker_id="w2", started_at=t0, now=t0 - timedelta(minutes=5))
    row = WorkerHeartbeat.objects.get(worker_id="w1")
    assert (row.started_at, row.last_seen) == (t0, t0 + timedelta(seconds=10))
    alive = svc.live_workers(within=timedelta(minutes=1), now=t0 + timedelta(seconds=30))
    assert [w.worker_id for w in alive] == ["w1"]
    svc.forget_worker(worker_id="w1")
    assert list(WorkerHeartbeat.objects.values_list("worker_id", flat=True)) == ["w2"]


def _result(status: str, finished: datetime | None) -> DBTaskResult[Any, Any]:
    return DBTaskResult.objects.create(
        args_kwargs={"args": [], "kwargs": {}},
        task_path="kefu.core.tasks.housekeeping",
        backend_name="default",
        run_after=finished or datetime(2026, 1, 1, tzinfo=UTC),
        status=status,
        finished_at=finished,
    )


def test_prune_history_deletes_only_old_finished_rows(db: Any) -> None:
    now = datetime(2026, 5, 30, tzinfo=UTC)
    old, recent = now - timedelta(days=20), now - timedelta(days=2)
    keep = [
        _result(TaskResultStatus.SUCCESSFUL, recent).pk,
        _result(TaskResultStatus.READY, None).pk,
        _result(TaskResultStatus.RUNNING, None).pk,
    ]
    _result(TaskResultStatus.SUCCESSFUL, old)
    _result(TaskResultStatus.FAILED, old)
    ScheduleSlot.objects.create(name="a", slot_start=old)
    ScheduleSlot.objects.create(name="a", slot_start=recent)
    WorkerHeartbeat.objects.create(
        worker_id="gone", hostname="h", pid=1, started_at=old, last_seen=old
    )
    counts = svc.prune_history(now=now, task_result_days=14, slot_days=7)
    assert counts == {"task_results": 2, "schedule_slots": 1, "heartbeats": 1}
    assert sorted(DBTaskResult.objects.values_list("pk", flat=True)) == sorted(keep)
    assert list(ScheduleSlot.objects.values_list("slot_start", flat=True)) == [recent]


def test_housekeeping_task_calls_the_service(db: Any) -> None:
    result = housekeeping.enqueue()  # the immediate backend runs it at once
    assert result.status == TaskResultStatus.SUCCESSFUL
    assert result.return_value == {"task_results": 0, "schedule_slots": 0, "heartbeats": 0}
