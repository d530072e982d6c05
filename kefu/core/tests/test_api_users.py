from __future__ import annotations

from kefu.core.choices import Role
from kefu.core.models import AuditEvent, UnitAssignment, User


def test_regional_manager_creates_user_in_own_region(org, make_user, api_as):
    api = api_as(make_user(Role.MANAGER, org.east))
    resp = api.post(
        "/api/v1/users",
        {
            "username": "zhang.san",
            "password": "Zs-2026-kefu!",
            "display_name": "张三",
            "unit_id": org.shanghai.pk,
            "role": "agent",
        },
    )
    assert resp.status_code == 201, resp.content
    body = resp.json()
    assert body["display_name"] == "张三"
    assert body["assignments"] == [
        {"unit_id": org.shanghai.pk, "unit_name": "上海一店", "role": "agent"}
    ]
    assert AuditEvent.objects.filter(action="user.create", object_id=str(body["id"])).exists()


def test_user_in_other_region_cannot_be_created_and_nothing_is_written(org, make_user, api_as):
    api = api_as(make_user(Role.MANAGER, org.east))
    before = User.objects.count()
    resp = api.post(
        "/api/v1/users",
        {
            "username": "li.si",
            "password": "Ls-2026-kefu!",
            "unit_id": org.guangzhou.pk,
            "role": "agent",
        },
    )
    assert resp.status_code == 404
    assert User.objects.count() == before


def test_agent_cannot_create_users(org, make_user, api_as):
    api = api_as(make_user(Role.AGENT, org.east))
    resp = api.post(
        "/api/v1/users",
        {"username": "x1", "password": "Xx-2026-kefu!", "unit_id": org.east.pk, "role": "agent"},
    )
    assert resp.status_code == 403
    assert resp.json()["code"] == "permission_denied"
    assert not User.objects.filter(username="x1").exists()


def test_weak_password_and_duplicate_username(org, make_user, api_as):
    api = api_as(make_user(Role.MANAGER, org.hq, username="boss"))
    resp = api.post(
        "/api/v1/users", {"username": "a", "password": "123", "unit_id": org.hq.pk, "role": "agent"}
    )
    assert resp.status_code == 422
    assert "password" in resp.json()["details"]
    resp = api.post(
        "/api/v1/users",
        {"username": "boss", "password": "Bb-2026-kefu!", "unit_id": org.hq.pk, "role": "agent"},
    )
    assert resp.status_code == 409


def test_assign_and_remove_roles_and_departments(org, make_user, api_as):
    api = api_as(make_user(Role.MANAGER, org.hq))
    agent = make_user(Role.AGENT, org.east)
    resp = api.post(
        f"/api/v1/users/{agent.pk}/assignments", {"unit_id": org.south.pk, "role": "supervisor"}
    )
    assert resp.status_code == 201
    assert {(a["unit_id"], a["role"]) for a in resp.json()["assignments"]} == {
        (org.east.pk, "agent"),
        (org.south.pk, "supervisor"),
    }
    resp = api.delete(f"/api/v1/users/{agent.pk}/assignments/{org.east.pk}/agent")
    assert resp.status_code == 204
    assert list(UnitAssignment.objects.filter(user=agent).values_list("role", flat=True)) == [
        "supervisor"
    ]
    resp = api._call(
        "put",
        f"/api/v1/users/{agent.pk}/departments",
        {"department_ids": [org.cs_hq.pk, org.quality_hq.pk]},
    )
    assert resp.status_code == 200
    assert sorted(resp.json()["department_ids"]) == sorted([org.cs_hq.pk, org.quality_hq.pk])


def test_users_list_query_count_does_not_grow(org, make_user, api_as, django_assert_num_queries):
    api = api_as(make_user(Role.MANAGER, org.hq))
    api.get("/api/v1/me")
    for _ in range(5):
        make_user(Role.AGENT, org.east)
    # token, scope, count, page, assignments prefetch, departments prefetch
    with django_assert_num_queries(6):
        resp = api.get("/api/v1/users")
    assert resp.json()["count"] == 6
