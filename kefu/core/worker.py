"""What `kefu worker` runs: the scheduler (a thread) and the task loop (the main thread).

The task loop claims one ready task at a time with SELECT … FOR UPDATE SKIP LOCKED
(django-tasks-db; on SQLite an exclusive transaction), runs it and records the result, so
any number of workers on any number of hosts share one queue. The scheduler thread claims
due periodic-job slots (see kefu.core.services.schedule; off with --no-schedule) and keeps
this worker's heartbeat. A long task therefore never delays the schedule.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import OperationalError, close_old_connections, connection
from django.tasks import task_backends
from django.utils import timezone
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.management.commands.db_worker import Worker as DbWorker
from django_tasks_db.models import DBTaskResult
from django_tasks_db.utils import exclusive_transaction, is_locked_database_exception

from kefu.core.choices import Via
from kefu.core.context import Origin, origin
from kefu.core.schedule import periodic_jobs
from kefu.core.services import schedule as schedule_services
from kefu.core.services.task_recovery import requeue_abandoned_tasks

logger = logging.getLogger("kefu.worker")

_MAX_SCHEDULER_SLEEP = 30.0


def _refresh_connections() -> None:
    """Drop broken or expired connections between tasks, as Django does between requests.
    (Never inside a transaction: a test that wraps the worker in one keeps its connection.)"""
    if not connection.in_atomic_block:
        close_old_connections()


@dataclass
class WorkerStats:
    tasks_run: int = 0
    tasks_failed: int = 0
    slots_claimed: int = 0
    ran: list[str] = field(default_factory=list)


class KefuWorker:
    def __init__(
        self,
        *,
        worker_id: str,
        interval: float = 1.0,
        schedule: bool = True,
        burst: bool = False,
        queues: list[str] | None = None,
        backend_name: str = "default",
    ) -> None:
        backend = task_backends[backend_name]
        if not isinstance(backend, DatabaseBackend):
            raise ValueError(
                f"Task backend {backend_name!r} is {type(backend).__name__}; "
                "`kefu worker` needs django_tasks_db.DatabaseBackend (settings.TASKS)."
            )
        self.worker_id = worker_id
        self.interval = interval
        self.schedule = schedule
        self.burst = burst
        self.queues = queues or ["*"]
        self.backend_name = backend_name
        self.started_at = timezone.now()
        self.stats = WorkerStats()
        self.stopping = threading.Event()
        self._seen: dict[str, datetime] = {}
        self._last_beat = 0.0
        self._last_recovery: float | None = None
        self._runner = DbWorker(
            queue_names=self.queues,
            interval=interval,
            batch=burst,
            backend_name=backend_name,
            startup_delay=False,
            max_tasks=None,
            worker_id=worker_id,
            excluded_queue_names=[],
        )

    # --- lifecycle ------------------------------------------------------------------
    def run(self) -> WorkerStats:
        logger.info(
            "worker %s started (queues=%s, schedule=%s, burst=%s)",
            self.worker_id,
            ",".join(self.queues),
            "on" if self.schedule else "off",
            self.burst,
        )
        thread: threading.Thread | None = None
        try:
            if self.burst:
                self.schedule_tick(force_beat=True)
            else:
                thread = threading.Thread(target=self._scheduler_main, name="kefu-scheduler")
                thread.start()
            self._task_loop()
        finally:
            self.stopping.set()
            if thread is not None:
                thread.join()
            self._goodbye()
        return self.stats

    def stop(self) -> None:
        """Finish the task in hand, then exit (called from the signal handler)."""
        self.stopping.set()

    def _goodbye(self) -> None:
        try:
            schedule_services.forget_worker(worker_id=self.worker_id)
        except Exception:  # the database may be what failed; exiting matters more
            logger.exception("could not remove the heartbeat of %s", self.worker_id)
        s = self.stats
        logger.info(
            "worker %s stopped: %d task(s) run, %d failed, %d schedule slot(s) claimed",
            self.worker_id,
            s.tasks_run,
            s.tasks_failed,
            s.slots_claimed,
        )

    # --- scheduler ------------------------------------------------------------------
    def _scheduler_main(self) -> None:
        try:
            while not self.stopping.is_set():
                try:
                    self.schedule_tick()
                except Exception:
                    logger.exception("scheduler tick failed; retrying")
                self.stopping.wait(self._scheduler_sleep())
        finally:
            if not connection.in_atomic_block:
                connection.close()

    def schedule_tick(self, *, force_beat: bool = False) -> None:
        """Heartbeat (every worker, so /readyz sees it), requeue the tasks of dead workers
        and, with the schedule on, claim the due slots."""
        _refresh_connections()
        every = float(getattr(settings, "KEFU_WORKER_HEARTBEAT_SECONDS", 10))
        if force_beat or time.monotonic() - self._last_beat >= every:
            schedule_services.beat(worker_id=self.worker_id, started_at=self.started_at)
            self._last_beat = time.monotonic()
        if self._last_recovery is None or time.monotonic() - self._last_recovery >= every:
            # tasks left RUNNING by a worker that was killed go back to the queue
            requeue_abandoned_tasks(backend_name=self.backend_name)
            self._last_recovery = time.monotonic()
        if self.schedule:
            claims = schedule_services.run_due_jobs(worker_id=self.worker_id, seen=self._seen)
            self.stats.slots_claimed += sum(1 for c in claims if c.won)

    def _scheduler_sleep(self) -> float:
        now = timezone.now()
        every = float(getattr(settings, "KEFU_WORKER_HEARTBEAT_SECONDS", 10))
        wake = now + timedelta(seconds=min(every, _MAX_SCHEDULER_SLEEP))
        nxt = schedule_services.next_due(now=now, jobs=periodic_jobs()) if self.schedule else None
        if nxt is not None:
            wake = min(wake, nxt)
        return max(0.05, (wake - now).total_seconds())

    # --- tasks ----------------------------------------------------------------------
    def _task_loop(self) -> None:
        while not self.stopping.is_set():
            _refresh_connections()
            claimed, db_result = self._claim_next()
            if db_result is not None:
                if self.burst:  # no scheduler thread: beat before each task instead
                    schedule_services.beat(worker_id=self.worker_id, started_at=self.started_at)
                self._run(db_result)
                continue
            if self.burst and claimed:
                return
            self.stopping.wait(self.interval)

    def _claim_next(self) -> tuple[bool, DBTaskResult[Any, Any] | None]:
        """(asked the database?, the claimed task or None)."""
        ready = DBTaskResult.objects.ready().filter(backend_name=self.backend_name)
        if "*" not in self.queues:
            ready = ready.filter(queue_name__in=self.queues)
        try:
            with exclusive_transaction(ready.db):
                db_result = ready.get_locked()
                if db_result is not None:
                    db_result.claim(self.worker_id)
        except OperationalError as exc:
            if is_locked_database_exception(exc):
                return False, None
            raise
        return True, db_result

    def _run(self, db_result: DBTaskResult[Any, Any]) -> None:
        path = db_result.task_path
        started = time.monotonic()
        with origin(Origin(via=Via.TASK, request_id=str(db_result.id))):
            self._runner.run_task(db_result)
        failed = db_result.status == "FAILED"
        self.stats.tasks_run += 1
        self.stats.tasks_failed += int(failed)
        self.stats.ran.append(path)
        log = logger.error if failed else logger.info
        log(
            "task %s id=%s %s in %.3fs",
            path,
            db_result.id,
            db_result.status,
            time.monotonic() - started,
        )
        if failed and db_result.traceback:
            logger.error("  %s", db_result.traceback.strip().splitlines()[-1])
