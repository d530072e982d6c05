from __future__ import annotations

import pytest

from kefu.core.choices import Role
from kefu.core.errors import Conflict, PermissionDenied, ValidationFailed
from kefu.core.models import AuditEvent, Department, OrgUnit
from kefu.core.permissions import Perm
from kefu.core.selectors.org import list_departments, list_units, list_users
from kefu.core.selectors.scope import has_perm, restrict_to_scope, scope_for
from kefu.core.services import org as org_services


def names(qs):
    return sorted(u.name for u in qs)


def test_region_agent_sees_region_and_units_below_only(org, make_user):
    agent = make_user(Role.AGENT, org.east)
    assert names(list_units(agent)) == ["上海一店", "华东区域"]
    assert names(list_departments(agent)) == ["华东客服部"]


def test_headquarters_manager_sees_whole_tree(org, make_user):
    manager = make_user(Role.MANAGER, org.hq)
    assert len(list_units(manager)) == 5


def test_user_without_assignment_sees_nothing(org, make_user):
    nobody = make_user(Role.AGENT, None)
    assert list(list_units(nobody)) == []
    assert list(restrict_to_scope(Department.objects.all(), nobody)) == []


def test_roles_in_two_units_union_their_scopes(org, make_user, admin_user):
    from kefu.core.services.users import assign_role

    clerk = make_user(Role.STORE_CLERK, org.shanghai)
    assign_role(actor=admin_user, user=clerk, unit=org.guangzhou, role=Role.STORE_CLERK)
    assert names(list_units(clerk)) == ["上海一店", "广州一店"]


@pytest.mark.parametrize(
    ("role", "perm", "expected"),
    [
        ("manager", Perm.MANAGE_ORG, True),
        ("supervisor", Perm.MANAGE_ORG, False),
        ("agent", Perm.WORK_TICKETS, True),
        ("auditor", Perm.WORK_TICKETS, False),
        ("auditor", Perm.VIEW_AUDIT, True),
        ("store_clerk", Perm.REGISTER_MEMBERS, True),
        ("agent", Perm.MANAGE_CALENDAR, False),
    ],
)
def test_permission_is_per_role(org, make_user, role, perm, expected):
    user = make_user(role, org.east)
    assert has_perm(user, perm, org.shanghai) is expected


def test_permission_does_not_reach_other_branch_or_upwards(org, make_user):
    manager = make_user(Role.MANAGER, org.east)
    assert has_perm(manager, Perm.MANAGE_ORG, org.shanghai)
    assert not has_perm(manager, Perm.MANAGE_ORG, org.guangzhou)
    assert not has_perm(manager, Perm.MANAGE_ORG, org.hq)


def test_scope_is_loaded_with_one_query(org, make_user, django_assert_num_queries):
    agent = make_user(Role.AGENT, org.east)
    from kefu.core.models import User

    fresh = User.objects.get(pk=agent.pk)
    with django_assert_num_queries(1):
        scope_for(fresh)
        scope_for(fresh)
        has_perm(fresh, Perm.WORK_TICKETS, org.shanghai)


def test_regional_manager_cannot_create_unit_elsewhere_and_nothing_is_written(org, make_user):
    manager = make_user(Role.MANAGER, org.east)
    before = OrgUnit.objects.count(), AuditEvent.objects.count()
    with pytest.raises(PermissionDenied):
        org_services.create_unit(
            actor=manager, code="S-GZ2", name="广州二店", kind="store", parent=org.guangzhou
        )
    assert (OrgUnit.objects.count(), AuditEvent.objects.count()) == before


def test_moving_a_unit_moves_its_subtree(org, admin_user):
    org_services.update_unit(actor=admin_user, unit=org.east, parent=org.south)
    org.shanghai.refresh_from_db()
    assert org.shanghai.path == f"/{org.hq.pk}/{org.south.pk}/{org.east.pk}/{org.shanghai.pk}/"
    assert org.shanghai.depth == 3


def test_unit_cannot_move_below_itself(org, admin_user):
    with pytest.raises(ValidationFailed):
        org_services.update_unit(actor=admin_user, unit=org.east, parent=org.shanghai)


def test_duplicate_unit_code_is_a_conflict(org, admin_user):
    with pytest.raises(Conflict):
        org_services.create_unit(
            actor=admin_user, code="HQ", name="x", kind="region", parent=org.hq
        )


def test_every_write_is_audited(org, admin_user):
    org_services.update_unit(actor=admin_user, unit=org.shanghai, name="上海旗舰店")
    event = AuditEvent.objects.filter(action="org_unit.update").latest("id")
    assert event.actor == admin_user
    assert event.changes == {"name": ["上海一店", "上海旗舰店"]}
    assert event.unit_id == org.shanghai.pk


def test_audit_log_is_append_only(org):
    event = AuditEvent.objects.first()
    assert event is not None
    event.action = "tampered"
    with pytest.raises(TypeError):
        event.save()
    with pytest.raises(TypeError):
        AuditEvent.objects.all().delete()
    with pytest.raises(TypeError):
        AuditEvent.objects.update(action="x")


def test_users_listed_are_those_in_scope(org, make_user):
    east_agent = make_user(Role.AGENT, org.east, username="east")
    make_user(Role.AGENT, org.guangzhou, username="south")
    make_user(Role.AGENT, org.shanghai, username="sh")
    assert sorted(u.username for u in list_users(east_agent)) == ["east", "sh"]
