"""The floor for ticket creation: the same ticket rows inserted by a bare driver loop.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kefu_bench_scale \\
        .venv/bin/python -m bench.floor --rows 5000
    KEFU_VAR_DIR=/tmp/kefu-scale .venv/bin/python -m bench.floor --rows 5000

One INSERT and one COMMIT per row, as each API create commits once, from one connection
of psycopg (PostgreSQL) or sqlite3 (SQLite, with kefu's PRAGMAs and BEGIN IMMEDIATE), into
a scratch copy of tickets_ticket with the same indexes and unique constraints
(`LIKE tickets_ticket INCLUDING ALL` on PostgreSQL; the table's and its indexes' own SQL
on SQLite; foreign keys are not copied). The rows are built by the scale generator's ticket
builder beforehand, so only the inserts are timed. The scratch table is dropped at the
end. bench/http_bench.py reports POST /api/v1/tickets as a fraction of this rate.
"""

from __future__ import annotations

import argparse
import random
import re
import time
from datetime import datetime, timedelta
from typing import Any

SCRATCH = "bench_floor_ticket"


def _rows(n: int) -> tuple[list[str], list[tuple[Any, ...]]]:
    from bench._bulk import BulkTable
    from bench._scale_tickets import TICKET_COLUMNS, TZ, TicketRows
    from bench.generate import load_org
    from kefu.tickets.models import Ticket

    org = load_org()
    now, rng = datetime.now(TZ), random.Random(7)
    builder = TicketRows(org, now, rng, 1)
    table = BulkTable(Ticket, TICKET_COLUMNS)
    rows = []
    for i in range(n):
        row, _info = builder.ticket(i + 1, now - timedelta(seconds=n - i))
        rows.append(table._row((*row[:1], f"FL{i:012d}", *row[2:])))
    return table.columns, rows


def _postgres(columns: list[str], rows: list[tuple[Any, ...]]) -> float:
    import psycopg
    from django.db import connection

    cfg = connection.settings_dict
    with psycopg.connect(
        host=cfg["HOST"] or "127.0.0.1", port=str(cfg["PORT"] or 5432), user=cfg["USER"],
        password=cfg["PASSWORD"] or None, dbname=cfg["NAME"],
    ) as conn:  # fmt: skip
        conn.execute(f"DROP TABLE IF EXISTS {SCRATCH}")
        conn.execute(f"CREATE TABLE {SCRATCH} (LIKE tickets_ticket INCLUDING ALL)")
        conn.commit()
        sql = f"INSERT INTO {SCRATCH} ({', '.join(columns)}) VALUES ({', '.join(['%s'] * len(columns))})"  # noqa: E501
        try:
            start = time.perf_counter()
            with conn.cursor() as cursor:
                for row in rows:
                    cursor.execute(sql, row)
                    conn.commit()
            return time.perf_counter() - start
        finally:
            conn.execute(f"DROP TABLE IF EXISTS {SCRATCH}")
            conn.commit()


def _sqlite(columns: list[str], rows: list[tuple[Any, ...]]) -> float:
    import sqlite3

    from django.db import connection

    path = connection.settings_dict["NAME"]
    connection.close()
    conn = sqlite3.connect(path, isolation_level=None, timeout=20)
    try:
        for pragma in ("journal_mode=WAL", "synchronous=NORMAL", "busy_timeout=20000"):
            conn.execute(f"PRAGMA {pragma}")
        conn.execute(f"DROP TABLE IF EXISTS {SCRATCH}")
        found = conn.execute(  # the table and its indexes; not the search index's FTS triggers
            "SELECT type, sql FROM sqlite_master WHERE tbl_name = 'tickets_ticket' "
            "AND sql IS NOT NULL AND type IN ('table', 'index') ORDER BY type = 'index'"
        ).fetchall()
        for kind, ddl in found:
            ddl = ddl.replace('"tickets_ticket"', f'"{SCRATCH}"')
            if kind == "index":  # index names are global: give the copies their own
                ddl = re.sub(r'INDEX "([^"]+)"', rf'INDEX "{SCRATCH}_\1"', ddl)
            conn.execute(ddl)
        sql = f"INSERT INTO {SCRATCH} ({', '.join(columns)}) VALUES ({', '.join(['?'] * len(columns))})"  # noqa: E501
        start = time.perf_counter()
        for row in rows:
            conn.execute("BEGIN IMMEDIATE")
            conn.execute(sql, row)
            conn.execute("COMMIT")
        return time.perf_counter() - start
    finally:
        conn.execute(f"DROP TABLE IF EXISTS {SCRATCH}")
        conn.close()


def run(rows: int) -> dict[str, Any]:
    """Insert `rows` ticket rows one transaction each; Django must be set up."""
    from django.db import connection

    columns, values = _rows(rows)
    pg = connection.vendor == "postgresql"
    seconds = _postgres(columns, values) if pg else _sqlite(columns, values)
    return {
        "driver": "psycopg" if pg else "sqlite3",
        "rows": rows,
        "seconds": round(seconds, 3),
        "rows_per_s": rows / seconds if seconds else 0.0,
    }


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=5000)
    parser.add_argument("--create-rate", type=float, default=0.0, help="to show as a fraction")
    args = parser.parse_args(argv)
    if args.rows < 1:
        parser.error("--rows must be at least 1")
    from bench.generate import setup

    setup()
    out = run(args.rows)
    print(f"floor: bare {out['driver']} loop, {out['rows']:,} ticket rows one commit each: "
          f"{out['rows_per_s']:,.0f} rows/s")  # fmt: skip
    if args.create_rate:
        out["fraction"] = args.create_rate / out["rows_per_s"]
        print(f"create rate {args.create_rate:,.0f}/s = {out['fraction']:.1%} of the floor")
    return out


if __name__ == "__main__":
    main()
