"""`kefu token` and `kefu serve`."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.core.management.commands.runserver import Command as RunserverCommand
from django.test import Client
from django.utils import timezone

from kefu.core.management.commands import serve as serve_command
from kefu.core.models import ApiToken, AuditEvent, User
from kefu.core.tests.external_db import ExternalDb


def _me(token: str) -> Any:
    return Client().get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})


def _token(*args: str) -> str:
    out = StringIO()
    call_command("token", "create", *args, stdout=out)
    return out.getvalue()


def test_token_create_prints_only_a_token_that_authenticates(make_user: Any) -> None:
    user = make_user(username="alice")
    printed = _token("alice", "--name", "ci")
    raw = printed.strip()
    assert printed == raw + "\n"
    assert raw.startswith("kefu_")
    assert len(raw) > 40
    response = _me(raw)
    assert response.status_code == 200
    assert response.json()["username"] == "alice"
    token = ApiToken.objects.get(user=user)
    assert (token.name, token.prefix, token.expires_at) == ("ci", raw[:12], None)
    event = AuditEvent.objects.get(action="api_token.create")
    assert (event.actor_id, event.via, event.changes) == (
        None,
        "command",
        {"token": raw[:12], "name": "ci"},
    )


def test_token_create_with_expiry(make_user: Any) -> None:
    make_user(username="bob")
    _token("bob", "--expires-days", "30")
    expires = ApiToken.objects.get().expires_at
    assert expires is not None
    assert abs(expires - (timezone.now() + timedelta(days=30))) < timedelta(minutes=1)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        pytest.param(["nobody"], "No user named 'nobody'.", id="unknown-user"),
        pytest.param(["carol", "--expires-days", "0"], "between 1 and 3650", id="expiry"),
    ],
)
def test_token_create_errors_create_nothing(make_user: Any, args: list[str], message: str) -> None:
    make_user(username="carol")
    with pytest.raises(CommandError, match=message):
        _token(*args)
    assert not ApiToken.objects.exists()


def test_token_create_refuses_a_deactivated_user(make_user: Any) -> None:
    User.objects.filter(pk=make_user(username="dave").pk).update(is_active=False)
    with pytest.raises(CommandError, match="deactivated"):
        _token("dave")
    assert not ApiToken.objects.exists()


@pytest.mark.parametrize("by", ["prefix", "id", "whole-token"])
def test_token_revoke_stops_the_token(make_user: Any, by: str) -> None:
    make_user(username="erin")
    raw = _token("erin").strip()
    token = ApiToken.objects.get()
    key = {"prefix": token.prefix, "id": str(token.pk), "whole-token": raw}[by]
    out = StringIO()
    call_command("token", "revoke", key, stdout=out)
    assert out.getvalue() == f"Revoked {token.prefix}… of erin.\n"
    assert _me(raw).status_code == 401
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert AuditEvent.objects.filter(action="api_token.revoke").count() == 1


@pytest.mark.parametrize(
    ("key", "message"),
    [
        pytest.param("kefu_nothere", "No API token with id or prefix", id="unknown"),
        pytest.param("kefu", "12-character prefix", id="too-short"),
    ],
)
def test_token_revoke_errors(make_user: Any, key: str, message: str) -> None:
    make_user(username="frank")
    raw = _token("frank").strip()
    with pytest.raises(CommandError, match=message):
        call_command("token", "revoke", key)
    assert _me(raw).status_code == 200


def test_token_list_shows_status(make_user: Any) -> None:
    make_user(username="gina")
    _token("gina", "--name", "laptop")
    _token("gina", "--name", "old")
    old = ApiToken.objects.get(name="old")
    call_command("token", "revoke", str(old.pk), stdout=StringIO())
    out = StringIO()
    call_command("token", "list", "gina", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0].split() == ["id", "prefix", "status", "created", "last", "used", "name"]
    assert [(line.split()[2], line.split()[-1]) for line in lines[1:]] == [
        ("active", "laptop"),
        ("revoked", "old"),
    ]
    empty = StringIO()
    make_user(username="hank")
    call_command("token", "list", "hank", stdout=empty)
    assert empty.getvalue() == "hank has no API tokens.\n"


def test_token_command_exit_code_and_stderr_for_an_unknown_user(
    transactional_db: Any, tmp_path: Path
) -> None:
    ext = ExternalDb(tmp_path)
    ext.push()
    proc = ext.run("token", "--skip-checks", "create", "nobody")
    assert proc.returncode == 1
    assert proc.stdout == ""
    assert proc.stderr.strip() == "CommandError: No user named 'nobody'."


class _Ran(Exception):
    pass


def _serve(monkeypatch: Any, *args: str) -> tuple[dict[str, Any], Any]:
    seen: dict[str, Any] = {}

    def fake_run(self: Any, **options: Any) -> None:
        seen.update(options, addr=self.addr, port=self.port)
        raise _Ran

    monkeypatch.setattr(RunserverCommand, "run", fake_run)
    command = serve_command.Command()
    with pytest.raises(_Ran):
        call_command(command, *args)
    return seen, command


def test_serve_defaults_to_127_0_0_1_8000_without_the_reloader(monkeypatch: Any) -> None:
    seen, _command = _serve(monkeypatch)
    assert (seen["addr"], seen["port"], seen["use_reloader"]) == ("127.0.0.1", "8000", False)
    seen, _command = _serve(monkeypatch, "0.0.0.0:8123", "--reload")
    assert (seen["addr"], seen["port"], seen["use_reloader"]) == ("0.0.0.0", "8123", True)


def test_serve_prints_the_url_when_bound() -> None:
    out = StringIO()
    command = serve_command.Command(stdout=out)
    command.addr, command._raw_ipv6 = "127.0.0.1", False  # type: ignore[attr-defined]
    command.on_bind(8123)
    assert out.getvalue() == "kefu is running at http://127.0.0.1:8123/  (Ctrl+C to stop)\n"


def test_serve_with_workers_says_gunicorn_is_missing(monkeypatch: Any) -> None:
    monkeypatch.setattr("importlib.util.find_spec", lambda name: None)
    with pytest.raises(CommandError, match="--workers 3 needs gunicorn, which is not installed"):
        call_command("serve", "--workers", "3")
    with pytest.raises(CommandError, match="at least 1"):
        call_command("serve", "--workers", "0")
