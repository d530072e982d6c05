"""`kefu worker`: in process, and as real subprocesses against the test database."""

from __future__ import annotations

import signal
import time
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from kefu.core.models import AuditEvent, OrgUnit, ScheduleSlot, WorkerHeartbeat
from kefu.core.services import org as org_services
from kefu.core.tasks_util import enqueue_on_commit
from kefu.core.tests.external_db import ExternalDb
from kefu.core.tests.tasks_for_tests import boom, ping
from kefu.core.worker import KefuWorker

SUBPROCESS_TIMEOUT = 60


@pytest.fixture
def db_tasks(settings: Any) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def test_burst_worker_runs_queued_tasks_and_records_results(db: Any, db_tasks: None) -> None:
    ok = ping.enqueue(note="one")
    bad = boom.enqueue()
    stats = KefuWorker(worker_id="t1", schedule=False, burst=True).run()
    assert (stats.tasks_run, stats.tasks_failed, stats.slots_claimed) == (2, 1, 0)
    done = DBTaskResult.objects.get(pk=ok.id)
    assert (done.status, done.return_value, done.worker_ids) == (
        TaskResultStatus.SUCCESSFUL,
        {"note": "one", "via": "task"},
        ["t1"],
    )
    failed = DBTaskResult.objects.get(pk=bad.id)
    assert failed.status == TaskResultStatus.FAILED
    assert failed.exception_class_path == "builtins.RuntimeError"
    event = AuditEvent.objects.get(action="tests.ping")
    assert (event.via, event.request_id) == ("task", str(ok.id))


def test_burst_worker_claims_due_slots_then_runs_them(db: Any, db_tasks: None) -> None:
    stats = KefuWorker(worker_id="t2", burst=True).run()
    assert stats.slots_claimed >= 1
    assert "kefu.core.tasks.housekeeping" in stats.ran
    assert ScheduleSlot.objects.filter(name="core.housekeeping", worker="t2").count() == 1
    assert not WorkerHeartbeat.objects.exists()  # removed on a clean exit
    again = KefuWorker(worker_id="t3", burst=True).run()
    assert (again.slots_claimed, again.tasks_run) == (0, 0)


def test_a_worker_without_the_schedule_still_keeps_a_heartbeat(db: Any, db_tasks: None) -> None:
    worker = KefuWorker(worker_id="t5", schedule=False)
    worker.schedule_tick(force_beat=True)
    assert list(WorkerHeartbeat.objects.values_list("worker_id", flat=True)) == ["t5"]
    assert not ScheduleSlot.objects.exists()
    assert worker._scheduler_sleep() == pytest.approx(10, abs=0.5)


def test_worker_only_takes_its_queues(db: Any, settings: Any) -> None:
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default", "bulk"]}
    }
    ping.using(queue_name="bulk").enqueue(note="bulk")
    stats = KefuWorker(worker_id="t4", schedule=False, burst=True, queues=["default"]).run()
    assert stats.tasks_run == 0
    assert DBTaskResult.objects.get().status == TaskResultStatus.READY


def test_worker_command_refuses_a_backend_without_a_queue(db: Any) -> None:
    # tests run with the immediate backend: there is nothing for a worker to take
    with pytest.raises(CommandError, match="needs django_tasks_db.DatabaseBackend"):
        call_command("worker", "--burst")


def test_worker_command_burst_prints_a_summary_and_restores_signals(
    db: Any, db_tasks: None
) -> None:
    before = signal.getsignal(signal.SIGTERM)
    ping.enqueue(note="cmd")
    out = StringIO()
    call_command("worker", "--burst", "--no-schedule", stdout=out)
    assert out.getvalue() == "worker: 1 task(s) run, 0 failed, 0 schedule slot(s) claimed\n"
    assert signal.getsignal(signal.SIGTERM) is before


@pytest.mark.parametrize("value", ["-1", "abc", "4000"])
def test_worker_command_rejects_a_bad_interval(value: str) -> None:
    with pytest.raises(CommandError, match="interval"):
        call_command("worker", "--burst", f"--interval={value}")


def test_subprocess_worker_runs_a_task_queued_by_a_service_after_commit(
    transactional_db: Any, db_tasks: None, admin_user: Any, tmp_path: Path
) -> None:
    with transaction.atomic():
        unit = org_services.create_unit(
            actor=admin_user, code="HQ", name="总部", kind="headquarters"
        )
        enqueue_on_commit(ping, note=f"unit {unit.code}")
        assert not DBTaskResult.objects.exists()  # not before the commit
    queued = DBTaskResult.objects.get()
    ext = ExternalDb(tmp_path)
    ext.push()
    proc = ext.run("worker", "--burst", "--no-schedule", "--skip-checks")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == "worker: 1 task(s) run, 0 failed, 0 schedule slot(s) claimed\n"
    assert "task kefu.core.tests.tasks_for_tests.ping" in proc.stderr
    ext.pull()
    done = DBTaskResult.objects.get(pk=queued.pk)
    assert (done.status, done.return_value) == (
        TaskResultStatus.SUCCESSFUL,
        {"note": "unit HQ", "via": "task"},
    )
    assert AuditEvent.objects.filter(action="tests.ping", object_repr="unit HQ").count() == 1
    assert OrgUnit.objects.get().code == "HQ"


def test_two_worker_processes_claim_each_slot_once(
    transactional_db: Any, db_tasks: None, tmp_path: Path
) -> None:
    ext = ExternalDb(tmp_path)
    ext.push()
    procs = [ext.popen("worker", "--burst", "--skip-checks") for _ in range(2)]
    outputs = [p.communicate(timeout=SUBPROCESS_TIMEOUT) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outputs
    ext.pull()
    assert ScheduleSlot.objects.filter(name="core.housekeeping").count() == 1
    runs = DBTaskResult.objects.filter(task_path="kefu.core.tasks.housekeeping")
    assert [r.status for r in runs] == [TaskResultStatus.SUCCESSFUL]
    assert len(runs[0].worker_ids) == 1


def test_worker_stops_gracefully_on_sigterm(
    transactional_db: Any, db_tasks: None, tmp_path: Path
) -> None:
    ext = ExternalDb(tmp_path)
    ext.push()
    proc = ext.popen("worker", "--interval", "0.1", "--skip-checks")
    try:
        deadline = time.monotonic() + SUBPROCESS_TIMEOUT
        while time.monotonic() < deadline and "started" not in _peek_heartbeat(ext):
            time.sleep(0.2)
        proc.send_signal(signal.SIGTERM)
        _out, err = proc.communicate(timeout=20)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, err
    assert "finishing the current task, then stopping" in err
    assert "stopped:" in err
    ext.pull()
    assert not WorkerHeartbeat.objects.exists()


def _peek_heartbeat(ext: ExternalDb) -> str:
    """'started' once the subprocess has written its heartbeat."""
    if ext.is_sqlite:
        import sqlite3

        with sqlite3.connect(ext.sqlite_file) as conn:
            rows = conn.execute("select count(*) from core_workerheartbeat").fetchone()
        return "started" if rows[0] else ""
    return "started" if WorkerHeartbeat.objects.exists() else ""
