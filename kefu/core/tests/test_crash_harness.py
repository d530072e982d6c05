"""The crash-safety harness (bench/crash_harness.py) on the database the suite runs on:
`kefu serve` and `kefu worker` killed with SIGKILL a few times while tickets are created
and updated; nothing acknowledged may be lost, nothing duplicated, no queued work stuck.

A short run by default (3 kill cycles); `--crash-cycles N` or KEFU_CRASH_CYCLES=N for a
longer one. On PostgreSQL the harness uses its own database next to the test database
(named after it and the xdist worker), created and dropped by the harness."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from django.conf import settings

from bench.crash_harness import Options, run

KEFU = Path(sys.executable).with_name("kefu")

pytestmark = pytest.mark.skipif(not KEFU.exists(), reason=f"no kefu console script at {KEFU}")


def _cycles(config: pytest.Config) -> int:
    option = config.getoption("--crash-cycles", default=None)
    return int(option or os.environ.get("KEFU_CRASH_CYCLES") or 3)


def _options(cycles: int, db: dict[str, Any]) -> Options:
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    opts = Options(cycles=cycles, seed=7, threads=2, quiet=True, time_limit=900)
    if db["ENGINE"] == "django.db.backends.sqlite3":
        return opts
    auth = quote(db.get("USER") or "")
    if db.get("PASSWORD"):
        auth += ":" + quote(db["PASSWORD"])
    name = f"{db['NAME']}_harness_{worker}"  # never the test database itself
    opts.db = "postgres"
    opts.pg_url = (
        f"postgres://{auth}@{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}/{name}"
    )
    return opts


def test_nothing_acknowledged_is_lost_or_duplicated_across_kill_cycles(
    request: pytest.FixtureRequest,
) -> None:
    cycles = _cycles(request.config)
    report = run(_options(cycles, settings.DATABASES["default"]))
    table = report.table()
    assert report.ok, table
    assert report.cycles == cycles
    assert report.acknowledged > 0, table
    assert report.found == report.acknowledged, table
    assert (report.lost, report.duplicates, report.duplicate_numbers) == (0, 0, 0), table
    assert (report.still_pending, report.rejected) == (0, 0), table
    # queued work resumed after the kills
    assert report.overdue >= 1, table
    assert (report.unescalated, report.duplicate_escalations) == (0, 0), table
    assert (report.undelivered, report.unknown_deliveries) == (0, 0), table
    assert report.delivered + report.failed == report.messages, table
    assert report.stuck_tasks == 0, table


def test_the_postgres_database_name_follows_the_test_database() -> None:
    db = {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": "test_kefu",
        "USER": "postgres",
        "PASSWORD": "p@ss",
        "HOST": "",
        "PORT": "",
    }
    opts = _options(2, db)
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    assert (opts.db, opts.cycles) == ("postgres", 2)
    assert opts.pg_url == f"postgres://postgres:p%40ss@127.0.0.1:5432/test_kefu_harness_{worker}"
