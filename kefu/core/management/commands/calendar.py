"""`kefu calendar import|deadline`: business-calendar tasks for operators on the server.

kefu calendar import 2027.csv              # check only: prints the preview / errors
kefu calendar import 2027.csv --apply      # replace 2027's global days with the file
kefu calendar import store.csv --calendar 3 --year 2027 --apply
kefu calendar deadline 2026-09-30T17:00 2 [--unit 12]
"""

from __future__ import annotations

import math
import sys
from argparse import ArgumentParser
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kefu.core.choices import Via
from kefu.core.context import Origin, origin
from kefu.core.errors import DomainError
from kefu.core.models import BusinessCalendar, OrgUnit
from kefu.core.schemas_calendar import MAX_HOURS
from kefu.core.services import calendar as services


class Command(BaseCommand):
    help = "Import a year's holidays and make-up workdays from CSV, or compute a deadline."

    def add_arguments(self, parser: ArgumentParser) -> None:
        assert isinstance(parser, CommandParser)
        sub = parser.add_subparsers(dest="action", required=True, parser_class=CommandParser)
        imp = sub.add_parser("import", help="Check (or with --apply, import) a year from CSV.")
        imp.add_argument("file", help="CSV file (date,kind,name or 日期,类型,名称); - for stdin")
        imp.add_argument("--calendar", type=int, default=None, help="Calendar id (default: all)")
        imp.add_argument("--year", type=int, default=None, help="Every row must be in this year")
        imp.add_argument("--apply", action="store_true", help="Write (default: dry run)")
        due = sub.add_parser("deadline", help="Start + working hours → due moment and source.")
        due.add_argument("start", help="ISO 8601, e.g. 2026-09-30T17:00+08:00")
        due.add_argument("hours", help="Working hours, e.g. 1.5")
        due.add_argument("--unit", type=int, default=None, help="Organisation unit id")

    def handle(self, *args: Any, **options: Any) -> None:
        with origin(Origin(via=Via.COMMAND)):
            try:
                getattr(self, f"_{options['action']}")(options)
            except DomainError as exc:
                raise CommandError(f"{exc.message} {exc.details or ''}".strip()) from exc

    def _import(self, options: dict[str, Any]) -> None:
        calendar = None
        if options["calendar"] is not None:
            calendar = BusinessCalendar.objects.filter(pk=options["calendar"]).first()
            if calendar is None:
                raise CommandError(f"No calendar with id {options['calendar']}.")
        preview = services.import_calendar_year(
            actor=None,
            file_bytes=_read(options["file"]),
            calendar=calendar,
            year=options["year"],
            apply=options["apply"],
        )
        target = calendar.name if calendar else "all calendars"
        for day in preview.days:
            self.stdout.write(f"{day.row:>5}  {day.date.isoformat()}  {day.kind:<8} {day.name}")
        if preview.errors:
            for err in preview.errors:
                self.stderr.write(f"row {err.row}, {err.column} {err.value!r}: {err.reason}")
            raise CommandError(f"{len(preview.errors)} problem(s); nothing was written.")
        summary = f"{len(preview.days)} day(s) for {preview.year} ({target})"
        if preview.applied:
            self.stdout.write(f"Imported {summary}; {preview.existing} old day(s) replaced.")
        else:
            self.stdout.write(
                f"Dry run: {summary} would replace {preview.existing} day(s). "
                "Nothing written; add --apply to import."
            )

    def _deadline(self, options: dict[str, Any]) -> None:
        try:
            start = datetime.fromisoformat(options["start"])
        except ValueError:
            raise CommandError(f"Not an ISO 8601 moment: {options['start']!r}.") from None
        try:
            hours = float(options["hours"])
        except ValueError:
            hours = math.nan
        if not (math.isfinite(hours) and 0 < hours <= MAX_HOURS):
            raise CommandError(f"HOURS must be a number above 0 and at most {MAX_HOURS}.")
        unit = None
        if options["unit"] is not None:
            unit = OrgUnit.objects.select_related("calendar").filter(pk=options["unit"]).first()
            if unit is None:
                raise CommandError(f"No unit with id {options['unit']}.")
        calendar = services.calendar_for_unit(unit)
        result = services.add_business_time(start, timedelta(hours=hours), calendar)
        self.stdout.write(f"{result.due.isoformat(timespec='seconds')} {result.source}")


def _read(name: str) -> bytes:
    limit = services.IMPORT_MAX_BYTES + 1
    if name == "-":
        return sys.stdin.buffer.read(limit)
    try:
        with Path(name).open("rb") as handle:
            return handle.read(limit)
    except OSError as exc:
        raise CommandError(f"Cannot read {name}: {exc.strerror}.") from exc
