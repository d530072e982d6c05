from __future__ import annotations

import pytest

from kefu.core.choices import Role


@pytest.mark.parametrize(
    ("path", "params"),
    [
        ("/api/v1/units/99999999999999999999999", None),
        ("/api/v1/departments", {"unit": "99999999999999999999999"}),
        ("/api/v1/users", {"unit": "-99999999999999999999999"}),
        ("/api/v1/units", {"q": "\x00abc"}),
        ("/api/v1/units", {"q": "' OR 1=1; DROP TABLE core_orgunit; --"}),
        ("/api/v1/units", {"q": "<script>alert(1)</script>"}),
        ("/api/v1/units", {"limit": "abc"}),
        ("/api/v1/units", {"limit": "-1"}),
        ("/api/v1/audit", {"since": "yesterday"}),
    ],
)
def test_odd_query_input_is_4xx_or_empty_never_500(org, make_user, api_as, path, params):
    api = api_as(make_user(Role.MANAGER, org.hq))
    resp = api.get(path, params)
    assert resp.status_code < 500
    if resp.status_code >= 400:
        assert set(resp.json()) == {"code", "message", "details"}


def test_nul_in_json_body_is_400_and_writes_nothing(org, make_user, api_as):
    from kefu.core.models import OrgUnit

    api = api_as(make_user(Role.MANAGER, org.hq))
    count = OrgUnit.objects.count()
    resp = api.post(
        "/api/v1/units", {"code": "A\x00B", "name": "x", "kind": "store", "parent_id": org.east.pk}
    )
    assert 400 <= resp.status_code < 500
    assert OrgUnit.objects.count() == count


def test_nul_in_ui_query_is_400(org, make_user, client):
    resp = client.get("/login/", {"next": "/\x00"})
    assert resp.status_code == 400
