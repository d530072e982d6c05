"""Set-based writes for hot batch paths (the SLA scan, its alerts): many rows, one statement.

PostgreSQL: `INSERT … SELECT … FROM jsonb_to_recordset(%s)` and `UPDATE … FROM
jsonb_to_recordset(…)`: one round trip, one JSON parameter, no per-row statement for any
number of rows. SQLite: `executemany` of one prepared statement (in process, no round
trips). Both run inside the caller's transaction, through Django's cursor (so query
counting and logging see them), and skip the ORM's per-object work (model instances,
compiling a VALUES list of thousands of parameters), which dominated the scan's profile.
Callers pass column values of the right Python types (str, int, bool, aware datetimes,
JSON-able data) in the order of `fields`: no field validation or `get_db_prep_save` runs,
only JSON dumping and, on SQLite, the datetime adaptation Django would do.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from django.db import connection, models
from django.utils import timezone


def _fields(model: type[models.Model], names: Sequence[str]) -> list[models.Field[Any, Any]]:
    return [model._meta.get_field(name) for name in names]  # type: ignore[misc]


def _defaults(
    model: type[models.Model], given: list[models.Field[Any, Any]]
) -> list[tuple[models.Field[Any, Any], Any]]:
    """The model's other columns with what `Model.objects.create` would store in them: the
    field's default (`""` for a text field, None for a nullable one), now for `auto_now`."""
    out: list[tuple[models.Field[Any, Any], Any]] = []
    for f in model._meta.concrete_fields:
        if f in given or f.primary_key:
            continue
        stamped = getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
        out.append((f, timezone.now() if stamped else f.get_default()))
    return out


def _converter(field: models.Field[Any, Any]) -> Callable[[Any], Any] | None:
    """SQLite: how a raw value becomes a parameter (JSON dumped, datetimes adapted as
    Django stores them); everything else passes as it is. (PostgreSQL takes the rows as one
    JSON document: `_recordset`.)"""
    if isinstance(field, models.JSONField):
        encoder = field.encoder

        def dump(value: Any) -> Any:
            return None if value is None else json.dumps(value, cls=encoder, ensure_ascii=False)

        return dump
    if isinstance(field, models.DateTimeField) and connection.vendor != "postgresql":
        return connection.ops.adapt_datetimefield_value
    return None


def _columns(
    rows: Sequence[Sequence[Any]], fields: list[models.Field[Any, Any]]
) -> list[list[Any]]:
    out = []
    for i, f in enumerate(fields):
        convert = _converter(f)
        column = [row[i] for row in rows]
        out.append(column if convert is None else [convert(v) for v in column])
    return out


def _rows(rows: Sequence[Sequence[Any]], fields: list[models.Field[Any, Any]]) -> list[list[Any]]:
    return [list(r) for r in zip(*_columns(rows, fields), strict=True)]


def _json_default(value: Any) -> Any:
    if isinstance(value, (datetime, date)):
        return value.isoformat()  # (DjangoJSONEncoder would cut microseconds)
    if isinstance(value, (Decimal, UUID)):
        return str(value)
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


def _recordset(
    fields: list[models.Field[Any, Any]], rows: Sequence[Sequence[Any]]
) -> tuple[str, str]:
    """PostgreSQL: the rows as one JSON parameter and the typed record set reading it,
    `jsonb_to_recordset(%s::jsonb) AS v(c0 bigint, c1 varchar(20), …)`. One text parameter
    is quoted in C; psycopg's client-side quoting of typed arrays cost ~70 µs a row."""
    types = ", ".join(f"c{i} {f.db_type(connection) or 'text'}" for i, f in enumerate(fields))
    keys = [f"c{i}" for i in range(len(fields))]
    data = json.dumps(
        [dict(zip(keys, row, strict=True)) for row in rows],
        default=_json_default,
        ensure_ascii=False,
    )
    return f"jsonb_to_recordset(%s::jsonb) AS v({types})", data


def insert_rows(
    model: type[models.Model],
    fields: Sequence[str],
    rows: Sequence[Sequence[Any]],
    *,
    ignore_conflicts: bool = False,
) -> int:
    """Insert `rows` (values in the order of `fields`); returns how many were inserted
    (with `ignore_conflicts`, rows clashing with a unique constraint are skipped)."""
    if not rows:
        return 0
    qn = connection.ops.quote_name
    table = qn(model._meta.db_table)
    found = _fields(model, fields)
    defaults = _defaults(model, found)
    if defaults:
        found += [f for f, _ in defaults]
        rows = [[*row, *(value for _, value in defaults)] for row in rows]
    names = ", ".join(qn(str(f.column)) for f in found)
    conflict = " ON CONFLICT DO NOTHING" if ignore_conflicts else ""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            source, data = _recordset(found, rows)
            picks = ", ".join(f"v.c{i}" for i in range(len(found)))
            sql = f"INSERT INTO {table} ({names}) SELECT {picks} FROM {source}{conflict}"
            cursor.execute(sql, [data])
            return int(cursor.rowcount)
        marks = ", ".join(["%s"] * len(found))
        sql = f"INSERT INTO {table} ({names}) VALUES ({marks}){conflict}"
        cursor.executemany(sql, _rows(rows, found))
        return int(cursor.rowcount)


def update_rows(
    model: type[models.Model], fields: Sequence[str], rows: Sequence[Sequence[Any]]
) -> int:
    """Set `fields` on many rows by primary key: each row is (pk, *values)."""
    if not rows:
        return 0
    qn = connection.ops.quote_name
    meta = model._meta
    table = qn(meta.db_table)
    assert meta.pk is not None
    pk = meta.pk
    found = _fields(model, fields)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            source, data = _recordset([pk, *found], rows)
            sets = ", ".join(f"{qn(str(f.column))} = v.c{i + 1}" for i, f in enumerate(found))
            sql = (
                f"UPDATE {table} SET {sets} FROM {source} WHERE {table}.{qn(str(pk.column))} = v.c0"
            )
            cursor.execute(sql, [data])
            return int(cursor.rowcount)
        sets = ", ".join(f"{qn(str(f.column))} = %s" for f in found)
        sql = f"UPDATE {table} SET {sets} WHERE {qn(str(pk.column))} = %s"
        cursor.executemany(sql, _rows([[*r[1:], r[0]] for r in rows], [*found, pk]))
        return int(cursor.rowcount)
