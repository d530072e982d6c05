"""用户 pages: list and filters, creating users, profile, roles (htmx), departments, passwords."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from kefu.core.choices import Role
from kefu.core.models import AuditEvent, DepartmentMembership, UnitAssignment, User
from kefu.core.services import users as user_services
from kefu.core.tests.ui_client import ui_fixture  # noqa: F401


def _snapshot():
    return (
        User.objects.count(),
        UnitAssignment.objects.count(),
        DepartmentMembership.objects.count(),
        AuditEvent.objects.count(),
        list(User.objects.order_by("pk").values_list("display_name", "is_active", "password")),
    )


@pytest.fixture
def manager(org, make_user):
    return make_user(Role.MANAGER, org.east, username="east.boss", display_name="华东经理")


@pytest.fixture
def agent(org, make_user):
    return make_user(Role.AGENT, org.shanghai, username="sh.agent", display_name="上海坐席")


# --- list -------------------------------------------------------------------------------------


def test_list_shows_people_in_scope_with_roles(ui, org, manager, agent, make_user):
    make_user(Role.AGENT, org.guangzhou, username="gz.agent")
    resp = ui(manager).get(reverse("core:user_list"))
    assert resp.status_code == 200
    assert [u.username for u in resp.context["page"]] == ["sh.agent", "east.boss"]
    body = resp.content.decode()
    assert "Customer-service agent · 上海一店" in body
    assert "gz.agent" not in body


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"q": "坐席"}, ["sh.agent"]),
        ({"role": "manager"}, ["east.boss"]),
        ({"unit": "shanghai"}, ["sh.agent"]),
        ({"department": "cs_east"}, ["east.boss"]),
        ({"active": "0"}, []),
        ({"active": "1", "sort": "-username"}, ["sh.agent", "east.boss"]),
    ],
)
def test_list_filters(ui, org, manager, agent, admin_user, params, expected):
    user_services.set_departments(actor=admin_user, user=manager, departments=[org.cs_east])
    if "unit" in params:
        params = {**params, "unit": getattr(org, params["unit"]).pk}
    if "department" in params:
        params = {**params, "department": getattr(org, params["department"]).pk}
    resp = ui(manager).get(reverse("core:user_list"), params)
    assert [u.username for u in resp.context["page"]] == expected


def test_user_list_query_count_does_not_grow(
    ui, org, manager, admin_user, make_user, django_assert_num_queries
):
    c = ui(manager)
    c.get(reverse("core:user_list"))
    with django_assert_num_queries(11):
        c.get(reverse("core:user_list"))
    for _ in range(12):
        u = make_user(Role.AGENT, org.shanghai)
        user_services.assign_role(actor=admin_user, user=u, unit=org.east, role=Role.SUPERVISOR)
        user_services.set_departments(actor=admin_user, user=u, departments=[org.cs_east])
    with django_assert_num_queries(11):
        resp = c.get(reverse("core:user_list"))
    assert resp.context["page"].paginator.count == 13


def test_store_clerk_may_not_list_users(ui, org, make_user):
    assert (
        ui(make_user(Role.STORE_CLERK, org.shanghai)).get(reverse("core:user_list")).status_code
        == 403
    )


# --- create -----------------------------------------------------------------------------------


def test_manager_creates_a_user_with_a_first_role(ui, org, manager):
    c = ui(manager)
    form = c.get(reverse("core:user_create")).context["form"]
    assert [u.name for u in form.fields["unit"].queryset] == ["华东区域", "上海一店"]
    resp = c.post(
        reverse("core:user_create"),
        {
            "username": "wang.li",
            "display_name": "王丽",
            "password": "long-enough-pw-1",
            "password2": "long-enough-pw-1",
            "unit": org.shanghai.pk,
            "role": "agent",
            "employee_no": "E77",
            "phone": "",
            "email": "",
        },
    )
    user = User.objects.get(username="wang.li")
    assert resp.status_code == 302
    assert resp["Location"] == reverse("core:user_detail", args=[user.pk])
    assert list(user.assignments.values_list("unit_id", "role")) == [(org.shanghai.pk, "agent")]
    assert user.check_password("long-enough-pw-1")
    assert user.employee_no == "E77"
    assert Client().login(username="wang.li", password="long-enough-pw-1")


def test_password_mismatch_keeps_the_input(ui, org, manager):
    c = ui(manager)
    before = _snapshot()
    resp = c.post(
        reverse("core:user_create"),
        {
            "username": "wang.li",
            "display_name": "王丽",
            "password": "aaaaaaaa1",
            "password2": "bbbbbbbb1",
            "unit": org.shanghai.pk,
            "role": "agent",
        },
    )
    assert resp.status_code == 200
    assert list(resp.context["form"].errors) == ["password2"]
    assert 'value="王丽"' in resp.content.decode()
    assert _snapshot() == before


def test_taken_user_name_is_shown_on_the_form(ui, org, manager, agent):
    c = ui(manager)
    before = _snapshot()
    resp = c.post(
        reverse("core:user_create"),
        {
            "username": "sh.agent",
            "password": "long-enough-pw-1",
            "password2": "long-enough-pw-1",
            "unit": org.shanghai.pk,
            "role": "agent",
        },
    )
    assert resp.status_code == 200
    assert resp.context["form"].errors["username"] == ["Already used."]
    assert _snapshot() == before


def test_unit_outside_scope_cannot_be_chosen(ui, org, manager):
    c = ui(manager)
    before = _snapshot()
    resp = c.post(
        reverse("core:user_create"),
        {
            "username": "x",
            "password": "long-enough-pw-1",
            "password2": "long-enough-pw-1",
            "unit": org.guangzhou.pk,
            "role": "manager",
        },
    )
    assert list(resp.context["form"].errors) == ["unit"]
    assert _snapshot() == before


def test_agent_cannot_create_users(ui, org, agent):
    c = ui(agent)
    before = _snapshot()
    assert c.get(reverse("core:user_create")).status_code == 403
    resp = c.post(
        reverse("core:user_create"),
        {
            "username": "x",
            "password": "long-enough-pw-1",
            "password2": "long-enough-pw-1",
            "unit": org.shanghai.pk,
            "role": "manager",
        },
    )
    assert resp.status_code == 403
    assert _snapshot() == before


# --- detail and edits -------------------------------------------------------------------------


def test_detail_page_for_manager_has_the_forms(ui, org, manager, agent):
    resp = ui(manager).get(reverse("core:user_detail", args=[agent.pk]))
    assert resp.status_code == 200
    assert resp.context["can_manage"] is True
    body = resp.content.decode()
    assert reverse("core:user_edit", args=[agent.pk]) in body
    assert 'id="roles"' in body


def test_agent_sees_a_colleague_read_only(ui, org, make_user, agent):
    colleague = make_user(Role.AGENT, org.shanghai)
    resp = ui(agent).get(reverse("core:user_detail", args=[colleague.pk]))
    assert resp.status_code == 200
    body = resp.content.decode()
    assert reverse("core:user_edit", args=[colleague.pk]) not in body
    assert reverse("core:user_role_add", args=[colleague.pk]) not in body


def test_user_outside_scope_is_not_found(ui, org, manager, make_user):
    other = make_user(Role.AGENT, org.guangzhou)
    c = ui(manager)
    for name in (
        "core:user_detail",
        "core:user_edit",
        "core:user_role_add",
        "core:user_departments",
        "core:user_password",
    ):
        assert c.get(reverse(name, args=[other.pk])).status_code == 404, name
        assert c.post(reverse(name, args=[other.pk]), {}).status_code == 404, name


def test_edit_profile(ui, org, manager, agent):
    resp = ui(manager).post(
        reverse("core:user_edit", args=[agent.pk]),
        {
            "display_name": "上海坐席 王",
            "employee_no": "E1",
            "phone": "138",
            "email": "",
            "language": "en",
            "is_active": "on",
        },
    )
    assert resp.status_code == 302
    agent.refresh_from_db()
    assert (agent.display_name, agent.on_duty, agent.language) == ("上海坐席 王", False, "en")
    event = AuditEvent.objects.filter(action="user.update", object_id=str(agent.pk)).latest("id")
    assert event.changes["on_duty"] == [True, False]


def test_manager_cannot_deactivate_themselves(ui, org, manager):
    c = ui(manager)
    before = _snapshot()
    resp = c.post(
        reverse("core:user_edit", args=[manager.pk]),
        {
            "display_name": "华东经理",
            "on_duty": "on",
            "email": "not-an-email",
        },
    )
    assert list(resp.context["profile_form"].errors) == ["email"]
    resp = c.post(
        reverse("core:user_edit", args=[manager.pk]),
        {
            "display_name": "华东经理",
            "on_duty": "on",
        },
    )
    assert resp.status_code == 200
    assert resp.context["profile_form"].non_field_errors() == [
        "You cannot deactivate your own account."
    ]
    assert _snapshot() == before


def test_agent_cannot_edit_a_colleague(ui, org, make_user, agent):
    colleague = make_user(Role.AGENT, org.shanghai)
    before = _snapshot()
    resp = ui(agent).post(
        reverse("core:user_edit", args=[colleague.pk]),
        {"display_name": "hacked", "is_active": "on"},
    )
    assert resp.status_code == 403
    assert _snapshot() == before


def test_role_added_and_removed_through_htmx(ui, org, manager, agent):
    c = ui(manager)
    resp = c.htmx_post(
        reverse("core:user_role_add", args=[agent.pk]), {"unit": org.east.pk, "role": "supervisor"}
    )
    assert resp.status_code == 200
    body = resp.content.decode()
    assert "<html" not in body
    assert body.strip().startswith('<section class="card" id="roles">')
    assert "<strong>Customer-service supervisor</strong>" in body
    assignment = UnitAssignment.objects.get(user=agent, role="supervisor")
    assert assignment.unit_id == org.east.pk
    resp = c.htmx_post(reverse("core:user_role_remove", args=[agent.pk, assignment.pk]))
    assert resp.status_code == 200
    assert "<strong>Customer-service supervisor</strong>" not in resp.content.decode()
    assert not UnitAssignment.objects.filter(pk=assignment.pk).exists()


def test_bad_role_input_returns_the_partial_with_errors(ui, org, manager, agent):
    c = ui(manager)
    before = _snapshot()
    resp = c.htmx_post(
        reverse("core:user_role_add", args=[agent.pk]),
        {"unit": org.guangzhou.pk, "role": "emperor"},
    )
    assert resp.status_code == 200
    assert sorted(resp.context["role_form"].errors) == ["role", "unit"]
    assert "<html" not in resp.content.decode()
    assert _snapshot() == before


def test_role_added_without_htmx_redirects(ui, org, manager, agent):
    resp = ui(manager).post(
        reverse("core:user_role_add", args=[agent.pk]),
        {"unit": org.east.pk, "role": "quality_checker"},
    )
    assert resp.status_code == 302
    assert resp["Location"] == reverse("core:user_detail", args=[agent.pk])


def test_removing_your_own_manager_role_is_refused(ui, org, manager):
    own = UnitAssignment.objects.get(user=manager)
    c = ui(manager)
    confirm = c.get(reverse("core:user_role_remove", args=[manager.pk, own.pk]))
    assert confirm.status_code == 200
    resp = c.htmx_post(reverse("core:user_role_remove", args=[manager.pk, own.pk]))
    assert resp.status_code == 200
    assert UnitAssignment.objects.filter(pk=own.pk).exists()
    follow = c.get(reverse("core:user_detail", args=[manager.pk]))
    assert "You cannot remove your own manager role." in follow.content.decode()


def test_role_of_another_user_is_not_found(ui, org, manager, agent, make_user):
    other = make_user(Role.AGENT, org.east)
    theirs = UnitAssignment.objects.get(user=other)
    resp = ui(manager).post(reverse("core:user_role_remove", args=[agent.pk, theirs.pk]))
    assert resp.status_code == 404
    assert UnitAssignment.objects.filter(pk=theirs.pk).exists()


def test_set_departments(ui, org, manager, agent):
    c = ui(manager)
    form = c.get(reverse("core:user_detail", args=[agent.pk])).context["departments_form"]
    assert [d.name for d in form.fields["departments"].queryset] == ["华东客服部"]
    resp = c.post(
        reverse("core:user_departments", args=[agent.pk]), {"departments": [org.cs_east.pk]}
    )
    assert resp.status_code == 302
    assert list(agent.department_memberships.values_list("department_id", flat=True)) == [
        org.cs_east.pk
    ]
    c.post(reverse("core:user_departments", args=[agent.pk]), {})
    assert agent.department_memberships.count() == 0


def test_department_outside_scope_is_an_invalid_choice(ui, org, manager, agent):
    before = _snapshot()
    resp = ui(manager).post(
        reverse("core:user_departments", args=[agent.pk]), {"departments": [org.quality_hq.pk]}
    )
    assert resp.status_code == 200
    assert list(resp.context["departments_form"].errors) == ["departments"]
    assert _snapshot() == before


def test_reset_password(ui, org, manager, agent):
    c = ui(manager)
    resp = c.post(
        reverse("core:user_password", args=[agent.pk]),
        {"password": "brand-new-pass-9", "password2": "brand-new-pass-9"},
    )
    assert resp.status_code == 302
    assert Client().login(username="sh.agent", password="brand-new-pass-9")
    before = _snapshot()
    resp = c.post(
        reverse("core:user_password", args=[agent.pk]), {"password": "x1", "password2": "x2"}
    )
    assert list(resp.context["password_form"].errors) == ["password2"]
    assert _snapshot() == before


def test_weak_password_message_comes_from_the_validators(ui, org, manager, agent, settings):
    settings.AUTH_PASSWORD_VALIDATORS = [
        {
            "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
            "OPTIONS": {"min_length": 8},
        },
    ]
    before = _snapshot()
    resp = ui(manager, language="zh-hans").post(
        reverse("core:user_password", args=[agent.pk]), {"password": "short", "password2": "short"}
    )
    errors = resp.context["password_form"].errors["password"]
    assert errors == ["此密码太短，至少要包含 8 个字符。"]  # Django's own zh-hans catalogue
    assert _snapshot() == before


def test_user_name_is_checked_inline_without_saving(ui, org, manager, agent):
    c = ui(manager)
    page = c.get(reverse("core:user_create")).content.decode()
    assert 'hx-vals="{&quot;_check&quot;: &quot;username&quot;}"' in page
    before = _snapshot()
    resp = c.htmx_post(reverse("core:user_create"), {"_check": "username", "username": "sh.agent"})
    assert resp.status_code == 200
    body = resp.content.decode()
    assert body.strip().startswith('<div class="field field-text has-error">')
    assert "Already used. Choose another one." in body
    ok = c.htmx_post(reverse("core:user_create"), {"_check": "username", "username": "new.one"})
    assert "has-error" not in ok.content.decode()
    assert 'value="new.one"' in ok.content.decode()
    assert _snapshot() == before
