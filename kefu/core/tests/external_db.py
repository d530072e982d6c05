"""The test database made reachable from a `kefu` subprocess.

PostgreSQL: the subprocess connects to the database pytest-django created. SQLite: that
database lives in memory, so `push()` copies it to a file for the subprocess and `pull()`
copies the file back (the sqlite3 backup API), after which the ORM sees what the
subprocess wrote. Use with `transactional_db` so pushed rows are committed.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.db import connection


class ExternalDb:
    def __init__(self, tmp_path: Path) -> None:
        self.tmp_path = tmp_path
        self.sqlite_file = tmp_path / "kefu.sqlite3"

    @property
    def is_sqlite(self) -> bool:
        return connection.vendor == "sqlite"

    def url(self) -> str:
        if self.is_sqlite:
            return f"sqlite:///{self.sqlite_file}"
        s = connection.settings_dict
        auth = quote(s["USER"] or "")
        if s.get("PASSWORD"):
            auth += ":" + quote(s["PASSWORD"])
        return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"

    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if k not in {"KEFU_TESTING", "REDIS_URL"}}
        env.update(
            DATABASE_URL=self.url(),
            KEFU_VAR_DIR=str(self.tmp_path / "var"),
            KEFU_TEST_DB_TASKS="1",
            PYTHONDONTWRITEBYTECODE="1",
            LOG_LEVEL="INFO",
        )
        return env

    def push(self) -> None:
        if self.is_sqlite:
            connection.ensure_connection()
            target = sqlite3.connect(self.sqlite_file)
            try:
                connection.connection.backup(target)
            finally:
                target.close()

    def pull(self) -> None:
        if self.is_sqlite:
            source = sqlite3.connect(self.sqlite_file)
            try:
                source.backup(connection.connection)
            finally:
                source.close()

    def command(self, *args: str) -> list[str]:
        return [sys.executable, "-m", "kefu", *args]

    def run(self, *args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            self.command(*args),
            env=self.env(),
            cwd=settings.BASE_DIR,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )

    def popen(self, *args: str) -> subprocess.Popen[str]:
        return subprocess.Popen(
            self.command(*args),
            env=self.env(),
            cwd=settings.BASE_DIR,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
