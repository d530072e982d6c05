"""`kefu restore PATH --yes`: replace the database and media with a `kefu backup` archive.

The archive must come from the same kind of database (SQLite → SQLite, PostgreSQL →
PostgreSQL). After restoring, every table's row count and checksum is compared with the
archive's manifest. Without a terminal (CI, cron) `--yes` is required.
"""

from __future__ import annotations

import os
import sys
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from kefu.core.choices import Via
from kefu.core.context import Origin, origin
from kefu.core.services.backup import BackupError, restore_backup


class Command(BaseCommand):
    help = "Restore the database and media folder from a `kefu backup` archive (destructive)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("path", help="The .tar.gz written by `kefu backup`.")
        parser.add_argument("--yes", action="store_true", help="Do not ask for confirmation.")

    def handle(self, *args: Any, **options: Any) -> None:
        archive = Path(options["path"])
        if not archive.is_file():
            raise CommandError(f"No backup file at {archive}.")
        if not options["yes"]:
            self._confirm(archive)
        with origin(Origin(via=Via.COMMAND)):
            try:
                result = restore_backup(archive=archive)
            except (BackupError, OSError) as exc:
                raise CommandError(f"Restore failed: {exc}") from exc
        self.stdout.write(
            f"restored {archive} ({result.media_files} media files)\n"
            f"verified: {result.tables} tables, {result.rows} rows"
        )

    def _confirm(self, archive: Path) -> None:
        if os.environ.get("CI") or not sys.stdin.isatty():
            raise CommandError(
                "Restore replaces the whole database and the media files; "
                "pass --yes to confirm (there is no prompt without a terminal)."
            )
        answer = input(f"Replace the database and media with {archive}? Type 'yes': ")
        if answer.strip().lower() != "yes":
            raise CommandError("Restore cancelled.")
