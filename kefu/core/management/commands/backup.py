"""`kefu backup [--output PATH]`: the database and the media folder in one .tar.gz.

kefu backup                               # var/backups/kefu-YYYYmmdd-HHMMSS.tar.gz
kefu backup --output /srv/backups/kefu.tar.gz

SQLite is copied with the online backup API and PostgreSQL with `pg_dump`, so kefu can
keep running. `kefu restore PATH --yes` puts it back.
"""

from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from kefu.core.choices import Via
from kefu.core.context import Origin, origin
from kefu.core.services.backup import BackupError, create_backup, default_backup_path


class Command(BaseCommand):
    help = "Back up the database and the media folder (attachments, uploads) to one archive."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--output", default=None, help="Archive path (default var/backups/kefu-<time>.tar.gz)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        output = Path(options["output"]) if options["output"] else default_backup_path()
        if output.is_dir():
            raise CommandError(f"{output} is a directory; give a file name such as kefu.tar.gz.")
        with origin(Origin(via=Via.COMMAND)):
            try:
                result = create_backup(output=output)
            except (BackupError, OSError) as exc:
                raise CommandError(f"Backup failed: {exc}") from exc
        self.stdout.write(
            f"{result.path} ({result.size:,} bytes): {result.tables} tables, "
            f"{result.rows} rows, {result.media_files} media files"
        )
