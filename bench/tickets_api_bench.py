"""Tickets API benchmark: creates through POST /api/v1/tickets and list latency at N tickets.

    .venv/bin/python -m bench.tickets_api_bench --tickets 100000
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kefu_bench \\
        .venv/bin/python -m bench.tickets_api_bench --tickets 100000

Runs in one process with Django's test client (server time only: no HTTP, no network),
on the configured database (migrated first; the demo company is loaded when the database
has no units). Background tickets are bulk-inserted into the demo stores, spread over 90
days, 40% open, assigned within the regional customer-service departments. Timed:
sequential creates (an agent with an API token, each with its own Idempotency-Key), then
`GET /api/v1/tickets` pages as the regional agent: open tickets of their department sorted
by due time (page of 25), the same by keyset cursor, and a phone search.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import time
from datetime import timedelta
from typing import Any

BATCH = 5000


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kefu.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    settings.ALLOWED_HOSTS = ["*"]
    call_command("migrate", verbosity=0)
    from kefu.core.models import OrgUnit

    if not OrgUnit.objects.exists():
        call_command("demo", seed=1, scale=1, stdout=open(os.devnull, "w"))  # noqa: SIM115


def _fill(n: int) -> None:
    """Bulk-insert background tickets until the table holds about `n` rows."""
    from django.utils import timezone

    from kefu.core.models import Department, OrgUnit
    from kefu.tickets.choices import Channel, Status, TicketType
    from kefu.tickets.models import Ticket

    have = Ticket.objects.count()
    if have >= n:
        return
    rng = random.Random(7)
    stores = list(OrgUnit.objects.filter(kind="store").select_related("parent"))
    depts = {d.unit_id: d.pk for d in Department.objects.filter(unit__kind="region")}
    now = timezone.now()
    statuses = [Status.OPEN] * 4 + [Status.RESOLVED] * 3 + [Status.CLOSED] * 3
    made = 0
    while have + made < n:
        rows = []
        for i in range(min(BATCH, n - have - made)):
            k = have + made + i
            unit = stores[k % len(stores)]
            created = now - timedelta(minutes=rng.randint(0, 90 * 24 * 60))
            status = rng.choice(statuses)
            rows.append(
                Ticket(
                    number=f"BX{k:012d}",
                    type=rng.choice(TicketType.values),
                    channel=rng.choice(Channel.values),
                    status=status,
                    title=f"背景工单 {k}",
                    description="客户来电咨询",
                    unit_id=unit.pk,
                    department_id=depts.get(unit.parent_id or 0),
                    contact_phone=f"139{k:08d}"[:11],
                    received_at=created,
                    resolution_due=created + timedelta(hours=48),
                )
            )
        Ticket.objects.bulk_create(rows, batch_size=BATCH)
        made += len(rows)


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * q))] * 1000


def _client(username: str) -> tuple[Any, dict[str, str]]:
    from django.test import Client

    from kefu.core.models import User
    from kefu.core.services.tokens import create_token

    _t, raw = create_token(actor=None, user=User.objects.get(username=username), name="bench")
    return Client(), {"Authorization": f"Bearer {raw}"}


def _creates(count: int) -> dict[str, float]:
    client, headers = _client("aftersales")  # a regional agent of the demo company
    times = []
    for i in range(count):
        body = {
            "type": "enquiry",
            "title": f"咨询发票 {i}",
            "description": "客户询问发票开具",
            "contact_phone": "13800000000",
        }
        start = time.perf_counter()
        resp = client.post(
            "/api/v1/tickets",
            data=json.dumps(body),
            content_type="application/json",
            headers={**headers, "Idempotency-Key": f"b-{time.time_ns()}-{i}"},
        )
        times.append(time.perf_counter() - start)
        if resp.status_code != 201:
            raise SystemExit(f"create failed: {resp.status_code} {resp.content[:200]!r}")
    return {"per_s": count / sum(times), "p50_ms": _pct(times, 0.5), "p95_ms": _pct(times, 0.95)}


def _lists(rounds: int) -> dict[str, dict[str, float]]:
    from kefu.core.models import User

    client, headers = _client("aftersales")
    agent = User.objects.get(username="aftersales")
    dept = agent.department_memberships.values_list("department_id", flat=True).first()
    queries: dict[str, dict[str, Any]] = {
        "open, my department, by due (25)": {"status": "open", "department": dept, "limit": 25},
        "open, my units, by due (25)": {"status": "open", "limit": 25},
        "phone search": {"q": "13900001234", "limit": 25},
    }
    out: dict[str, dict[str, float]] = {}
    for name, raw in queries.items():
        params = {k: v for k, v in raw.items() if v is not None}
        times = []
        for _ in range(rounds):
            start = time.perf_counter()
            resp = client.get("/api/v1/tickets", params, headers=headers)
            times.append(time.perf_counter() - start)
            if resp.status_code != 200:
                raise SystemExit(f"list failed: {resp.status_code} {resp.content[:200]!r}")
        out[name] = {
            "p50_ms": _pct(times, 0.5),
            "p95_ms": _pct(times, 0.95),
            "mean_ms": statistics.mean(times) * 1000,
        }
    return out


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=100_000)
    parser.add_argument("--creates", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=50)
    args = parser.parse_args(argv)
    _setup()
    from django.db import connection

    start = time.perf_counter()
    _fill(args.tickets)
    with connection.cursor() as cursor:  # fresh planner statistics, as autovacuum would keep
        cursor.execute("ANALYZE")
    fill_s = time.perf_counter() - start
    creates = _creates(args.creates)
    lists = _lists(args.rounds)
    from kefu.tickets.models import Ticket

    result = {
        "database": connection.vendor,
        "tickets": Ticket.objects.count(),
        "fill_s": round(fill_s, 1),
        "creates": creates,
        "lists": lists,
    }
    print(
        f"database {result['database']}, {result['tickets']:,} tickets "
        f"(filled in {result['fill_s']} s)"
    )
    print(
        f"POST /api/v1/tickets x{args.creates}: {creates['per_s']:.1f}/s sequential, "
        f"p50 {creates['p50_ms']:.1f} ms, p95 {creates['p95_ms']:.1f} ms"
    )
    for name, figures in lists.items():
        print(
            f"GET /api/v1/tickets [{name}]: p50 {figures['p50_ms']:.1f} ms, "
            f"p95 {figures['p95_ms']:.1f} ms"
        )
    return result


if __name__ == "__main__":
    main()
