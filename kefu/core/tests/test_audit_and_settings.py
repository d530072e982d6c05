from __future__ import annotations

import pytest
from django.core.cache import caches

from kefu.core.choices import Role, Via
from kefu.core.context import Origin, origin
from kefu.core.models import AuditEvent
from kefu.core.services.audit import record_personal_data_access


def test_personal_data_export_is_logged_with_row_count_only(org, make_user):
    clerk = make_user(Role.RECORDS_KEEPER, org.east)
    with origin(Origin(via=Via.UI, ip="10.1.2.3", request_id="r1")):
        event = record_personal_data_access(
            actor=clerk,
            kind="export",
            object_type="customer",
            unit=org.east,
            fields=["phone", "name"],
            rows=120,
        )
    event.refresh_from_db()
    assert event.action == "personal_data.export"
    assert event.changes == {"fields": ["name", "phone"], "rows": 120}
    assert (event.ip, event.via, event.request_id) == ("10.1.2.3", "ui", "r1")


def test_unknown_access_kind_is_refused(db):
    with pytest.raises(ValueError, match="unknown"):
        record_personal_data_access(actor=None, kind="peek")
    assert AuditEvent.objects.count() == 0


def test_api_request_origin_lands_in_audit(org, make_user, api_as):
    api = api_as(make_user(Role.MANAGER, org.hq))
    body = {"unit_id": org.east.pk, "code": "D-Q-E", "name": "华东质量部", "kind": "quality"}
    resp = api.post("/api/v1/departments", body, **{"X-Request-Id": "req-42"})
    assert resp.status_code == 201
    event = AuditEvent.objects.get(action="department.create", object_id=str(resp.json()["id"]))
    assert event.via == "api"
    assert event.ip == "127.0.0.1"
    assert event.request_id == "req-42"


def test_redis_cache_backend_works_when_configured(settings):
    import redis

    try:
        redis.Redis.from_url("redis://127.0.0.1:6379/0", socket_connect_timeout=1).ping()
    except redis.RedisError:
        pytest.skip("no Redis on 127.0.0.1:6379")
    settings.CACHES = {
        "redis": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:6379/0",
            "KEY_PREFIX": "kefu-test",
        },
    }
    cache = caches["redis"]
    cache.set("probe", {"值": 1}, 5)
    assert cache.get("probe") == {"值": 1}
    cache.delete("probe")
