"""审计日志, API 令牌 and 我的账户 pages."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from kefu.core.choices import Role
from kefu.core.models import ApiToken, AuditEvent
from kefu.core.services import org as org_services
from kefu.core.services.audit import record_audit
from kefu.core.services.tokens import authenticate_token, create_token
from kefu.core.tests.ui_client import ui_fixture  # noqa: F401


@pytest.fixture
def manager(org, make_user):
    return make_user(Role.MANAGER, org.hq, username="boss", display_name="总经理")


def _actions(resp):
    return [e.action for e in resp.context["page"].rows]


# --- audit log --------------------------------------------------------------------------------


def test_audit_log_lists_newest_first_with_readable_changes(ui, org, manager):
    org_services.update_unit(actor=manager, unit=org.shanghai, name="上海旗舰店")
    resp = ui(manager).get(reverse("core:audit_list"))
    assert resp.status_code == 200
    first = resp.context["page"].rows[0]
    assert (first.action, first.actor_id) == ("org_unit.update", manager.pk)
    body = resp.content.decode()
    assert '<span class="old">上海一店</span> → <span class="new">上海旗舰店</span>' in body
    assert "Changed unit" in body


@pytest.mark.parametrize(
    ("role", "status"),
    [(Role.AGENT, 403), (Role.STORE_CLERK, 403), (Role.AUDITOR, 200), (Role.SUPERVISOR, 200)],
)
def test_audit_log_needs_the_audit_permission(ui, org, make_user, role, status):
    assert ui(make_user(role, org.east)).get(reverse("core:audit_list")).status_code == status


def test_regional_manager_sees_only_events_of_their_units(ui, org, make_user, admin_user):
    east = make_user(Role.MANAGER, org.east)
    org_services.update_unit(actor=admin_user, unit=org.guangzhou, name="广州旗舰店")
    org_services.update_unit(actor=admin_user, unit=org.shanghai, name="上海旗舰店")
    resp = ui(east).get(reverse("core:audit_list"), {"action": "org_unit.update"})
    assert [e.object_repr for e in resp.context["page"].rows] == ["上海旗舰店"]


def test_audit_filters(ui, org, manager, make_user):
    clerk = make_user(Role.AGENT, org.east, username="agent.x")
    org_services.update_unit(actor=manager, unit=org.shanghai, name="上海旗舰店")
    c = ui(manager)
    url = reverse("core:audit_list")
    assert set(_actions(c.get(url, {"action": "department."}))) == {"department.create"}
    assert _actions(c.get(url, {"actor": manager.pk})) == ["org_unit.update"]
    by_type = c.get(url, {"object_type": "core.user", "object_id": str(clerk.pk)})
    assert _actions(by_type) == ["user.assign_role", "user.create"]
    assert _actions(c.get(url, {"q": "旗舰"})) == ["org_unit.update"]
    today = timezone.localdate()
    assert len(_actions(c.get(url, {"since": today.isoformat(), "until": today.isoformat()}))) > 5
    future = (today + timedelta(days=1)).isoformat()
    assert _actions(c.get(url, {"since": future})) == []


def test_bad_audit_filters_are_reported_not_crashed(ui, org, manager):
    resp = ui(manager).get(
        reverse("core:audit_list"), {"since": "2026-13-45", "actor": "x", "after": "garbage.1"}
    )
    assert resp.status_code == 200
    assert sorted(resp.context["filters"].errors) == ["actor", "since"]
    assert 'class="form-alert"' in resp.content.decode()


def test_audit_log_pages_by_keyset(ui, org, manager):
    for i in range(60):
        record_audit(actor=manager, action="test.ping", object_repr=f"ping {i:02d}", unit=org.hq)
    c = ui(manager)
    url = reverse("core:audit_list")
    first = c.get(url, {"action": "test."}).context["page"]
    assert [e.object_repr for e in first.rows[:2]] == ["ping 59", "ping 58"]
    assert (len(first.rows), first.newer) == (50, None)
    second = c.get(url, {"action": "test.", "after": first.older}).context["page"]
    assert [e.object_repr for e in second.rows] == [f"ping {i:02d}" for i in range(9, -1, -1)]
    assert second.older is None
    back = c.get(url, {"action": "test.", "before": second.newer}).context["page"]
    assert [e.pk for e in back.rows] == [e.pk for e in first.rows]
    assert back.newer is None


def test_audit_list_query_count_does_not_grow(ui, org, manager, django_assert_num_queries):
    c = ui(manager)
    c.get(reverse("core:audit_list"))
    with django_assert_num_queries(7):
        c.get(reverse("core:audit_list"))
    for i in range(30):
        record_audit(
            actor=manager,
            action="user.update",
            obj=manager,
            unit=org.east,
            changes={"display_name": ["a", f"b{i}"], "on_duty": [True, False]},
        )
    with django_assert_num_queries(7):
        resp = c.get(reverse("core:audit_list"))
    assert len(resp.context["page"].rows) == 40


def test_audit_filters_without_match_explain_themselves(ui, admin_user):
    body = ui(admin_user).get(reverse("core:audit_list"), {"action": "nothing."}).content
    assert "No entries match these filters" in body.decode()


# --- API tokens -------------------------------------------------------------------------------


def test_create_token_shows_the_secret_once(ui, org, make_user):
    agent = make_user(Role.AGENT, org.east)
    c = ui(agent)
    assert "No tokens yet" in c.get(reverse("core:token_list")).content.decode()
    resp = c.post(reverse("core:token_list"), {"name": "呼叫中心", "expires": "30"})
    assert resp.status_code == 200
    secret = resp.context["secret"]
    assert secret.startswith("kefu_")
    assert secret in resp.content.decode()
    assert resp["Cache-Control"] == "no-store"
    assert authenticate_token(secret) == agent
    token = ApiToken.objects.get(user=agent)
    assert token.name == "呼叫中心"
    assert token.expires_at is not None
    assert timedelta(days=29) < token.expires_at - timezone.now() <= timedelta(days=30)
    again = c.get(reverse("core:token_list")).content.decode()
    assert secret not in again
    assert token.prefix in again


def test_token_without_a_name_is_refused(ui, org, make_user):
    agent = make_user(Role.AGENT, org.east)
    resp = ui(agent).post(reverse("core:token_list"), {"name": "", "expires": ""})
    assert list(resp.context["form"].errors) == ["name"]
    assert ApiToken.objects.filter(user=agent).count() == 0


def test_revoke_asks_then_revokes(ui, org, make_user):
    agent = make_user(Role.AGENT, org.east)
    token, raw = create_token(actor=agent, user=agent, name="脚本")
    c = ui(agent)
    url = reverse("core:token_revoke", args=[token.pk])
    page = c.get(url)
    assert page.status_code == 200
    assert "Revoke token" in page.content.decode()
    assert authenticate_token(raw) == agent
    resp = c.post(url)
    assert resp.status_code == 302
    assert authenticate_token(raw) is None
    assert AuditEvent.objects.filter(action="api_token.revoke", actor=agent).count() == 1


def test_someone_elses_token_is_not_found(ui, org, make_user, manager):
    agent = make_user(Role.AGENT, org.east)
    token, raw = create_token(actor=agent, user=agent, name="脚本")
    resp = ui(manager).post(reverse("core:token_revoke", args=[token.pk]))
    assert resp.status_code == 404
    assert authenticate_token(raw) == agent


def test_token_list_query_count(ui, org, make_user, django_assert_num_queries):
    agent = make_user(Role.AGENT, org.east)
    c = ui(agent)
    c.get(reverse("core:token_list"))
    with django_assert_num_queries(6):
        c.get(reverse("core:token_list"))
    for i in range(8):
        create_token(actor=agent, user=agent, name=f"t{i}")
    with django_assert_num_queries(6):
        c.get(reverse("core:token_list"))


# --- my account -------------------------------------------------------------------------------


def test_account_profile_and_language(ui, org, make_user):
    agent = make_user(Role.AGENT, org.east)
    c = ui(agent)
    assert c.get(reverse("core:account")).status_code == 200
    resp = c.post(
        reverse("core:account"),
        {"form": "profile", "display_name": "新名字", "phone": "", "email": "", "language": "en"},
    )
    assert resp.status_code == 302
    agent.refresh_from_db()
    assert (agent.display_name, agent.language) == ("新名字", "en")
    assert '<html lang="en">' in c.get(reverse("core:home")).content.decode()


def test_change_own_password(ui, org, make_user):
    agent = make_user(Role.AGENT, org.east, username="me")
    c = ui(agent)
    before = AuditEvent.objects.count()
    resp = c.post(
        reverse("core:account"),
        {
            "form": "password",
            "current_password": "nope",
            "password": "another-pass-1",
            "password2": "another-pass-1",
        },
    )
    assert resp.status_code == 200
    assert resp.context["password_form"].errors["current_password"] == [
        "The current password is not correct."
    ]
    assert AuditEvent.objects.count() == before
    resp = c.post(
        reverse("core:account"),
        {
            "form": "password",
            "current_password": "s3cret-pass-123",
            "password": "another-pass-1",
            "password2": "another-pass-1",
        },
    )
    assert resp.status_code == 302
    assert c.get(reverse("core:home")).status_code == 200  # still signed in
    assert Client().login(username="me", password="another-pass-1")
