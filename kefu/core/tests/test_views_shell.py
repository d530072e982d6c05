"""The UI shell: sign-in, navigation by permission, language, home page, search, helpers."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import pytest
from django.conf import settings
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone, translation

from kefu.core import navigation
from kefu.core.choices import Role
from kefu.core.models import AuditEvent, User
from kefu.core.permissions import Perm
from kefu.core.services import users as user_services
from kefu.core.templatetags import kefu_ui
from kefu.core.tests.ui_client import ui_fixture  # noqa: F401

PAGES = [
    "core:home",
    "core:search",
    "core:account",
    "core:unit_list",
    "core:unit_create",
    "core:department_list",
    "core:department_create",
    "core:user_list",
    "core:user_create",
    "core:audit_list",
    "core:token_list",
]


@pytest.mark.parametrize("name", PAGES)
def test_anonymous_visitor_is_sent_to_login(ui, name):
    url = reverse(name)
    resp = ui().get(url)
    assert resp.status_code == 302
    assert resp["Location"] == f"{reverse('core:login')}?next={url}"


def test_login_page_is_chinese_by_default(ui):
    resp = ui(language="zh-hans").get(reverse("core:login"))
    assert resp.status_code == 200
    assert settings.LANGUAGE_CODE == "zh-hans"
    assert '<html lang="zh-hans">' in resp.content.decode()


def test_wrong_password_keeps_the_form_and_says_so(ui, org, make_user):
    make_user(Role.AGENT, org.east, username="li.na")
    resp = ui().post(reverse("core:login"), {"username": "li.na", "password": "wrong"})
    assert resp.status_code == 200
    body = resp.content.decode()
    assert 'class="form-alert"' in body
    assert 'value="li.na"' in body
    assert "_auth_user_id" not in resp.wsgi_request.session


def test_login_restores_the_saved_language(ui, org, make_user, admin_user):
    user = make_user(Role.AGENT, org.east, username="zhang")
    user_services.update_user(actor=admin_user, user=user, language="en")
    c = ui()
    resp = c.post(reverse("core:login"), {"username": "zhang", "password": "s3cret-pass-123"})
    assert resp.status_code == 302
    assert resp["Location"] == reverse("core:home")
    assert resp.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    assert '<html lang="en">' in c.get(reverse("core:home")).content.decode()


def test_logout_is_a_post(ui, org, make_user):
    c = ui(make_user(Role.AGENT, org.east))
    assert c.get(reverse("core:logout")).status_code == 405
    resp = c.post(reverse("core:logout"))
    assert resp.status_code == 302
    assert c.get(reverse("core:home")).status_code == 302


def test_language_switch_saves_to_the_profile_and_renders_english(ui, org, make_user):
    user = make_user(Role.AGENT, org.east)
    c = ui(user)
    resp = c.post(reverse("core:set_language"), {"language": "en", "next": "/settings/users/"})
    assert resp.status_code == 302
    assert resp["Location"] == "/settings/users/"
    user.refresh_from_db()
    assert user.language == "en"
    event = AuditEvent.objects.filter(action="user.update", object_id=str(user.pk)).latest("id")
    assert event.changes == {"language": ["", "en"]}
    body = c.get(reverse("core:home")).content.decode()
    assert '<html lang="en">' in body
    assert "Workbench" in body
    c.post(reverse("core:set_language"), {"language": "zh-hans", "next": "/"})
    assert '<html lang="zh-hans">' in c.get(reverse("core:home")).content.decode()


def test_language_switch_when_signed_out_writes_nothing(ui, db):
    before = AuditEvent.objects.count()
    resp = ui().post(reverse("core:set_language"), {"language": "en", "next": "/login/"})
    assert resp.status_code == 302
    assert resp.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    assert AuditEvent.objects.count() == before


def test_unknown_language_is_ignored(ui, org, make_user):
    user = make_user(Role.AGENT, org.east)
    ui(user).post(reverse("core:set_language"), {"language": "xx", "next": "/"})
    user.refresh_from_db()
    assert user.language == ""


def test_language_middleware_uses_the_profile_without_a_cookie(client, org, make_user, settings):
    settings.MIDDLEWARE = [
        *settings.MIDDLEWARE,
        "kefu.core.middleware.UserLanguageMiddleware",
    ]
    user = make_user(Role.AGENT, org.east)
    User.objects.filter(pk=user.pk).update(language="en")
    client.force_login(user)
    assert '<html lang="en">' in client.get(reverse("core:home")).content.decode()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    assert '<html lang="zh-hans">' in client.get(reverse("core:home")).content.decode()


def test_post_without_csrf_token_is_refused(org, make_user):
    from django.test import Client

    c = Client(enforce_csrf_checks=True)
    c.force_login(make_user(Role.MANAGER, org.hq))
    before = AuditEvent.objects.count()
    resp = c.post(reverse("core:unit_create"), {"name": "x", "code": "X", "kind": "store"})
    assert resp.status_code == 403
    assert AuditEvent.objects.count() == before


# --- navigation -------------------------------------------------------------------------------


CORE_KEYS = {"home", "org", "departments", "users", "calendars", "audit", "tokens"}


def _nav_keys(body: str) -> list[str]:
    """The core entries shown (other apps' entries have their own tests)."""
    urls = re.findall(r'<a class="nav-link[^"]*" href="([^"]+)"', body)
    by_url = {navigation.url_or_none(i.url_name): i.key for i in navigation.registered()}
    return [by_url[u] for u in urls if by_url[u] in CORE_KEYS]


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        (Role.MANAGER, ["home", "org", "departments", "users", "calendars", "audit", "tokens"]),
        (
            Role.SUPERVISOR,
            ["home", "org", "departments", "users", "calendars", "audit", "tokens"],
        ),
        (Role.AGENT, ["home", "org", "departments", "users", "calendars", "tokens"]),
        (Role.STORE_CLERK, ["home", "org", "departments", "calendars", "tokens"]),
    ],
)
def test_navigation_shows_what_the_role_may_use(ui, org, make_user, role, expected):
    body = ui(make_user(role, org.east)).get(reverse("core:home")).content.decode()
    calendar_exists = navigation.url_or_none("core:calendar_list") is not None
    assert _nav_keys(body) == [k for k in expected if k != "calendars" or calendar_exists]


def test_entries_whose_url_does_not_resolve_are_not_shown(monkeypatch):
    monkeypatch.setattr(navigation, "_ITEMS", dict(navigation._ITEMS))
    navigation.register(navigation.NavItem("ghost", "Ghost", "nowhere:list", icon="ticket"))
    navigation.register(
        navigation.NavItem("later", "Later", "core:home", perm=Perm.VIEW_REPORTS, order=5)
    )
    all_perms = frozenset(str(p) for p in Perm)
    sections = navigation.sections_for("/", all_perms)
    keys = [link.key for s in sections for link in s.links]
    assert "ghost" not in keys
    assert keys[:2] == ["home", "later"]
    no_reports = frozenset(p for p in all_perms if p != Perm.VIEW_REPORTS)
    assert "later" not in [
        link.key for s in navigation.sections_for("/", no_reports) for link in s.links
    ]


def test_current_page_is_marked_active():
    sections = navigation.sections_for("/settings/users/5/", frozenset(str(p) for p in Perm))
    active = [link.key for s in sections for link in s.links if link.active]
    assert active == ["users"]


def test_notification_providers_fill_the_bell(ui, org, make_user, monkeypatch):
    monkeypatch.setattr(navigation, "_NOTIFICATION_PROVIDERS", [])
    navigation.register_notification_provider(lambda request: 2)
    navigation.register_notification_provider(lambda request: 1)
    body = ui(make_user(Role.AGENT, org.east)).get(reverse("core:home")).content.decode()
    assert '<span class="bell-count">3</span>' in body


def test_new_ticket_shortcut_only_when_its_page_exists(ui, org, make_user, monkeypatch):
    c = ui(make_user(Role.AGENT, org.east))
    assert 'data-new-ticket-url="/tickets/new/"' in c.get(reverse("core:home")).content.decode()
    monkeypatch.setattr(navigation, "NEW_TICKET_URL_NAME", "nowhere:new")
    assert "data-new-ticket-url" not in c.get(reverse("core:home")).content.decode()


def test_htmx_csrf_header_is_on_the_body(ui, org, make_user):
    c = ui(make_user(Role.AGENT, org.east))
    body = c.get(reverse("core:home")).content.decode()
    token = c.client.cookies["csrftoken"].value
    assert 'hx-headers=\'{"X-CSRFToken": "' in body
    assert len(token) == 32
    assert "/static/vendor/htmx.min.js" in body


# --- home and search --------------------------------------------------------------------------


def test_home_shows_scope_counts_roles_and_recent_activity(ui, org, make_user):
    manager = make_user(Role.MANAGER, org.east, display_name="王经理")
    make_user(Role.AGENT, org.shanghai)
    body = ui(manager).get(reverse("core:home")).content.decode()
    assert '<div class="stat-value">2</div>' in body  # 华东区域 + 上海一店
    assert '<div class="stat-value">1</div>' in body  # 华东客服部
    assert "华东区域" in body
    assert "Customer-service manager" in body
    assert "Recent activity" in body
    assert "Your workbench" not in body  # the tickets module is installed
    assert 'data-panel="my-work"' in body


def test_agent_home_has_no_audit_block(ui, org, make_user):
    body = ui(make_user(Role.AGENT, org.east)).get(reverse("core:home")).content.decode()
    assert "Recent activity" not in body


def test_search_finds_people_units_and_departments_in_scope(ui, org, make_user):
    manager = make_user(Role.MANAGER, org.east)
    make_user(Role.AGENT, org.shanghai, username="shanghai.li", display_name="上海小李")
    make_user(Role.AGENT, org.guangzhou, username="gz", display_name="上海来的小王")
    body = ui(manager).get(reverse("core:search"), {"q": "上海"}).content.decode()
    assert "上海一店" in body
    assert "上海小李" in body
    assert "上海来的小王" not in body  # works in 广州, outside this manager's scope


def test_store_clerk_search_has_no_people(ui, org, make_user):
    make_user(Role.AGENT, org.shanghai, display_name="上海小李")
    clerk = make_user(Role.STORE_CLERK, org.shanghai)
    body = ui(clerk).get(reverse("core:search"), {"q": "上海"}).content.decode()
    assert "上海一店" in body
    assert "上海小李" not in body


def test_unknown_page_is_a_404_inside_the_shell(ui, org, make_user):
    resp = ui(make_user(Role.AGENT, org.east)).get("/settings/nothing-here/")
    assert resp.status_code == 404
    assert "sidebar" in resp.content.decode()


# --- template helpers -------------------------------------------------------------------------


def test_dates_are_shown_absolute_and_relative():
    now = timezone.now()
    with translation.override("en"):
        assert kefu_ui.ago(now - timedelta(seconds=10), now) == "just now"
        assert kefu_ui.ago(now - timedelta(minutes=3), now) == "3 minutes ago"
        assert kefu_ui.ago(now - timedelta(minutes=1), now) == "1 minute ago"
        assert kefu_ui.ago(now - timedelta(hours=5), now) == "5 hours ago"
        assert kefu_ui.ago(now - timedelta(days=2), now) == "2 days ago"
        assert kefu_ui.ago(now + timedelta(minutes=30), now) == "in 30 minutes"
        old = now - timedelta(days=90)
        assert kefu_ui.ago(old, now) == timezone.localtime(old).strftime("%Y-%m-%d")
    moment = timezone.make_aware(datetime(2026, 11, 22, 14, 5, 33))
    assert kefu_ui.when(moment) == "2026-11-22 14:05"
    html = Template("{% load kefu_ui %}{% stamp t %}").render(Context({"t": moment}))
    assert 'title="2026-11-22 14:05:33"' in html
    assert ">2026-11-22 14:05 <span" in html
    assert kefu_ui.when(None) == ""


def test_audit_changes_are_readable():
    event = AuditEvent(
        object_type="core.orgunit",
        changes={"name": ["上海一店", "上海旗舰店"], "is_active": [True, False], "code": "S1"},
    )
    with translation.override("en"):
        rows = kefu_ui.audit_changes(event)
    assert rows == [
        {"field": "name", "old": "上海一店", "new": "上海旗舰店"},
        {"field": "active", "old": "yes", "new": "no"},
        {"field": "code", "old": "", "new": "S1"},
    ]
    role = AuditEvent(object_type="core.user", changes={"role": "manager"})
    with translation.override("en"):
        assert kefu_ui.audit_changes(role)[0]["new"] == "Customer-service manager"


def test_sortable_header_toggles_direction_and_keeps_filters():
    request = RequestFactory().get("/x/", {"q": "上海", "sort": "name", "page": "3"})
    html = kefu_ui.sort_th({"request": request}, "name", "Name")
    assert 'aria-sort="ascending"' in html
    assert "sort=-name" in html
    assert "page=" not in html
    assert "q=%E4%B8%8A%E6%B5%B7" in html
