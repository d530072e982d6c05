"""Row counts and checksums of every table, for `kefu backup` / `kefu restore`.

Each table's rows are read through the ORM ordered by primary key (streamed with
`.iterator()`, a server-side cursor on PostgreSQL), every value normalised to text, and
hashed with sha256. The same database content gives the same digest on every run.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any, cast

from django.apps import apps
from django.db import models
from django.db.migrations.recorder import MigrationRecorder

CHUNK = 2000


def snapshot_models() -> list[type[models.Model]]:
    """Every concrete table Django manages (auto-created M2M tables and migrations too)."""
    seen: dict[str, type[models.Model]] = {}
    candidates: list[type[models.Model]] = list(apps.get_models(include_auto_created=True))
    candidates.append(cast(type[models.Model], MigrationRecorder.Migration))
    for model in candidates:
        meta = model._meta
        if meta.proxy or not meta.managed or meta.db_table in seen:
            continue
        seen[meta.db_table] = model
    return [seen[name] for name in sorted(seen)]


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, (bytes, memoryview)):
        return bytes(value).hex()
    if isinstance(value, (dict, list)):
        return json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)
    return str(value)


def table_checksum(model: type[models.Model]) -> tuple[int, str]:
    """(row count, sha256 hex) of one table, rows ordered by primary key."""
    columns = [f.attname for f in model._meta.concrete_fields]
    digest = hashlib.sha256()
    count = 0
    rows = model._base_manager.order_by("pk").values_list(*columns).iterator(chunk_size=CHUNK)
    for row in rows:
        line = json.dumps([_text(v) for v in row], ensure_ascii=False)
        digest.update(line.encode())
        digest.update(b"\n")
        count += 1
    return count, digest.hexdigest()


def database_checksums() -> dict[str, dict[str, Any]]:
    """{table: {"rows": n, "sha256": hex}} for every managed table."""
    out: dict[str, dict[str, Any]] = {}
    for model in snapshot_models():
        rows, checksum = table_checksum(model)
        out[model._meta.db_table] = {"rows": rows, "sha256": checksum}
    return out


def differences(
    expected: dict[str, dict[str, Any]], actual: dict[str, dict[str, Any]]
) -> list[str]:
    """Human-readable lines for every table whose count or checksum differs."""
    lines = []
    for table in sorted(set(expected) | set(actual)):
        want, got = expected.get(table), actual.get(table)
        if want is None:
            lines.append(f"{table}: not in the backup")
        elif got is None:
            lines.append(f"{table}: missing after restore")
        elif want["rows"] != got["rows"]:
            lines.append(f"{table}: {got['rows']} rows, backup has {want['rows']}")
        elif want["sha256"] != got["sha256"]:
            lines.append(f"{table}: checksum differs ({want['rows']} rows)")
    return lines
