"""Bulk writes of the customer import: COPY on PostgreSQL, bulk_create elsewhere."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from django.db import connection

from kefu.customers.models import CustomerPhone

CUSTOMER_COLUMNS = (
    "id",
    "created_at",
    "updated_at",
    "unit_id",
    "kind",
    "name",
    "name_key",
    "grade",
    "is_key_account",
    "source",
    "credit_level",
    "credit_score",
    "email",
    "id_number",
    "address",
    "notes",
    "version",
)


def customer_tuples(
    rows: list[dict[str, Any]], ids: Sequence[int], now: datetime
) -> Iterable[tuple[Any, ...]]:
    for pk, r in zip(ids, rows, strict=True):
        yield (
            pk,
            now,
            now,
            r["unit_id"],
            r["kind"],
            r["name"],
            r["name_key"],
            r["grade"],
            r["is_key_account"],
            r["source"],
            r["credit_level"],
            r["credit_score"],
            r["email"],
            r["id_number"],
            r["address"],
            r["notes"],
            1,
        )


def existing_phones(numbers: list[str]) -> dict[str, int]:
    """{number: customer id} of the numbers already in the archive."""
    found: dict[str, int] = {}
    if connection.vendor == "postgresql":  # one array parameter instead of 20,000
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT number, customer_id FROM customers_customerphone WHERE number = ANY(%s)",
                [numbers],
            )
            found.update(cursor.fetchall())
        return found
    for start in range(0, len(numbers), 2000):
        found.update(
            CustomerPhone.objects.filter(number__in=numbers[start : start + 2000]).values_list(
                "number", "customer_id"
            )
        )
    return found


def tune_transaction() -> None:
    """For this transaction only: a bigger pending list for the name trigram (GIN) index, so
    a million names are merged into it in a few large steps instead of many small ones."""
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL gin_pending_list_limit = '64MB'")
        cursor.execute("SET LOCAL work_mem = '256MB'")


def reserve_ids(n: int) -> list[int]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence('customers_customer', 'id')) "
            "FROM generate_series(1, %s)",
            [n],
        )
        return [r[0] for r in cursor.fetchall()]


def copy_rows(table: str, columns: Sequence[str], rows: Iterable[tuple[Any, ...]]) -> None:
    sql = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
    with connection.cursor() as cursor:
        raw = cursor.cursor  # the psycopg 3 cursor under Django's wrapper
        with raw.copy(sql) as copy:
            for row in rows:
                copy.write_row(row)


def insert(model: Any, columns: Sequence[str], rows: list[tuple[Any, ...]]) -> None:
    if not rows:
        return
    if connection.vendor == "postgresql":
        copy_rows(model._meta.db_table, columns, rows)
        return
    model.objects.bulk_create(
        [model(**dict(zip(columns, r, strict=True))) for r in rows], batch_size=1000
    )
