"""`kefu worker`: run queued background tasks and the periodic schedule."""

from __future__ import annotations

import logging
import signal
from argparse import ArgumentParser, ArgumentTypeError
from types import FrameType
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from kefu.core.services.schedule import new_worker_id
from kefu.core.worker import KefuWorker


def _interval(value: str) -> float:
    number = float(value)
    if not 0 <= number <= 3600:
        raise ArgumentTypeError("must be between 0 and 3600 seconds")
    return number


class Command(BaseCommand):
    help = (
        "Run background tasks and the periodic schedule. Start as many workers as you like, "
        "on as many hosts: each task runs once and each schedule slot is claimed once."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--burst",
            "--once",
            action="store_true",
            dest="burst",
            help="Claim due schedule slots, run queued tasks until none is left, then exit.",
        )
        parser.add_argument(
            "--interval",
            type=_interval,
            default=1.0,
            help="Seconds to wait when the queue is empty (default 1).",
        )
        parser.add_argument(
            "--no-schedule",
            action="store_false",
            dest="schedule",
            help="Only run queued tasks; do not claim periodic-job slots.",
        )
        parser.add_argument(
            "--queues",
            default="*",
            help="Comma-separated queue names to take tasks from (default: all).",
        )
        parser.add_argument("--worker-id", default="", help="Default: host-pid-random.")

    def handle(self, *args: Any, **options: Any) -> None:
        self._configure_logging(options["verbosity"])
        schedule = options["schedule"] and getattr(settings, "KEFU_SCHEDULER_ENABLED", True)
        try:
            worker = KefuWorker(
                worker_id=(options["worker_id"] or new_worker_id())[:64],
                interval=options["interval"],
                schedule=schedule,
                burst=options["burst"],
                queues=[q.strip() for q in options["queues"].split(",") if q.strip()],
            )
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        previous = self._install_signals(worker)
        try:
            stats = worker.run()
        finally:
            for signum, handler in previous.items():
                signal.signal(signum, handler)
        if options["burst"]:
            self.stdout.write(
                f"worker: {stats.tasks_run} task(s) run, {stats.tasks_failed} failed, "
                f"{stats.slots_claimed} schedule slot(s) claimed"
            )

    def _install_signals(self, worker: KefuWorker) -> dict[int, Any]:
        """SIGTERM/SIGINT: finish the task in hand and exit; a second one: exit at once."""

        def _stop(signum: int, frame: FrameType | None) -> None:
            logging.getLogger("kefu.worker").warning(
                "%s: finishing the current task, then stopping (send again to force)",
                signal.strsignal(signum),
            )
            worker.stop()
            signal.signal(signal.SIGINT, signal.SIG_DFL)
            signal.signal(signal.SIGTERM, signal.SIG_DFL)

        previous: dict[int, Any] = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM)}
        signal.signal(signal.SIGINT, _stop)
        signal.signal(signal.SIGTERM, _stop)
        return previous

    def _configure_logging(self, verbosity: int) -> None:
        level = {0: logging.WARNING, 1: logging.INFO}.get(verbosity, logging.DEBUG)
        for name in ("kefu.worker", "kefu.schedule", "kefu.tasks", "django.tasks"):
            logging.getLogger(name).setLevel(level)
