"""Bulk rows for the scale generator: COPY on PostgreSQL, executemany on SQLite.

Rows are tuples in the order of the columns given; every other concrete column of the
model gets its field default (the same value for every row). Primary keys are drawn from
the table's own sequence on PostgreSQL (`nextval`, so the application's later inserts never
clash) and follow MAX(id) on SQLite (AUTOINCREMENT-free rowid tables). Each chunk commits on
its own, so a long run shows progress and a crash keeps what was written.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from django.db import connection, models, transaction

from kefu.customers.import_sql import copy_rows


class BulkTable:
    """One model's bulk writer: `reserve(n)` ids, `write(rows)` one committed chunk."""

    def __init__(self, model: type[models.Model], columns: Sequence[str]) -> None:
        self.model = model
        self.table = model._meta.db_table
        fields = {str(f.column): f for f in model._meta.concrete_fields}
        unknown = [c for c in columns if c not in fields]
        if unknown:
            raise ValueError(f"{self.table}: no column {unknown}")
        self.rest = [c for c in fields if c not in columns]
        self.rest_values = tuple(self._default(fields[c]) for c in self.rest)
        self.columns = [*columns, *self.rest]
        self.pg = connection.vendor == "postgresql"
        self.adapters: list[tuple[int, Callable[[Any], Any]]] = [
            (i, adapter)
            for i, c in enumerate(self.columns)
            if (adapter := self._adapter(fields[c])) is not None
        ]
        self.written = 0
        self.seconds = 0.0

    def _default(self, field: models.Field[Any, Any]) -> Any:
        if field.has_default():
            return field.get_default()
        if field.null:
            return None
        if isinstance(field, models.CharField | models.TextField):
            return ""
        raise ValueError(f"{self.table}.{field.column} has no default: give it a value")

    def _adapter(self, field: models.Field[Any, Any]) -> Callable[[Any], Any] | None:
        if isinstance(field, models.JSONField):
            return _json
        if self.pg:
            return None  # psycopg adapts datetimes, dates and decimals itself
        if isinstance(field, models.DateTimeField):
            return _sqlite_datetime
        if isinstance(field, models.DateField):
            return _iso
        if isinstance(field, models.DecimalField):
            return _text
        return None

    def reserve(self, n: int) -> list[int]:
        """`n` fresh primary keys, in order."""
        if n <= 0:
            return []
        with connection.cursor() as cursor:
            if self.pg:
                cursor.execute(
                    f"SELECT nextval(pg_get_serial_sequence('{self.table}', 'id')) "
                    "FROM generate_series(1, %s)",
                    [n],
                )
                return [r[0] for r in cursor.fetchall()]
            cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {self.table}")
            top = int(cursor.fetchone()[0])
        return list(range(top + 1, top + n + 1))

    def write(self, rows: Iterable[Sequence[Any]]) -> int:
        """Insert one chunk in its own transaction; returns the number of rows."""
        start = time.perf_counter()
        full = [self._row(r) for r in rows]
        if not full:
            return 0
        with transaction.atomic():
            if self.pg:
                copy_rows(self.table, self.columns, full)
            else:
                marks = ", ".join(["%s"] * len(self.columns))
                sql = f"INSERT INTO {self.table} ({', '.join(self.columns)}) VALUES ({marks})"
                with connection.cursor() as cursor:
                    cursor.executemany(sql, full)
        self.written += len(full)
        self.seconds += time.perf_counter() - start
        return len(full)

    def _row(self, row: Sequence[Any]) -> tuple[Any, ...]:
        values = [*row, *self.rest_values]
        for i, adapt in self.adapters:
            if values[i] is not None:
                values[i] = adapt(values[i])
        return tuple(values)

    def rate(self) -> float:
        return self.written / self.seconds if self.seconds else 0.0


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def _sqlite_datetime(value: datetime) -> str:
    """Django's SQLite storage of an aware datetime: naive UTC, ISO with a space."""
    return str(value.astimezone(UTC).replace(tzinfo=None))


def _iso(value: date) -> str:
    return value.isoformat()


def _text(value: Decimal) -> str:
    return str(value)


class Progress:
    """Prints `table: rows (rows/s)` at most every few seconds, then a final line."""

    def __init__(self, label: str, total: int, *, quiet: bool = False) -> None:
        self.label, self.total, self.quiet = label, total, quiet
        self.done = 0
        self.started = self.shown = time.perf_counter()

    def add(self, n: int) -> None:
        self.done += n
        now = time.perf_counter()
        if not self.quiet and now - self.shown >= 5:
            self.shown = now
            rate = self.done / (now - self.started)
            print(f"  {self.label}: {self.done:,}/{self.total:,} ({rate:,.0f} rows/s)", flush=True)

    def finish(self) -> float:
        seconds = time.perf_counter() - self.started
        if not self.quiet:
            rate = self.done / seconds if seconds else 0.0
            print(f"  {self.label}: {self.done:,} in {seconds:.1f} s ({rate:,.0f} rows/s)")
            sys.stdout.flush()
        return seconds


@contextmanager
def secondary_indexes_dropped(tables: Sequence[str], *, enabled: bool) -> Iterator[int]:
    """PostgreSQL, when `enabled`: drop the tables' plain (non-unique, non-constraint,
    non-partial) indexes for the load and recreate each from its own definition in
    pg_indexes afterwards (also after an error), so they come back exactly as the migrations
    made them. Partial indexes stay: they cover the open work only (cheap to keep up during
    the load), and PostgreSQL re-deparses an `IN (…)` predicate in another spelling, so a
    rebuilt one would not read back the same. Yields how many were dropped (0 on SQLite or
    when not enabled)."""
    if not enabled or connection.vendor != "postgresql":
        yield 0
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT i.indexname, i.indexdef FROM pg_indexes i "
            "WHERE i.schemaname = current_schema() AND i.tablename = ANY(%s) "
            "AND i.indexdef NOT LIKE 'CREATE UNIQUE%%' AND i.indexdef NOT LIKE '%% WHERE %%' "
            "AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conname = i.indexname) "
            "ORDER BY i.indexname",
            [list(tables)],
        )
        found = cursor.fetchall()
        for name, _ddl in found:
            cursor.execute(f'DROP INDEX "{name}"')
    print(f"  dropped {len(found)} indexes for the load; they are rebuilt at the end")
    print("  (if this run is killed, recreate them with:)", *(d for _n, d in found), sep="\n    ")
    try:
        yield len(found)
    finally:
        start = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute("SET maintenance_work_mem = '512MB'")
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # inside an outer transaction
            for _name, ddl in found:
                cursor.execute(ddl)
        print(f"  rebuilt {len(found)} indexes in {time.perf_counter() - start:.1f} s")
