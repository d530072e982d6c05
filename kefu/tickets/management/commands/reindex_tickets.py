"""`kefu reindex-tickets`: fill the search column (kefu.tickets.search) of existing tickets.

kefu reindex-tickets              # report how many tickets have no search tokens yet
kefu reindex-tickets --apply      # fill them, 2,000 rows per transaction
kefu reindex-tickets --apply --all  # recompute every row (after a tokenizer change)

Run once after upgrading to migration tickets.0005 on a database that already holds
tickets. On SQLite it also recreates the FTS5 table and its triggers if missing.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from kefu.tickets.models import Ticket
from kefu.tickets.search import ensure_sqlite_fts, reindex_tickets


class Command(BaseCommand):
    help = "Fill the ticket search column for existing tickets (dry run unless --apply)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--apply", action="store_true", help="write (default: count)")
        parser.add_argument("--all", action="store_true", help="every row, not only missing")
        parser.add_argument("--batch", type=int, default=2000)

    def handle(self, *args: Any, **options: Any) -> None:
        missing = Ticket.objects.filter(search_vector__isnull=True).count()
        if not options["apply"]:
            self.stdout.write(f"{missing} tickets without search tokens; --apply fills them.")
            return
        ensure_sqlite_fts()
        n = reindex_tickets(batch=options["batch"], only_missing=not options["all"])
        self.stdout.write(f"Indexed {n} tickets.")
