"""`kefu serve [--workers N [--threads T]] [addrport]`: serve kefu (pages, API, static files).

Applies nothing implicitly: run `kefu migrate` first. Without `--workers`: one threaded
process (Django's development server without the auto-reloader unless `--reload` is
given), for trying kefu out. With `--workers N`: the production server, gunicorn with N
worker processes of T threads each (gthread), running `kefu.wsgi:application`. Static
files are served by whitenoise in both modes; before starting gunicorn, `collectstatic`
runs when its manifest in STATIC_ROOT is missing or older than a source file (hashed names,
gzip variants, cached for a year by browsers), so a fresh checkout or an upgrade needs no
extra step.
"""

from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.management import call_command
from django.core.management.base import CommandError, CommandParser
from django.core.management.commands.runserver import Command as RunserverCommand

MANIFEST = "staticfiles.json"


class Command(RunserverCommand):
    help = (
        "Serve kefu on ADDR:PORT (default 127.0.0.1:8000). Run `kefu migrate` first. "
        "--workers N runs the production server (gunicorn)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        super().add_arguments(parser)
        parser.set_defaults(use_reloader=False)
        parser.add_argument(
            "--reload",
            action="store_true",
            dest="use_reloader",
            help="Restart when the code changes (development server only).",
        )
        parser.add_argument(
            "--workers",
            type=int,
            default=None,
            help="Run gunicorn with this many worker processes (e.g. 2 × CPU cores).",
        )
        parser.add_argument(
            "--threads", type=int, default=4, help="Threads per gunicorn worker (default 4)."
        )
        parser.add_argument(
            "--timeout",
            type=int,
            default=60,
            help="Seconds before gunicorn restarts a stuck worker (default 60).",
        )
        parser.add_argument(
            "--access-log", action="store_true", help="Log every request to stdout (gunicorn)."
        )
        parser.add_argument(
            "--no-collectstatic",
            action="store_false",
            dest="collectstatic",
            help="Do not refresh the collected static files before starting gunicorn.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        workers = options["workers"]
        if workers is not None:
            if workers < 1 or options["threads"] < 1:
                raise CommandError("--workers and --threads must be at least 1.")
            self._exec_gunicorn(options["addrport"] or "127.0.0.1:8000", options)
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

    def _exec_gunicorn(self, addrport: str, options: dict[str, Any]) -> None:
        workers, threads = options["workers"], options["threads"]
        if importlib.util.find_spec("gunicorn") is None:
            raise CommandError(
                f"--workers {workers} needs gunicorn, which is not installed. "
                "Run `kefu serve` without --workers (one threaded process), "
                "or install gunicorn into the same environment."
            )
        if options["collectstatic"] and static_is_stale():
            self.stdout.write("Collecting static files (hashed names, gzip variants) …")
            call_command("collectstatic", interactive=False, verbosity=0)
        bind = addrport if ":" in addrport else f"127.0.0.1:{addrport}"
        self.stdout.write(
            f"kefu is starting gunicorn ({workers} workers × {threads} threads) on http://{bind}/"
        )
        self.stdout.flush()
        os.execv(sys.executable, gunicorn_argv(bind, options))


def gunicorn_argv(bind: str, options: dict[str, Any]) -> list[str]:
    """The gunicorn command line: gthread workers, keep-alive, a graceful stop; no
    max-requests recycling (nothing leaks that would need it)."""
    argv = [sys.executable, "-m", "gunicorn", "kefu.wsgi:application"]
    argv += ["--bind", bind, "--workers", str(options["workers"])]
    argv += ["--worker-class", "gthread", "--threads", str(options["threads"])]
    argv += ["--keep-alive", "5", "--timeout", str(options["timeout"])]
    argv += ["--graceful-timeout", "30", "--backlog", "2048"]
    argv += ["--no-control-socket"]  # one shared ~/.gunicorn socket would clash between sites
    if Path("/dev/shm").is_dir():  # heartbeat files off the disk
        argv += ["--worker-tmp-dir", "/dev/shm"]
    if options.get("access_log"):
        argv += ["--access-logfile", "-"]
    return argv


def static_is_stale() -> bool:
    """True when STATIC_ROOT has no manifest or a source file is newer than it."""
    manifest = Path(settings.STATIC_ROOT) / MANIFEST
    if not manifest.exists():
        return True
    collected = manifest.stat().st_mtime
    for finder in finders.get_finders():
        for path, storage in finder.list(None):
            if Path(storage.path(path)).stat().st_mtime > collected:
                return True
    return False
