"""Scale data generator: customers, members with purchases, tickets with their timelines.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kefu_bench_scale \\
        .venv/bin/python -m bench.generate            # 1M tickets, 1M customers, 10M purchases
    KEFU_VAR_DIR=/tmp/kefu-scale .venv/bin/python -m bench.generate   # SQLite: 100,000 tickets

Builds on the demo company: the database is migrated and, when it has no units, `kefu demo
--seed 1` runs first, so users, units, departments, categories and SLA policies exist. Rows
are written in committed chunks, by COPY on PostgreSQL and executemany on SQLite, with every
index and constraint of the migrations in place. Primary keys come from each table's
sequence and ticket numbers continue the daily counters (TicketCounter), so the application
creates tickets afterwards without clashes. A database that already holds generated data is
refused unless --append is given. Prints progress (rows/s) and a summary. --drop-indexes
(PostgreSQL) drops the big tables' plain indexes during the load and rebuilds them from
their own definitions (pg_indexes) at the end; unique indexes and constraints stay.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections.abc import Iterator
from datetime import datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

if TYPE_CHECKING:  # both import models: loaded after django.setup()
    from bench._scale_tickets import Org

CHUNK = 20_000
TZ = ZoneInfo("Asia/Shanghai")

ACTION = "bench.generate"  # the audit action that marks a generated database
BIG_TABLES = (
    "customers_customer", "customers_customerphone", "members_member", "members_purchase",
    "tickets_ticket", "tickets_ticketevent",
)  # fmt: skip
ITEMS = ["电饭煲", "空气净化器", "洗衣机", "冰箱", "电热水器", "净水器", "电风扇", "吸尘器"]


def setup() -> None:
    """Django on the configured database, migrated, with the demo company."""
    from bench.sla_scan_bench import _setup

    _setup()
    from django.core.management import call_command

    from kefu.core.models import OrgUnit

    if not OrgUnit.objects.exists():
        print("Loading the demo company (kefu demo --seed 1) …", flush=True)
        call_command("demo", seed=1, scale=1, stdout=_devnull())


def _devnull() -> Any:
    import os

    return open(os.devnull, "w")  # noqa: SIM115


def already_generated() -> bool:
    from kefu.core.models import AuditEvent

    return AuditEvent.objects.filter(action=ACTION).exists()


def _chunks(total: int) -> Iterator[int]:
    done = 0
    while done < total:
        n = min(CHUNK, total - done)
        yield n
        done += n


def customers(n: int, now: datetime, rng: random.Random, quiet: bool) -> int:
    """`n` customers with a mobile (every tenth a landline too), made like the import
    benchmark's rows (pools of names, companies and streets combined by index)."""
    from bench._bulk import BulkTable, Progress
    from bench.import_bench import make_row
    from kefu.core.models import OrgUnit
    from kefu.customers.choices import CustomerKind
    from kefu.customers.models import Customer, CustomerPhone
    from kefu.customers.names import name_key

    stores = list(OrgUnit.objects.filter(kind="store").values_list("pk", flat=True))
    table = BulkTable(Customer, ("id", "created_at", "updated_at", "unit_id", "kind", "name",
                                 "name_key", "grade", "source", "email", "id_number",
                                 "address"))  # fmt: skip
    phones = BulkTable(CustomerPhone, ("id", "customer_id", "number", "label", "is_primary"))
    progress = Progress("customers", n, quiet=quiet)
    offset = table.reserve(1)[0]  # row index base: phones stay unique across --append runs
    for size in _chunks(n):
        ids = table.reserve(size)
        rows, phone_rows = [], []
        for pk in ids:
            r = make_row(pk + offset, rng)
            kind = CustomerKind.COMPANY if r[1] == "企业" else CustomerKind.PERSON
            made = now - timedelta(days=rng.randrange(3 * 365))
            rows.append((pk, made, made, rng.choice(stores), kind, r[0], name_key(r[0], kind),
                         r[5], "", r[12], r[3], r[4]))  # fmt: skip
            for k, number in enumerate(r[2].split("，")):
                phone_rows.append((pk, number.replace("-", ""), "" if k == 0 else "座机", k == 0))
        table.write(rows)
        phone_ids = phones.reserve(len(phone_rows))
        phones.write([(i, *p) for i, p in zip(phone_ids, phone_rows, strict=True)])
        progress.add(size)
    progress.finish()
    return table.written


def customer_sample(limit: int = 200_000) -> list[tuple[int, str, str]]:
    """(id, name, primary phone) of up to `limit` customers, to link members and tickets to."""
    from kefu.customers.models import CustomerPhone

    rows = CustomerPhone.objects.filter(is_primary=True).order_by("-customer_id")
    return list(rows.values_list("customer_id", "customer__name", "number")[:limit])


def members(n: int, purchases: int, now: datetime, rng: random.Random, quiet: bool) -> int:
    """`n` filed members of sampled customers, and `purchases` purchases spread over them
    (lifetime spend and points balance add up to their purchases)."""
    from bench._bulk import BulkTable, Progress
    from kefu.core.models import OrgUnit
    from kefu.members.models import Member, MemberTier, Purchase

    people = customer_sample()
    if not people:
        raise SystemExit("no customers to make members of: generate customers first")
    stores = list(OrgUnit.objects.filter(kind="store").values_list("pk", flat=True))
    tiers: list[int | None] = [*MemberTier.objects.order_by("level").values_list("pk", flat=True)]
    tiers = tiers or [None]
    table = BulkTable(Member, ("id", "created_at", "updated_at", "customer_id", "unit_id",
                               "card_number", "tier_id", "status", "name", "gender", "phone",
                               "registered_on", "expires_on", "points_balance",
                               "lifetime_spend"))  # fmt: skip
    buys = BulkTable(Purchase, ("id", "member_id", "unit_id", "purchased_at", "amount",
                                "receipt_number", "items", "points_earned", "source",
                                "created_at"))  # fmt: skip
    progress = Progress("members + purchases", n + purchases, quiet=quiet)
    assigned, per_member = 0, purchases / max(n, 1)
    for size in _chunks(n):
        ids = table.reserve(size)
        target = round(purchases * (table.written + size) / n) - assigned
        counts = _fit([rng.randint(0, int(2 * per_member)) for _ in ids], target)
        assigned += target
        buy_ids = iter(buys.reserve(sum(counts)))
        rows, buy_rows = [], []
        for pk, count in zip(ids, counts, strict=True):
            customer_id, name, phone = rng.choice(people)
            store = rng.choice(stores)
            joined = now - timedelta(days=rng.randrange(3 * 365))
            spend = Decimal(0)
            for _ in range(count):
                at = joined + (now - joined) * rng.random()
                amount = Decimal(rng.randrange(1500, 900000)) / 100
                spend += amount
                bid = next(buy_ids)
                buy_rows.append((bid, pk, store, at, amount, f"R{bid:012d}",
                                 rng.choice(ITEMS), int(amount), "import", at))  # fmt: skip
            rows.append((pk, joined, joined, customer_id, store, f"M{pk:011d}",
                         tiers[min(len(tiers) - 1, int(spend) // 20000)], "filed", name,
                         rng.choice(("male", "female")), phone, joined.astimezone(TZ).date(),
                         (joined + timedelta(days=3 * 365)).astimezone(TZ).date(), int(spend),
                         spend))  # fmt: skip
        table.write(rows)
        for start in range(0, len(buy_rows), CHUNK * 5):
            buys.write(buy_rows[start : start + CHUNK * 5])
        progress.add(size + len(buy_rows))
    progress.finish()
    return buys.written


def _fit(counts: list[int], target: int) -> list[int]:
    """Scale purchase counts so they add up to `target` exactly (spread the remainder)."""
    total = sum(counts)
    if total > target:
        counts = [c * target // total for c in counts]
    for i in range(target - sum(counts)):
        counts[i % len(counts)] += 1
    return counts


def load_org() -> Org:
    from bench._scale_tickets import Org
    from kefu.core.models import Department, DepartmentMembership, OrgUnit
    from kefu.sla.models import SlaPolicy
    from kefu.tickets.models import Category, TicketCounter

    stores = list(
        OrgUnit.objects.filter(kind="store").order_by("pk").values_list("pk", "parent_id")
    )
    service = {
        unit: pk
        for pk, unit in Department.objects.filter(kind="customer_service", is_active=True)
        .order_by("-pk")
        .values_list("pk", "unit_id")
    }
    agents: dict[int | None, list[tuple[int | None, str]]] = {}
    for dept, user, label in DepartmentMembership.objects.filter(user__is_active=True).values_list(
        "department_id", "user_id", "user__display_name"
    ):
        agents.setdefault(dept, []).append((user, label))
        agents.setdefault(None, []).append((user, label))
    policy = SlaPolicy.objects.filter(is_active=True).order_by("order", "pk").first()
    regions: dict[int | None, list[int]] = {}
    for pk, parent in stores:
        regions.setdefault(parent, []).append(pk)
    turns = [group[i] for i in range(len(stores)) for group in regions.values() if i < len(group)]
    return Org(
        stores=[pk for pk, _ in stores],
        spread=turns,
        department_of={pk: service.get(parent or 0) for pk, parent in stores},
        agents_of=agents,
        categories=dict(Category.objects.values_list("code", "pk")),
        policy_id=policy.pk if policy else None,
        customers=customer_sample(),
        counters=dict(TicketCounter.objects.values_list("day", "last")),
    )


def tickets(
    n: int, events: int, long: int, now: datetime, rng: random.Random, quiet: bool
) -> tuple[int, int]:  # noqa: E501
    """`n` tickets over three years with `events` events each, plus `long` open tickets of
    50 events (reference BENCH-50EVENTS) for the ticket page benchmark."""
    from bench._bulk import BulkTable, Progress
    from bench._scale_tickets import EVENT_COLUMNS, TICKET_COLUMNS, TicketRows, received_times
    from kefu.tickets.models import Ticket, TicketEvent

    org = load_org()
    if not org.stores:
        raise SystemExit("the database has no stores: run `kefu demo` first")
    builder = TicketRows(org, now, rng, events)
    table, timeline = BulkTable(Ticket, TICKET_COLUMNS), BulkTable(TicketEvent, EVENT_COLUMNS)
    times = received_times(n, now, 3, rng) + [now - timedelta(hours=2)] * long
    progress = Progress("tickets + events", n + long, quiet=quiet)
    done = 0
    for size in _chunks(n + long):
        ids = table.reserve(size)
        infos, rows = [], []
        for k, pk in enumerate(ids):
            index = done + k
            row, info = builder.ticket(pk, times[index], long=index - n if index >= n else None)
            rows.append(row)
            infos.append(info)
        event_ids = iter(
            timeline.reserve(sum(_event_count(i, n, events, done) for i in range(size)))
        )  # noqa: E501
        event_rows = [
            e
            for k, info in enumerate(infos)
            for e in builder.timeline(info, _event_count(k, n, events, done), event_ids)
        ]
        table.write(rows)
        for start in range(0, len(event_rows), CHUNK * 2):
            timeline.write(event_rows[start : start + CHUNK * 2])
        done += size
        progress.add(size)
    progress.finish()
    save_counters(org)
    return table.written, timeline.written


def _event_count(k: int, n: int, events: int, done: int) -> int:
    return 50 if done + k >= n else events


def save_counters(org: Org) -> None:
    """Raise each day's TicketCounter to the last number handed out (never lower it)."""
    from django.db import connection, transaction

    bigger = "GREATEST" if connection.vendor == "postgresql" else "MAX"
    sql = (
        "INSERT INTO tickets_ticketcounter (day, last) VALUES (%s, %s) ON CONFLICT (day) "
        f"DO UPDATE SET last = {bigger}(tickets_ticketcounter.last, excluded.last)"
    )
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.executemany(sql, [(day.isoformat(), last) for day, last in org.counters.items()])


def run(*, tickets_n: int, customers_n: int, members_n: int, purchases_n: int,
        events: int = 4, long: int = 5, seed: int = 20261122, append: bool = False,
        drop_indexes: bool = False, quiet: bool = False) -> dict[str, Any]:  # fmt: skip
    """Generate into the current database (Django set up, demo company loaded)."""
    from django.db import connection

    from bench._bulk import secondary_indexes_dropped
    from kefu.core.choices import Via
    from kefu.core.context import Origin, origin
    from kefu.core.services.audit import record_audit

    if already_generated() and not append:
        raise SystemExit("this database already holds generated data: pass --append to add more")
    rng, now, started = random.Random(seed), datetime.now(TZ), time.perf_counter()
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        with connection.cursor() as cursor:  # this session only: chunks need no flush each
            cursor.execute("SET synchronous_commit TO off")
    out: dict[str, Any] = {"database": connection.vendor}
    with secondary_indexes_dropped(BIG_TABLES, enabled=drop_indexes):
        out["customers"] = customers(customers_n, now, rng, quiet) if customers_n else 0
        out["purchases"] = members(members_n, purchases_n, now, rng, quiet) if members_n else 0
        out["members"] = members_n
        out["tickets"], out["events"] = tickets(tickets_n, events, long, now, rng, quiet)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # Visibility map (index-only scans, fast counts) and planner statistics for
            # what grew, as autovacuum would leave them; then statistics for every other
            # table (the org units' were missing on a fresh database: nested-loop plans).
            if not connection.in_atomic_block:  # (a test's transaction can't VACUUM)
                cursor.execute(f"VACUUM (ANALYZE) {', '.join(BIG_TABLES)}")
            cursor.execute("ANALYZE")
    else:
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA optimize")
    out["seconds"] = round(time.perf_counter() - started, 1)
    with origin(Origin(via=Via.COMMAND)):
        record_audit(actor=None, action=ACTION, object_type="database", changes=dict(out))
    return out


def main(argv: list[str] | None = None) -> dict[str, Any]:
    import os

    pg = os.environ.get("DATABASE_URL", "").startswith("postgres")
    big = 1_000_000 if pg else 100_000
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=big)
    parser.add_argument("--customers", type=int, default=big)
    parser.add_argument("--members", type=int, default=None, help="default: customers / 5")
    parser.add_argument("--purchases", type=int, default=10 * big)
    parser.add_argument("--events-per-ticket", type=int, default=4)
    parser.add_argument("--long-tickets", type=int, default=8, help="open, 50 events each")
    parser.add_argument("--seed", type=int, default=20261122)
    parser.add_argument("--append", action="store_true", help="add to generated data")
    parser.add_argument(
        "--drop-indexes",
        action="store_true",
        help="PostgreSQL: drop the plain indexes of the big tables during the load and "
        "rebuild them from their definitions at the end (for a fresh load)",
    )
    args = parser.parse_args(argv)
    if min(args.tickets, args.customers, args.purchases, args.long_tickets) < 0:
        parser.error("counts must not be negative")
    if not 1 <= args.events_per_ticket <= 50:
        parser.error("--events-per-ticket must be between 1 and 50")
    members_n = args.customers // 5 if args.members is None else args.members
    setup()
    out = run(tickets_n=args.tickets, customers_n=args.customers, members_n=members_n,
              purchases_n=args.purchases if members_n else 0, events=args.events_per_ticket,
              long=args.long_tickets, seed=args.seed, append=args.append,
              drop_indexes=args.drop_indexes)  # fmt: skip
    print(" | ".join(f"{key} {value:,}" if isinstance(value, int) else f"{key} {value}"
                     for key, value in out.items()))  # fmt: skip
    return out


if __name__ == "__main__":
    main()
    sys.exit(0)
