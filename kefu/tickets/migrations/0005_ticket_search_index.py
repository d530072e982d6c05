"""The index behind ticket text search (kefu/tickets/search.py).

PostgreSQL: a GIN index on the tsvector column, built CONCURRENTLY (so the migration is
non-atomic and does not block writes on a big table). SQLite: an FTS5 external-content
table over the column plus the triggers that keep it in step. The SQL is inlined here (a
migration does not import kefu code); search.SQLITE_FTS_SQL is the same text for
`kefu reindex-tickets`, which recreates the table/triggers if a later table rebuild on
SQLite dropped the triggers.
"""

from django.db import migrations

FTS = "tickets_ticket_fts"
SQLITE = [
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS} USING fts5(search_vector, "
    "content='tickets_ticket', content_rowid='id', tokenize='unicode61 remove_diacritics 0')",
    f"CREATE TRIGGER IF NOT EXISTS {FTS}_ai AFTER INSERT ON tickets_ticket "
    f"WHEN new.search_vector IS NOT NULL BEGIN INSERT INTO {FTS}(rowid, search_vector) "
    "VALUES (new.id, new.search_vector); END",
    f"CREATE TRIGGER IF NOT EXISTS {FTS}_ad AFTER DELETE ON tickets_ticket "
    f"WHEN old.search_vector IS NOT NULL BEGIN INSERT INTO {FTS}({FTS}, rowid, "
    "search_vector) VALUES ('delete', old.id, old.search_vector); END",
    f"CREATE TRIGGER IF NOT EXISTS {FTS}_au AFTER UPDATE OF search_vector ON "
    f"tickets_ticket BEGIN INSERT INTO {FTS}({FTS}, rowid, search_vector) "
    "SELECT 'delete', old.id, old.search_vector WHERE old.search_vector IS NOT NULL; "
    f"INSERT INTO {FTS}(rowid, search_vector) SELECT new.id, new.search_vector "
    "WHERE new.search_vector IS NOT NULL; END",
    f"INSERT INTO {FTS}({FTS}) VALUES ('rebuild')",
]
SQLITE_DROP = [
    f"DROP TRIGGER IF EXISTS {FTS}_ai",
    f"DROP TRIGGER IF EXISTS {FTS}_ad",
    f"DROP TRIGGER IF EXISTS {FTS}_au",
    f"DROP TABLE IF EXISTS {FTS}",
]
PG = (
    "CREATE INDEX CONCURRENTLY IF NOT EXISTS tickets_search_gin "
    "ON tickets_ticket USING gin (search_vector)"
)
PG_DROP = "DROP INDEX CONCURRENTLY IF EXISTS tickets_search_gin"


def _run(schema_editor, statements):
    with schema_editor.connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        _run(schema_editor, [PG])
    elif vendor == "sqlite":
        _run(schema_editor, SQLITE)


def backwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        _run(schema_editor, [PG_DROP])
    elif vendor == "sqlite":
        _run(schema_editor, SQLITE_DROP)


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("tickets", "0004_ticket_search_vector"),
    ]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
