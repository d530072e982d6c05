"""`kefu serve [addrport]`: serve kefu (pages, API and static files through whitenoise).

Applies nothing implicitly: run `kefu migrate` first (the server warns about unapplied
migrations). One process, threaded, without the auto-reloader unless `--reload` is given.
`--workers N` (N > 1) hands over to gunicorn when it is installed.
"""

from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import CommandError, CommandParser
from django.core.management.commands.runserver import Command as RunserverCommand


class Command(RunserverCommand):
    help = "Serve kefu on ADDR:PORT (default 127.0.0.1:8000). Run `kefu migrate` first."

    def add_arguments(self, parser: CommandParser) -> None:
        super().add_arguments(parser)
        parser.set_defaults(use_reloader=False)
        parser.add_argument(
            "--reload",
            action="store_true",
            dest="use_reloader",
            help="Restart when the code changes (for development).",
        )
        parser.add_argument(
            "--workers",
            type=int,
            default=1,
            help="Worker processes; more than 1 needs gunicorn.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["workers"] < 1:
            raise CommandError("--workers must be at least 1.")
        if options["workers"] > 1:
            self._exec_gunicorn(options["addrport"] or "127.0.0.1:8000", options["workers"])
        os.environ.setdefault("DJANGO_RUNSERVER_HIDE_WARNING", "true")
        # whitenoise serves from the finders; an absent STATIC_ROOT only makes it warn.
        Path(settings.STATIC_ROOT).mkdir(parents=True, exist_ok=True)
        super().handle(*args, **options)

    def on_bind(self, server_port: int) -> None:
        addr: str = getattr(self, "addr", "127.0.0.1")  # set by runserver's handle()
        host = "0.0.0.0" if addr == "0" else addr
        if getattr(self, "_raw_ipv6", False):
            host = f"[{addr}]"
        self.stdout.write(
            f"kefu is running at {self.protocol}://{host}:{server_port}/  (Ctrl+C to stop)"
        )
        self.stdout.flush()

    def _exec_gunicorn(self, addrport: str, workers: int) -> None:
        if importlib.util.find_spec("gunicorn") is None:
            raise CommandError(
                f"--workers {workers} needs gunicorn, which is not installed. "
                "Run `kefu serve` without --workers (one threaded process), "
                "or install gunicorn into the same environment."
            )
        bind = addrport if ":" in addrport else f"127.0.0.1:{addrport}"
        self.stdout.write(f"kefu is starting {workers} gunicorn workers on http://{bind}/")
        self.stdout.flush()
        argv = [sys.executable, "-m", "gunicorn", "kefu.wsgi:application"]
        os.execv(sys.executable, [*argv, "--workers", str(workers), "--bind", bind])
