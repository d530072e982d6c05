"""Writing changed columns of many rows at once. Django's bulk_update builds one CASE
expression per column, which grows slow past a few hundred rows; an executemany of a plain
UPDATE is fast on both databases (psycopg pipelines it, SQLite runs it in process)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

from django.db import connection
from django.db.models import Field, Model


def update_rows(objs: Sequence[Model], fields: Sequence[str]) -> None:
    """UPDATE each object's `fields` (their current values) by primary key."""
    if not objs:
        return
    meta = type(objs[0])._meta
    assert meta.pk is not None
    qn = connection.ops.quote_name
    columns = [cast("Field[Any, Any]", meta.get_field(name)) for name in fields]
    sets = ", ".join(f"{qn(str(f.column))} = %s" for f in columns)
    sql = f"UPDATE {qn(meta.db_table)} SET {sets} WHERE {qn(str(meta.pk.column))} = %s"
    params = [
        [f.get_db_prep_save(getattr(obj, f.attname), connection) for f in columns] + [obj.pk]
        for obj in objs
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)
