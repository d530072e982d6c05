"""The audit log is append-only in the database too: a trigger refuses any UPDATE that
touches what an event says (who, what, when, which object, the changes). Two things stay
possible on purpose: deleting a user or unit sets the event's actor_id / unit_id to NULL
(on_delete=SET_NULL, the label is kept), and rows can be deleted, because test databases
are flushed with DELETE / TRUNCATE and `kefu restore` replaces whole tables. Deleting
through the app is refused by the model and its QuerySet.

SQLite drops a table's triggers when Django rebuilds the table (some ALTERs on SQLite):
a later migration that alters core_auditevent must create the trigger again;
kefu/core/tests/test_audit_integrity.py checks that it is there."""

from collections.abc import Callable
from typing import Any

from django.db import migrations

GUARDED = (
    "id, created_at, actor_label, action, object_type, object_id, object_repr, changes, ip, "
    "via, request_id"
)
MESSAGE = "the audit log is append-only"

SQLITE = [
    f"""CREATE TRIGGER core_auditevent_append_only
BEFORE UPDATE OF {GUARDED} ON core_auditevent
BEGIN
    SELECT RAISE(ABORT, '{MESSAGE}');
END"""
]
SQLITE_REVERSE = ["DROP TRIGGER IF EXISTS core_auditevent_append_only"]

POSTGRES = [
    f"""CREATE OR REPLACE FUNCTION core_auditevent_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'integrity_constraint_violation';
END;
$$""",
    f"""CREATE TRIGGER core_auditevent_append_only
BEFORE UPDATE OF {GUARDED} ON core_auditevent
FOR EACH ROW EXECUTE FUNCTION core_auditevent_append_only()""",
]
POSTGRES_REVERSE = [
    "DROP TRIGGER IF EXISTS core_auditevent_append_only ON core_auditevent",
    "DROP FUNCTION IF EXISTS core_auditevent_append_only()",
]


def _run(sql: dict[str, list[str]]) -> Callable[[Any, Any], None]:
    """One statement per execute (PostgreSQL prepares each one); other vendors: nothing."""

    def run(apps: Any, schema_editor: Any) -> None:
        for statement in sql.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0003_import_jobs"),
    ]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE, "postgresql": POSTGRES}),
            _run({"sqlite": SQLITE_REVERSE, "postgresql": POSTGRES_REVERSE}),
        ),
    ]
