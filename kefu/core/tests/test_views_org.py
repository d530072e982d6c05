"""组织架构 and 部门 pages: who sees what, create/edit/move/deactivate flows, query counts."""

from __future__ import annotations

import pytest
from django.urls import reverse

from kefu.core.choices import Role, UnitKind
from kefu.core.models import AuditEvent, Department, OrgUnit
from kefu.core.services import org as org_services
from kefu.core.tests.ui_client import ui_fixture  # noqa: F401


def _snapshot():
    return (
        OrgUnit.objects.count(),
        Department.objects.count(),
        AuditEvent.objects.count(),
        list(OrgUnit.objects.order_by("pk").values_list("name", "path", "is_active")),
    )


@pytest.fixture
def manager(org, make_user):
    return make_user(Role.MANAGER, org.hq, username="boss")


@pytest.fixture
def east_manager(org, make_user):
    return make_user(Role.MANAGER, org.east, username="east.boss")


# --- unit tree --------------------------------------------------------------------------------


def test_manager_sees_the_whole_tree_with_counts(ui, org, manager, make_user):
    make_user(Role.AGENT, org.east)
    resp = ui(manager).get(reverse("core:unit_list"))
    assert resp.status_code == 200
    body = resp.content.decode()
    for unit in (org.hq, org.east, org.south, org.shanghai, org.guangzhou):
        assert f'id="unit-{unit.pk}"' in body
    assert f'href="{reverse("core:unit_create")}"' in body
    units = {u.pk: u for u in resp.context["units"]}
    assert (units[org.hq.pk].n_children, units[org.hq.pk].n_departments) == (2, 2)
    assert (units[org.east.pk].n_users, units[org.hq.pk].n_users) == (1, 1)
    assert units[org.shanghai.pk].hidden is True  # deeper levels start collapsed


def test_regional_manager_sees_only_their_branch(ui, org, east_manager):
    body = ui(east_manager).get(reverse("core:unit_list")).content.decode()
    assert "上海一店" in body
    assert "广州一店" not in body
    assert f'id="unit-{org.hq.pk}"' not in body


def test_agent_sees_the_tree_read_only(ui, org, make_user):
    resp = ui(make_user(Role.AGENT, org.east)).get(reverse("core:unit_list"))
    assert resp.status_code == 200
    body = resp.content.decode()
    assert reverse("core:unit_create") not in body
    assert reverse("core:unit_edit", args=[org.east.pk]) not in body


def test_user_without_any_role_is_refused(ui, org, make_user):
    assert ui(make_user(Role.AGENT, None)).get(reverse("core:unit_list")).status_code == 403


def test_tree_filters_by_text_and_kind(ui, org, manager):
    resp = ui(manager).get(reverse("core:unit_list"), {"q": "一店", "kind": "store"})
    assert [u.name for u in resp.context["units"]] == ["上海一店", "广州一店"]
    resp = ui(manager).get(reverse("core:unit_list"), {"q": "nothing"})
    assert "No unit matches these filters" in resp.content.decode()


def test_empty_tree_invites_the_first_unit(ui, admin_user):
    body = ui(admin_user).get(reverse("core:unit_list")).content.decode()
    assert "Create the first unit" in body


def test_unit_tree_query_count_does_not_grow(ui, org, manager, django_assert_num_queries):
    c = ui(manager)
    c.get(reverse("core:unit_list"))
    with django_assert_num_queries(7):
        c.get(reverse("core:unit_list"))
    for i in range(15):
        org_services.create_unit(
            actor=manager, code=f"S-X{i}", name=f"新店{i}", kind=UnitKind.STORE, parent=org.east
        )
        org_services.create_department(actor=manager, unit=org.east, code=f"D-X{i}", name=f"部{i}")
    with django_assert_num_queries(7):
        resp = c.get(reverse("core:unit_list"))
    assert len(resp.context["units"]) == 20


def test_large_tree_shows_two_levels_and_opens_branches(ui, org, manager, monkeypatch):
    from kefu.core.views import org as org_views

    monkeypatch.setattr(org_views, "TREE_LIMIT", 3)
    c = ui(manager)
    resp = c.get(reverse("core:unit_list"))
    assert [u.name for u in resp.context["units"]] == ["总部", "华东区域", "华南区域"]
    body = resp.content.decode()
    assert f'href="?root={org.east.pk}"' in body
    branch = c.get(reverse("core:unit_list"), {"root": org.east.pk})
    assert [u.name for u in branch.context["units"]] == ["华东区域", "上海一店"]
    assert branch.context["units"][0].level == 0
    assert c.get(reverse("core:unit_list"), {"root": 999999}).status_code == 404


def test_branch_outside_scope_is_not_found(ui, org, make_user):
    east = make_user(Role.MANAGER, org.east)
    resp = ui(east).get(reverse("core:unit_list"), {"root": org.south.pk})
    assert resp.status_code == 404


# --- create / edit / move / deactivate --------------------------------------------------------


def test_manager_creates_a_store_below_a_region(ui, org, manager):
    c = ui(manager)
    assert c.get(reverse("core:unit_create"), {"parent": org.east.pk}).status_code == 200
    resp = c.post(
        reverse("core:unit_create"),
        {
            "name": "上海二店",
            "code": "S-SH2",
            "kind": "store",
            "parent": org.east.pk,
            "phone": "021-1234",
            "address": "南京路 1 号",
        },
    )
    unit = OrgUnit.objects.get(code="S-SH2")
    assert resp.status_code == 302
    assert resp["Location"] == f"{reverse('core:unit_list')}#unit-{unit.pk}"
    assert (unit.name, unit.parent_id, unit.path) == (
        "上海二店",
        org.east.pk,
        f"{org.east.path}{unit.pk}/",
    )
    event = AuditEvent.objects.get(action="org_unit.create", object_id=str(unit.pk))
    assert (event.actor_id, event.via) == (manager.pk, "ui")


def test_duplicate_code_keeps_the_input_and_writes_nothing(ui, org, manager):
    before = _snapshot()
    resp = ui(manager).post(
        reverse("core:unit_create"),
        {"name": "又一个总部", "code": "HQ", "kind": "store", "parent": org.east.pk},
    )
    assert resp.status_code == 200
    form = resp.context["form"]
    assert form.errors["code"] == ["Already used."]
    assert "A unit with this code already exists." in form.non_field_errors()
    assert 'value="又一个总部"' in resp.content.decode()
    assert _snapshot() == before


def test_missing_name_is_reported_on_the_field(ui, org, manager):
    before = _snapshot()
    resp = ui(manager).post(
        reverse("core:unit_create"),
        {"name": "", "code": "S-9", "kind": "store", "parent": org.east.pk},
    )
    assert resp.status_code == 200
    assert list(resp.context["form"].errors) == ["name"]
    assert _snapshot() == before


def test_parent_outside_scope_is_not_a_choice(ui, org, east_manager):
    before = _snapshot()
    c = ui(east_manager)
    form = c.get(reverse("core:unit_create")).context["form"]
    assert [u.name for u in form.fields["parent"].queryset] == ["华东区域", "上海一店"]
    resp = c.post(
        reverse("core:unit_create"),
        {"name": "广州二店", "code": "S-GZ2", "kind": "store", "parent": org.guangzhou.pk},
    )
    assert resp.status_code == 200
    assert list(resp.context["form"].errors) == ["parent"]
    assert _snapshot() == before


def test_agent_cannot_create_units(ui, org, make_user):
    c = ui(make_user(Role.AGENT, org.east))
    before = _snapshot()
    assert c.get(reverse("core:unit_create")).status_code == 403
    resp = c.post(
        reverse("core:unit_create"),
        {"name": "x", "code": "S-X", "kind": "store", "parent": org.east.pk},
    )
    assert resp.status_code == 403
    assert _snapshot() == before


def test_manager_edits_a_unit(ui, org, east_manager):
    c = ui(east_manager)
    url = reverse("core:unit_edit", args=[org.shanghai.pk])
    assert c.get(url).context["form"].initial["name"] == "上海一店"
    resp = c.post(
        url, {"name": "上海旗舰店", "code": "S-SH1", "kind": "store", "phone": "", "address": ""}
    )
    assert resp.status_code == 302
    org.shanghai.refresh_from_db()
    assert org.shanghai.name == "上海旗舰店"
    event = AuditEvent.objects.filter(action="org_unit.update").latest("id")
    assert event.changes == {"name": ["上海一店", "上海旗舰店"]}


@pytest.mark.parametrize("name", ["core:unit_edit", "core:unit_move", "core:unit_set_active"])
def test_unit_outside_scope_is_not_found(ui, org, east_manager, name):
    c = ui(east_manager)
    assert c.get(reverse(name, args=[org.guangzhou.pk])).status_code == 404
    assert c.post(reverse(name, args=[org.guangzhou.pk]), {"name": "x"}).status_code == 404
    assert c.get(reverse(name, args=[999999])).status_code == 404


def test_supervisor_cannot_edit_a_unit_in_scope(ui, org, make_user):
    c = ui(make_user(Role.SUPERVISOR, org.east))
    assert c.get(reverse("core:unit_edit", args=[org.shanghai.pk])).status_code == 403


def test_manager_below_cannot_edit_a_unit_they_only_see(ui, org, east_manager, admin_user):
    from kefu.core.services.users import assign_role

    assign_role(actor=admin_user, user=east_manager, unit=org.hq, role=Role.AGENT)
    c = ui(east_manager)
    assert c.get(reverse("core:unit_edit", args=[org.hq.pk])).status_code == 403
    assert c.get(reverse("core:unit_edit", args=[org.east.pk])).status_code == 200


def test_move_a_unit_with_its_branch(ui, org, manager):
    c = ui(manager)
    url = reverse("core:unit_move", args=[org.east.pk])
    choices = list(c.get(url).context["form"].fields["parent"].queryset)
    assert org.shanghai not in choices
    assert org.east not in choices
    resp = c.post(url, {"parent": org.south.pk})
    assert resp.status_code == 302
    org.shanghai.refresh_from_db()
    assert org.shanghai.path == f"/{org.hq.pk}/{org.south.pk}/{org.east.pk}/{org.shanghai.pk}/"


def test_move_below_itself_is_refused(ui, org, manager):
    before = _snapshot()
    resp = ui(manager).post(
        reverse("core:unit_move", args=[org.east.pk]), {"parent": org.shanghai.pk}
    )
    assert resp.status_code == 200
    assert list(resp.context["form"].errors) == ["parent"]
    assert _snapshot() == before


def test_deactivate_asks_first_and_refuses_a_unit_with_active_children(ui, org, manager):
    c = ui(manager)
    url = reverse("core:unit_set_active", args=[org.east.pk])
    page = c.get(url)
    assert page.status_code == 200
    assert "Deactivate 华东区域?" in page.content.decode()
    before = _snapshot()
    resp = c.post(url)
    assert resp.status_code == 200
    assert resp.context["error"] == "Deactivate the units below this one first."
    assert _snapshot() == before


def test_deactivate_and_reactivate_a_store(ui, org, manager):
    c = ui(manager)
    url = reverse("core:unit_set_active", args=[org.shanghai.pk])
    assert c.post(url).status_code == 302
    org.shanghai.refresh_from_db()
    assert org.shanghai.is_active is False
    assert c.post(url).status_code == 302
    org.shanghai.refresh_from_db()
    assert org.shanghai.is_active is True


def test_cannot_deactivate_the_unit_of_your_own_role(ui, org, make_user):
    boss = make_user(Role.MANAGER, org.shanghai)
    resp = ui(boss).post(reverse("core:unit_set_active", args=[org.shanghai.pk]))
    assert resp.context["error"] == "You cannot deactivate the unit your own role is in."
    org.shanghai.refresh_from_db()
    assert org.shanghai.is_active is True


# --- departments ------------------------------------------------------------------------------


def test_department_list_filters(ui, org, manager):
    c = ui(manager)
    resp = c.get(reverse("core:department_list"))
    assert resp.status_code == 200
    assert [d.name for d in resp.context["page"]] == ["客服部", "质量部", "华东客服部"]
    resp = c.get(reverse("core:department_list"), {"unit": org.hq.pk, "kind": "quality"})
    assert [d.name for d in resp.context["page"]] == ["质量部"]
    resp = c.get(reverse("core:department_list"), {"q": "华东"})
    assert [d.name for d in resp.context["page"]] == ["华东客服部"]
    resp = c.get(reverse("core:department_list"), {"sort": "-code"})
    assert [d.code for d in resp.context["page"]] == ["D-QA", "D-CS-E", "D-CS"]


def test_bad_filter_values_do_not_break_the_list(ui, org, manager):
    resp = ui(manager).get(
        reverse("core:department_list"), {"unit": "abc", "sort": "password", "page": "x"}
    )
    assert resp.status_code == 200
    assert len(resp.context["page"]) == 3


def test_agent_sees_departments_of_their_branch_only(ui, org, make_user):
    resp = ui(make_user(Role.AGENT, org.east)).get(reverse("core:department_list"))
    assert [d.name for d in resp.context["page"]] == ["华东客服部"]
    assert reverse("core:department_create") not in resp.content.decode()


def test_department_list_query_count_does_not_grow(ui, org, manager, django_assert_num_queries):
    c = ui(manager)
    c.get(reverse("core:department_list"))
    with django_assert_num_queries(8):
        c.get(reverse("core:department_list"))
    for i in range(12):
        org_services.create_department(
            actor=manager, unit=org.south, code=f"D-S{i}", name=f"华南部{i}"
        )
    c.get(reverse("core:department_list"))  # (a config write: this process reloads the org tree)
    with django_assert_num_queries(8):
        resp = c.get(reverse("core:department_list"))
    assert resp.context["page"].paginator.count == 15


def test_create_and_edit_a_department(ui, org, manager):
    c = ui(manager)
    resp = c.post(
        reverse("core:department_create"),
        {"name": "华南维修部", "code": "D-MT-S", "kind": "maintenance", "unit": org.south.pk},
    )
    assert resp.status_code == 302
    dept = Department.objects.get(code="D-MT-S")
    assert (dept.unit_id, dept.kind) == (org.south.pk, "maintenance")
    url = reverse("core:department_edit", args=[dept.pk])
    resp = c.post(
        url, {"name": "华南维修中心", "code": "D-MT-S", "kind": "maintenance", "unit": org.south.pk}
    )
    assert resp.status_code == 302
    dept.refresh_from_db()
    assert (dept.name, dept.is_active) == ("华南维修中心", False)  # the box was left unticked
    event = AuditEvent.objects.filter(action="department.update").latest("id")
    assert event.changes == {"name": ["华南维修部", "华南维修中心"], "is_active": [True, False]}


def test_duplicate_department_keeps_the_form(ui, org, manager):
    before = _snapshot()
    resp = ui(manager).post(
        reverse("core:department_create"),
        {"name": "客服部", "code": "D-CS", "kind": "customer_service", "unit": org.hq.pk},
    )
    assert resp.status_code == 200
    assert "A department with this code or name already exists." in (
        resp.context["form"].non_field_errors()
    )
    assert 'value="D-CS"' in resp.content.decode()
    assert _snapshot() == before


def test_department_outside_scope_is_not_found(ui, org, make_user):
    south = make_user(Role.MANAGER, org.south)
    c = ui(south)
    assert c.get(reverse("core:department_edit", args=[org.cs_east.pk])).status_code == 404
    assert (
        c.post(reverse("core:department_edit", args=[org.cs_east.pk]), {"name": "x"}).status_code
        == 404
    )


def test_agent_cannot_create_departments(ui, org, make_user):
    c = ui(make_user(Role.AGENT, org.east))
    before = _snapshot()
    resp = c.post(
        reverse("core:department_create"),
        {"name": "x", "code": "D-X", "kind": "quality", "unit": org.east.pk},
    )
    assert resp.status_code == 403
    assert _snapshot() == before


def test_unit_code_is_checked_inline(ui, org, manager):
    c = ui(manager)
    before = _snapshot()
    resp = c.htmx_post(reverse("core:unit_create"), {"_check": "code", "code": "R-E"})
    assert "Already used. Choose another one." in resp.content.decode()
    resp = c.htmx_post(reverse("core:department_create"), {"_check": "code", "code": "D-NEW"})
    assert "has-error" not in resp.content.decode()
    assert _snapshot() == before
