"""Login throttling with lockout (kefu.core.services.login_guard and the login view)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from kefu.core.models import AuditEvent, User
from kefu.core.services import login_guard
from kefu.core.services.users import update_user
from kefu.core.tests.ui_client import ui_fixture  # noqa: F401
from kefu.core.views.auth import lockout_message

PASSWORD = "s3cret-pass-123"
pytestmark = pytest.mark.django_db


@pytest.fixture
def person(make_user: Any) -> User:
    user: User = make_user(username="zhangsan")
    return user


def _login(username: str, password: str, ip: str = "10.0.0.1", client: Client | None = None) -> Any:
    client = client or Client()
    return client.post(
        reverse("core:login"), {"username": username, "password": password}, REMOTE_ADDR=ip
    )


def _fail(n: int, username: str = "zhangsan", ip: str = "10.0.0.1") -> list[int]:
    return [_login(username, "wrong-password", ip).status_code for _ in range(n)]


def _zh_lock_message(seconds: int, scope: str = "user") -> str:
    with translation.override("zh-hans"):
        return lockout_message(login_guard.Lockout(scope=scope, seconds=seconds))


def test_fifth_failure_locks_the_account_with_429_and_a_wait_message(person: User) -> None:
    assert _fail(4) == [200, 200, 200, 200]
    response = _login("zhangsan", "wrong-password")
    assert response.status_code == 429
    assert response["Retry-After"] == "900"
    assert _zh_lock_message(900) in response.content.decode()
    assert "15" in _zh_lock_message(900)


def test_right_password_is_refused_while_locked(person: User) -> None:
    _fail(5)
    response = _login("zhangsan", PASSWORD)
    assert response.status_code == 429
    assert "_auth_user_id" not in response.client.session
    # The username is normalised: other case and spaces are the same account.
    assert _login(" ZhangSan ", PASSWORD).status_code == 429


def test_lock_ends_when_the_lockout_time_has_passed(person: User) -> None:
    start = timezone.now()
    with time_machine.travel(start, tick=False) as traveller:
        _fail(5)
        assert _login("zhangsan", PASSWORD).status_code == 429
        traveller.shift(timedelta(seconds=899))
        assert _login("zhangsan", PASSWORD).status_code == 429
        traveller.shift(timedelta(seconds=2))
        response = _login("zhangsan", PASSWORD)
    assert response.status_code == 302
    assert response.url == reverse("core:home")


def test_failures_outside_the_window_do_not_add_up(person: User) -> None:
    start = timezone.now()
    with time_machine.travel(start, tick=False) as traveller:
        _fail(4)
        traveller.shift(timedelta(seconds=901))
        assert _fail(4) == [200, 200, 200, 200]


def test_success_resets_the_username_counter(person: User) -> None:
    _fail(4)
    assert _login("zhangsan", PASSWORD).status_code == 302
    assert _fail(4) == [200, 200, 200, 200]
    assert _login("zhangsan", "wrong-password").status_code == 429


def test_unknown_usernames_are_locked_too(db: Any) -> None:
    assert _fail(5, username="nobody")[-1] == 429
    event = AuditEvent.objects.get(action="user.login_locked")
    assert event.object_repr == "nobody"
    assert event.object_id == ""


def test_lockout_writes_an_audit_event_without_the_password(person: User) -> None:
    _login("zhangsan", "first-guess-secret", ip="10.0.0.9")
    _fail(4, ip="10.0.0.9")
    event = AuditEvent.objects.get(action="user.login_locked")
    assert event.object_type == "core.user"
    assert event.object_id == str(person.pk)
    assert event.actor is None
    assert event.changes == {"failures": 5, "seconds": 900, "ip": "10.0.0.9"}
    assert event.ip == "10.0.0.9"
    flat = str(event.changes) + event.object_repr
    assert "wrong-password" not in flat
    assert "first-guess-secret" not in flat
    # Attempts while locked do not write more events.
    _fail(3, ip="10.0.0.9")
    assert AuditEvent.objects.filter(action__startswith="user.login").count() == 1


def test_per_ip_limit_stops_spraying_across_usernames(make_user: Any, settings: Any) -> None:
    users = [make_user(username=f"spray{i}") for i in range(5)]
    statuses = []
    for i in range(20):
        statuses.append(_login(users[i % 5].username, "wrong-password", ip="10.9.9.9").status_code)
    assert statuses[:19] == [200] * 19
    assert statuses[19] == 429
    # Every further try from that address is refused, even the right password of a user
    # whose own counter is below the limit.
    response = _login("spray0", PASSWORD, ip="10.9.9.9")
    assert response.status_code == 429
    assert _zh_lock_message(900, scope="ip") in response.content.decode()
    # Another address signs in as usual.
    assert _login("spray0", PASSWORD, ip="10.1.1.1").status_code == 302
    assert AuditEvent.objects.filter(action="user.login_ip_locked", object_id="10.9.9.9").exists()


def test_limits_come_from_settings(person: User, settings: Any) -> None:
    settings.KEFU_LOGIN_MAX_FAILURES = 2
    settings.KEFU_LOGIN_LOCKOUT_SECONDS = 60
    assert _fail(2) == [200, 429]
    response = _login("zhangsan", PASSWORD)
    assert response["Retry-After"] == "60"
    assert _zh_lock_message(60) in response.content.decode()


def test_administrator_unlocks_from_the_user_page(
    person: User, admin_user: User, ui: Any, django_capture_on_commit_callbacks: Any
) -> None:
    _fail(5)
    page = ui(admin_user).get(reverse("core:user_detail", args=[person.pk]))
    assert 'id="login-lock"' in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = ui(admin_user).post(reverse("core:user_unlock", args=[person.pk]))
    assert response.status_code == 302
    assert login_guard.login_lock_seconds(person) == 0
    assert _login("zhangsan", PASSWORD).status_code == 302
    event = AuditEvent.objects.get(action="user.login_unlocked")
    assert event.actor == admin_user
    assert event.object_id == str(person.pk)
    page = ui(admin_user).get(reverse("core:user_detail", args=[person.pk]))
    assert 'id="login-lock"' not in page.content.decode()


def test_an_agent_cannot_unlock(person: User, make_user: Any, org: Any, ui: Any) -> None:
    _fail(5)
    agent = make_user("agent", org.shanghai)
    response = ui(agent).post(reverse("core:user_unlock", args=[person.pk]))
    assert response.status_code in {403, 404}
    assert login_guard.login_lock_seconds(person) > 0
    assert not AuditEvent.objects.filter(action="user.login_unlocked").exists()


def test_wrong_current_password_on_the_account_page_counts(person: User, ui: Any) -> None:
    client = ui(person)
    url = reverse("core:account")
    data = {
        "form": "password",
        "current_password": "not-it",
        "password": "N3w-long-pass-42",
        "password2": "N3w-long-pass-42",
    }
    for _ in range(5):
        client.post(url, data)
    response = client.post(url, {**data, "current_password": PASSWORD})
    assert "Too many failed sign-in attempts" in response.content.decode()
    person.refresh_from_db()
    assert person.check_password(PASSWORD)


def test_api_tokens_are_not_throttled_but_a_deactivated_users_token_fails(
    person: User, admin_user: User, api_as: Any
) -> None:
    api = api_as(person)
    _fail(5)
    assert api.get("/api/v1/calendar/calendars").status_code == 200
    update_user(actor=admin_user, user=person, is_active=False)
    assert api.get("/api/v1/calendar/calendars").status_code == 401
