from __future__ import annotations

from kefu.core.choices import Role
from kefu.core.models import ApiToken, OrgUnit
from kefu.core.services.tokens import revoke_token


def test_openapi_and_docs_are_served(client):
    resp = client.get("/api/v1/openapi.json")
    assert resp.status_code == 200
    assert resp.json()["info"]["title"] == "kefu API"
    assert client.get("/api/v1/docs").status_code == 200


def test_no_token_is_401_with_error_shape(db, client):
    resp = client.get("/api/v1/units")
    assert resp.status_code == 401
    assert resp.json()["code"] == "not_authenticated"
    assert set(resp.json()) == {"code", "message", "details"}


def test_bad_token_is_401(db, client):
    resp = client.get("/api/v1/units", headers={"Authorization": "Bearer nope"})
    assert resp.status_code == 401


def test_revoked_token_stops_working(org, make_user, api_as):
    agent = make_user(Role.AGENT, org.east)
    api = api_as(agent)
    assert api.get("/api/v1/me").status_code == 200
    revoke_token(actor=agent, token=ApiToken.objects.get(user=agent))
    assert api.get("/api/v1/me").status_code == 401


def test_units_are_scoped_and_paginated(org, make_user, api_as, django_assert_num_queries):
    agent = make_user(Role.AGENT, org.east)
    api = api_as(agent)
    api.get("/api/v1/me")
    with django_assert_num_queries(4):  # token, scope, count, page
        resp = api.get("/api/v1/units")
    body = resp.json()
    assert body["count"] == 2
    assert sorted(u["name"] for u in body["items"]) == ["上海一店", "华东区域"]


def test_other_region_unit_is_404(org, make_user, api_as):
    api = api_as(make_user(Role.AGENT, org.east))
    assert api.get(f"/api/v1/units/{org.guangzhou.pk}").status_code == 404


def test_create_unit_validates_and_writes_nothing_on_error(org, make_user, api_as):
    api = api_as(make_user(Role.MANAGER, org.east))
    count = OrgUnit.objects.count()
    resp = api.post("/api/v1/units", {"code": "", "name": "x", "kind": "store"})
    assert resp.status_code == 422
    assert resp.json()["code"] == "validation_error"
    resp = api.post(
        "/api/v1/units", {"code": "S1", "name": "x", "kind": "bogus", "parent_id": org.east.pk}
    )
    assert resp.status_code == 422
    resp = api.post(
        "/api/v1/units", {"code": "S1", "name": "x", "kind": "store", "parent_id": org.guangzhou.pk}
    )
    assert resp.status_code == 404
    assert OrgUnit.objects.count() == count
    resp = api.post(
        "/api/v1/units",
        {"code": "S-SH2", "name": "上海二店", "kind": "store", "parent_id": org.east.pk},
    )
    assert resp.status_code == 201
    assert resp.json()["path"].startswith(org.east.path)


def test_malformed_json_is_4xx_not_500(org, make_user, api_as):
    api = api_as(make_user(Role.MANAGER, org.east))
    resp = api.client.post(
        "/api/v1/units", data="{not json", content_type="application/json", headers=api.headers
    )
    assert 400 <= resp.status_code < 500
    resp = api.get("/api/v1/units/abc")
    assert resp.status_code == 422


def test_me_lists_permissions(org, make_user, api_as):
    resp = api_as(make_user(Role.AUDITOR, org.hq)).get("/api/v1/me")
    assert "audit.view" in resp.json()["permissions"]
    assert "tickets.work" not in resp.json()["permissions"]


def test_audit_needs_permission(org, make_user, api_as):
    assert api_as(make_user(Role.AGENT, org.hq)).get("/api/v1/audit").status_code == 403
    resp = api_as(make_user(Role.AUDITOR, org.hq)).get("/api/v1/audit", {"action": "org_unit"})
    assert resp.status_code == 200
    assert resp.json()["count"] == 5
