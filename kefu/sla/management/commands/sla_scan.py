"""`kefu sla-scan [--now <ISO 8601>]`: one SLA scan (and prohibition alerts) as of a time,
so days of operations can be replayed exactly."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from kefu.sla.alerts import scan_prohibitions
from kefu.sla.scan import scan_sla


def parse_now(raw: str | None) -> datetime:
    if not raw:
        return timezone.now()
    try:
        value = datetime.fromisoformat(raw)
    except ValueError as exc:
        raise CommandError(f"--now: not an ISO 8601 time: {raw!r}") from exc
    if timezone.is_naive(value):
        value = value.replace(tzinfo=ZoneInfo(settings.TIME_ZONE))
    return value


class Command(BaseCommand):
    help = "Run one SLA breach scan and the prohibition alerts as of --now (default: now)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--now", help="ISO 8601 time, e.g. 2026-10-09T12:00:00+08:00")
        parser.add_argument("--no-alerts", action="store_true", help="Skip prohibition alerts.")

    def handle(self, *args: Any, **options: Any) -> None:
        now = parse_now(options.get("now"))
        result = scan_sla(now=now)
        self.stdout.write(f"SLA scan as of {now.isoformat()}: {result.summary()}")
        if not options.get("no_alerts"):
            self.stdout.write(scan_prohibitions(now=now).summary())
