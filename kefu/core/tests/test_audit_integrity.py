"""The audit log cannot be altered through the app: the model, its QuerySet and a database
trigger refuse updates; the app has no admin and no endpoint that writes the log other than
by appending; backup and restore and the test database flush still work."""

from __future__ import annotations

import re
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.urls import URLPattern, URLResolver, get_resolver

from kefu.api import api
from kefu.core.choices import Role
from kefu.core.models import AuditEvent, User
from kefu.core.services.audit import record_audit

KEFU = Path(__file__).resolve().parents[2]
TRIGGER = "core_auditevent_append_only"
# what app code may call on AuditEvent.objects: appending and reading
APPEND_OR_READ = {
    "create",
    "bulk_create",
    "filter",
    "exclude",
    "all",
    "get",
    "first",
    "last",
    "count",
    "exists",
    "order_by",
    "values",
    "values_list",
    "select_related",
    "none",
    "only",
    "aggregate",
    "iterator",
}


@pytest.fixture
def event(db: Any, org: Any, admin_user: User) -> AuditEvent:
    return record_audit(actor=admin_user, action="test.fact", object_repr="原样", unit=org.hq)


def _unchanged(event: AuditEvent) -> None:
    row = AuditEvent.objects.get(pk=event.pk)
    assert (row.action, row.object_repr, row.changes) == ("test.fact", "原样", {})


def _save(e: AuditEvent) -> None:
    e.action = "x"
    e.save()


def _update_or_create(e: AuditEvent) -> None:
    AuditEvent.objects.update_or_create(pk=e.pk, defaults={"action": "x"})  # type: ignore[misc]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "attempt",
    [
        pytest.param(_save, id="save"),
        pytest.param(lambda e: e.delete(), id="delete"),
        pytest.param(
            lambda e: AuditEvent.objects.filter(pk=e.pk).update(action="x"), id="qs.update"
        ),
        pytest.param(lambda e: AuditEvent.objects.filter(pk=e.pk).delete(), id="qs.delete"),
        pytest.param(lambda e: AuditEvent.objects.all().delete(), id="all.delete"),
        pytest.param(lambda e: AuditEvent.objects.bulk_update([e], ["action"]), id="bulk_update"),
        pytest.param(_update_or_create, id="update_or_create"),
    ],
)
def test_the_model_refuses_to_change_or_delete_an_event(event, attempt):
    with pytest.raises(TypeError, match="append-only"):
        attempt(event)
    _unchanged(event)


@pytest.mark.django_db
@pytest.mark.parametrize("column", ["action", "object_repr", "changes", "created_at"])
def test_the_database_refuses_an_update_of_the_content(event, column):
    value = {"changes": "'{}'", "created_at": "'2000-01-01 00:00:00'"}.get(column, "'forged'")
    sql = f"UPDATE core_auditevent SET {column} = {value} WHERE id = %s"
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql, [event.pk])
    _unchanged(event)


@pytest.mark.django_db
def test_the_trigger_is_installed():
    assert _trigger_installed()


def _trigger_installed() -> bool:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name = %s", [TRIGGER]
            )
        else:
            cursor.execute("SELECT tgname FROM pg_trigger WHERE tgname = %s", [TRIGGER])
        return cursor.fetchone() is not None


@pytest.mark.django_db
def test_deleting_a_user_keeps_their_events(org, make_user):
    """on_delete=SET_NULL may clear the actor; what the event says stays."""
    user = make_user(Role.AGENT, org.east, username="leaver")
    done = record_audit(actor=user, action="test.fact", object_repr="原样")
    user.delete()
    row = AuditEvent.objects.get(pk=done.pk)
    assert row.actor_id is None
    assert (row.actor_label, row.action) == (user.display_name or "leaver", "test.fact")


def test_there_is_no_admin_site():
    assert "django.contrib.admin" not in settings.INSTALLED_APPS
    assert not [p for p in _url_patterns() if p.startswith("admin")]


def _url_patterns(resolver: URLResolver | None = None, prefix: str = "") -> list[str]:
    out: list[str] = []
    for p in (resolver or get_resolver()).url_patterns:
        if isinstance(p, URLResolver):
            out += _url_patterns(p, prefix + str(p.pattern))
        elif isinstance(p, URLPattern):
            out.append(prefix + str(p.pattern))
    return out


def test_the_api_only_reads_the_audit_log():
    schema = api.get_openapi_schema()
    audit = {path: set(ops) for path, ops in schema["paths"].items() if "audit" in path}
    assert audit == {"/api/v1/audit": {"get"}}


@pytest.mark.django_db
@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_the_audit_page_has_no_write_path(event, admin_user, client, method):
    """The page is a read-only list: any other method shows it again and changes nothing."""
    client.force_login(admin_user)
    before = list(AuditEvent.objects.order_by("id").values_list("id", "action", "object_repr"))
    r = getattr(client, method)("/settings/audit/", {"action": "x", "id": event.pk})
    assert r.status_code in {200, 405}
    after = list(AuditEvent.objects.order_by("id").values_list("id", "action", "object_repr"))
    assert after == before


@pytest.mark.django_db
@pytest.mark.parametrize("method", ["post", "patch", "delete"])
def test_the_audit_api_refuses_writes(event, admin_user, api_as, method):
    r = getattr(api_as(admin_user), method)("/api/v1/audit")
    assert r.status_code == 405
    _unchanged(event)


def test_no_app_code_updates_or_deletes_audit_events():
    """Every use of AuditEvent.objects outside tests and migrations appends or reads, and
    no raw SQL names the table."""
    calls: dict[str, set[str]] = {}
    raw: list[str] = []
    for path in KEFU.rglob("*.py"):
        rel = path.relative_to(KEFU).as_posix()
        if "/tests/" in rel or "/migrations/" in rel:
            continue
        text = path.read_text(encoding="utf-8")
        for method in re.findall(r"AuditEvent\.objects\.(\w+)", text):
            calls.setdefault(method, set()).add(rel)
        if "core_auditevent" in text:
            raw.append(rel)
    assert set(calls) <= APPEND_OR_READ, {m: calls[m] for m in set(calls) - APPEND_OR_READ}
    assert raw == []


@pytest.mark.django_db(transaction=True)
def test_backup_and_restore_keep_the_log_and_its_guard(org, admin_user, settings, tmp_path):
    """A restore replaces whole tables (no UPDATE), so the trigger does not get in its way
    and comes back with the schema; the flush after this transactional test deletes rows."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.VAR_DIR = tmp_path / "var"
    done = record_audit(actor=admin_user, action="test.fact", object_repr="原样")
    archive = tmp_path / "kefu.tar.gz"
    call_command("backup", "--output", str(archive), stdout=StringIO())
    record_audit(actor=admin_user, action="test.after_backup")
    call_command("restore", str(archive), "--yes", stdout=StringIO())
    assert AuditEvent.objects.get(pk=done.pk).object_repr == "原样"
    assert not AuditEvent.objects.filter(action="test.after_backup").exists()
    assert AuditEvent.objects.filter(action="system.restore").count() == 1
    assert _trigger_installed()
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("UPDATE core_auditevent SET action = 'x' WHERE id = %s", [done.pk])
