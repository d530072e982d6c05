"""SLA breach scan benchmark: N open tickets, 1% of them newly due, one scan timed.

    .venv/bin/python -m bench.sla_scan_bench --tickets 100000
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/h6bench \\
        .venv/bin/python -m bench.sla_scan_bench --tickets 100000

Runs on the configured database (DATABASE_URL; migrated first; a missing PostgreSQL
database is created). Tickets go into a unit of their own (code BENCH-SLA) and are removed
before each run. The due tickets have a first response due a minute ago, so the scan
records a breach, a level-1 escalation and an alert for the unit's supervisor on each.
Also timed: a second scan at the same moment (nothing due: the index lookup alone), and the
prohibition alerts (the due tickets' follow-up date passed five minutes ago).
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from datetime import datetime, timedelta
from typing import Any

BATCH = 5000


def _fixtures() -> tuple[Any, Any]:
    from kefu.core.choices import Role, UnitKind
    from kefu.core.models import OrgUnit, UnitAssignment, User
    from kefu.sla.models import SlaPolicy

    unit = OrgUnit.objects.filter(code="BENCH-SLA").first()
    if unit is None:
        unit = OrgUnit.objects.create(code="BENCH-SLA", name="SLA benchmark", kind=UnitKind.STORE)
        unit.path, unit.depth = f"/{unit.pk}/", 1
        unit.save(update_fields=["path", "depth"])
    sup, _ = User.objects.get_or_create(username="bench-sla-supervisor")
    UnitAssignment.objects.get_or_create(user=sup, unit=unit, role=Role.SUPERVISOR)
    policy, _ = SlaPolicy.objects.get_or_create(
        name="SLA benchmark (natural time)",
        defaults={"order": 9999, "first_response_minutes": 24 * 60, "business_time": False},
    )
    return unit, policy


def _ticket(i: int, unit: Any, policy: Any, now: datetime, due: bool, rng: random.Random) -> Any:
    from kefu.tickets.models import Ticket

    if due:
        first_due = now - timedelta(minutes=1)
        check = first_due
    else:
        first_due = now + timedelta(minutes=rng.randrange(300, 30 * 24 * 60))
        check = first_due - timedelta(hours=4)
    return Ticket(
        number=f"BSLA{i:010d}",
        type="enquiry",
        channel="phone",
        status="open",
        title=f"bench {i}",
        unit=unit,
        received_at=now - timedelta(hours=1),
        sla_policy=policy,
        sla_state="on_track",
        first_response_due=first_due,
        next_sla_check_at=check,
        next_follow_up_at=now - timedelta(minutes=5) if due else None,
    )


def populate(tickets: int, now: datetime, *, seed: int = 20261001, every: int = 100) -> int:
    """Replace the benchmark unit's tickets with `tickets` open ones; returns how many are due."""
    from django.db import connection, transaction

    from kefu.sla.models import Alert
    from kefu.tickets.models import Ticket

    unit, policy = _fixtures()
    Alert.objects.filter(ticket__unit=unit).delete()
    Ticket.objects.filter(unit=unit).delete()
    rng = random.Random(seed)
    due_count = 0
    for start in range(0, tickets, BATCH):
        rows = []
        for i in range(start, min(start + BATCH, tickets)):
            due = i % every == every - 1 or (tickets < every and i == 0)
            due_count += due
            rows.append(_ticket(i, unit, policy, now, due, rng))
        with transaction.atomic():
            Ticket.objects.bulk_create(rows, batch_size=1000)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE tickets_ticket")
    return due_count


def _plan(now: datetime) -> str:
    from django.db import connection

    from kefu.tickets.models import Ticket

    if connection.vendor != "postgresql":
        return ""
    qs = Ticket.objects.filter(next_sla_check_at__lte=now).order_by("next_sla_check_at", "pk")
    lines = [line.strip().removeprefix("-> ") for line in qs[:500].explain().splitlines()]
    return " | ".join(line for line in lines if "Scan" in line or "Index" in line)


def run(
    tickets: int, *, now: datetime | None = None, every: int = 100, profile: bool = False
) -> dict[str, Any]:
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    from kefu.sla.alerts import scan_prohibitions
    from kefu.sla.scan import scan_sla

    now = now or datetime.now().astimezone()
    began = time.perf_counter()
    due = populate(tickets, now, every=every)
    populate_s = time.perf_counter() - began
    reset_queries()
    profiler = _profiler() if profile else None
    with CaptureQueriesContext(connection) as ctx:
        began = time.perf_counter()
        if profiler is not None:
            profiler.enable()
        result = scan_sla(now=now)
        scan_s = time.perf_counter() - began
    if profiler is not None:
        profiler.disable()
        _print_profile(profiler)
    began = time.perf_counter()
    again = scan_sla(now=now)
    idle_s = time.perf_counter() - began
    began = time.perf_counter()
    alerts = scan_prohibitions(now=now)
    alerts_s = time.perf_counter() - began
    return {
        "tickets": tickets,
        "due": due,
        "checked": result.checked,
        "breaches": result.breaches,
        "alerts": result.alerts,
        "scan_s": scan_s,
        "ms_per_due_ticket": scan_s * 1000 / max(result.checked, 1),
        "queries": len(ctx.captured_queries),
        "idle_scan_ms": idle_s * 1000,
        "idle_checked": again.checked,
        "prohibition_scan_s": alerts_s,
        "follow_up_alerts": alerts.follow_up_passed,
        "populate_s": populate_s,
        "plan": _plan(now),
        "vendor": connection.vendor,
    }


def _profiler() -> Any:
    import cProfile

    return cProfile.Profile()


def _print_profile(profiler: Any) -> None:
    import pstats

    stats = pstats.Stats(profiler, stream=sys.stderr)
    stats.sort_stats("cumulative").print_stats(40)
    stats.sort_stats("tottime").print_stats(25)


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kefu.settings")
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith("postgres"):
        _create_pg_database(url)
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


def _create_pg_database(url: str) -> None:
    import dj_database_url
    import psycopg

    cfg = dj_database_url.parse(url)
    conninfo = psycopg.conninfo.make_conninfo(
        host=str(cfg.get("HOST") or "127.0.0.1"),
        port=str(cfg.get("PORT") or 5432),
        user=str(cfg.get("USER") or "postgres"),
        password=str(cfg.get("PASSWORD") or ""),
        dbname="postgres",
    )
    with psycopg.connect(conninfo, autocommit=True) as conn:
        found = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [cfg["NAME"]])
        if found.fetchone() is None:
            conn.execute(f'CREATE DATABASE "{cfg["NAME"]}"')


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=100_000)
    parser.add_argument("--due-every", type=int, default=100, help="one ticket in N is due")
    parser.add_argument("--profile", action="store_true", help="cProfile the scan (stderr)")
    args = parser.parse_args(argv)
    if args.tickets < 1:
        parser.error("--tickets must be at least 1")
    if args.due_every < 1:
        parser.error("--due-every must be at least 1")
    _setup()
    results = run(args.tickets, every=args.due_every, profile=args.profile)
    for key, value in results.items():
        shown = f"{value:.3f}" if isinstance(value, float) else value
        print(f"{key} {shown}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
