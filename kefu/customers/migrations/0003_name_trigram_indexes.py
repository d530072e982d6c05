"""GIN trigram indexes on customer and alias names so `name__icontains` stays fast at a
million rows. PostgreSQL only (pg_trgm); nothing happens on SQLite. Reversible."""

from django.db import migrations

INDEXES = [
    ("customers_name_trgm_idx", "customers_customer", "name"),
    ("customers_alias_name_trgm_idx", "customers_customeralias", "name"),
]


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, table, column in INDEXES:
        # the expression Django's icontains compares: UPPER("name"::text) LIKE UPPER(%s)
        schema_editor.execute(
            f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {name} ON {table} "
            f"USING gin ((UPPER({column}::text)) gin_trgm_ops)"
        )


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _table, _column in INDEXES:
        schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {name}")


class Migration(migrations.Migration):
    # CREATE INDEX CONCURRENTLY: no write lock on a large table, so no transaction
    atomic = False

    dependencies = [
        ("customers", "0002_archive"),
    ]

    operations = [
        migrations.RunPython(create_indexes, drop_indexes),
    ]
