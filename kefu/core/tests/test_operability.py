"""Operability: /healthz, /readyz, /metrics, JSON logs without personal data."""

from __future__ import annotations

import json
import logging
import re
from datetime import timedelta

import pytest
from django.db import OperationalError
from django.utils import timezone

from kefu.core import metrics
from kefu.core.choices import Role
from kefu.core.logging import JsonFormatter, ScrubPersonalDataFilter, scrub
from kefu.core.models import WorkerHeartbeat
from kefu.core.views import health
from kefu.tickets.services.intake import create_ticket

SAMPLE = re.compile(r"^[a-zA-Z_:][a-zA-Z0-9_:]*(\{[^}]*\})? (-?[0-9.eE+-]+|NaN|[+-]?Inf)$")


def _beat(age_s: float) -> WorkerHeartbeat:
    now = timezone.now()
    return WorkerHeartbeat.objects.create(
        worker_id="host-1:123",
        hostname="host-1",
        pid=123,
        started_at=now - timedelta(hours=1),
        last_seen=now - timedelta(seconds=age_s),
    )


@pytest.mark.django_db
def test_healthz_answers_without_the_database(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        resp = client.get("/healthz")
    assert resp.status_code == 200
    assert resp.json() == {"status": "ok"}
    assert "no-store" in resp["Cache-Control"]
    assert "Set-Cookie" not in resp.headers
    assert client.get("/healthz/").status_code == 200


@pytest.mark.django_db
def test_readyz_is_ready_with_a_fresh_heartbeat(client):
    beat = _beat(5)
    resp = client.get("/readyz")
    assert resp.status_code == 200
    body = resp.json()
    assert body["status"] == "ready"
    checks = body["checks"]
    assert checks["database"]["ok"] is True
    assert checks["database"]["ms"] >= 0
    assert checks["worker"]["ok"] is True
    assert checks["worker"]["last_heartbeat"] == beat.last_seen.isoformat()
    assert 4 <= checks["worker"]["age_s"] <= 60
    assert checks["migrations"] == {"ok": True}
    assert "no-store" in resp["Cache-Control"]
    assert client.get("/readyz/").status_code == 200


@pytest.mark.django_db
def test_readyz_is_not_ready_with_a_stale_or_missing_heartbeat(client, settings):
    resp = client.get("/readyz")
    assert resp.status_code == 503
    assert resp.json()["status"] == "not_ready"
    assert resp.json()["checks"]["worker"] == {"ok": False, "last_heartbeat": None, "age_s": None}

    _beat(300)
    resp = client.get("/readyz")
    assert resp.status_code == 503
    assert resp.json()["checks"]["worker"]["ok"] is False
    assert resp.json()["checks"]["database"]["ok"] is True

    settings.KEFU_READY_WORKER_MAX_AGE = 600
    assert client.get("/readyz").status_code == 200


@pytest.mark.django_db
def test_readyz_without_a_required_worker(client, settings):
    settings.KEFU_READY_REQUIRE_WORKER = False
    resp = client.get("/readyz")
    assert resp.status_code == 200
    assert resp.json()["checks"]["worker"]["ok"] is True


@pytest.mark.django_db
def test_readyz_reports_an_unreachable_database(client, monkeypatch):
    def down() -> None:
        raise OperationalError("connection refused")

    monkeypatch.setattr(health, "check_database", down)
    resp = client.get("/readyz")
    assert resp.status_code == 503
    body = resp.json()
    assert body["status"] == "not_ready"
    assert body["checks"]["database"] == {"ok": False, "error": "OperationalError"}


@pytest.mark.django_db
def test_readyz_reports_unapplied_migrations(client, monkeypatch):
    class Executor:
        def __init__(self, connection: object) -> None:
            self.loader = type("L", (), {"graph": type("G", (), {"leaf_nodes": list})()})()

        def migration_plan(self, targets: object) -> list[object]:
            return [object(), object()]

    _beat(1)
    monkeypatch.setattr(health, "_migrations_applied", False)
    monkeypatch.setattr(health, "MigrationExecutor", Executor)
    resp = client.get("/readyz")
    assert resp.status_code == 503
    assert resp.json()["checks"]["migrations"] == {"ok": False, "unapplied": 2}


def test_metrics_refused_from_elsewhere_without_a_token(client, settings):
    settings.KEFU_METRICS_TOKEN = "s3cret"
    assert client.get("/metrics", REMOTE_ADDR="10.1.2.3").status_code == 403
    wrong = {"Authorization": "Bearer nope"}
    assert client.get("/metrics", REMOTE_ADDR="10.1.2.3", headers=wrong).status_code == 403
    settings.KEFU_METRICS_TOKEN = ""
    assert client.get("/metrics", REMOTE_ADDR="10.1.2.3").status_code == 403


@pytest.mark.django_db
def test_metrics_with_a_token(client, settings, org, make_user):
    settings.KEFU_METRICS_TOKEN = "s3cret"
    metrics.reset()
    agent = make_user(Role.AGENT, org.east)
    create_ticket(actor=agent, unit=org.shanghai, type="enquiry", channel="phone", title="x")
    _beat(3)
    client.get("/healthz")
    client.get("/healthz/")
    resp = client.get(
        "/metrics", REMOTE_ADDR="10.1.2.3", headers={"Authorization": "Bearer s3cret"}
    )
    assert resp.status_code == 200
    assert resp["Content-Type"] == "text/plain; version=0.0.4; charset=utf-8"
    assert "no-store" in resp["Cache-Control"]
    text = resp.content.decode()
    assert 'kefu_http_requests_total{method="GET",status="2xx"} 2\n' in text
    assert 'kefu_http_request_duration_seconds_bucket{le="+Inf"} 2\n' in text
    assert "kefu_http_request_duration_seconds_count 2\n" in text
    assert 'kefu_tickets{status="new"} 1\n' in text
    assert "kefu_tickets_sla_breached 0\n" in text
    assert "kefu_worker_heartbeat_age_seconds " in text
    assert "kefu_process_uptime_seconds " in text
    assert "# TYPE kefu_outbox_messages gauge" in text
    assert "# TYPE kefu_task_queue gauge" in text
    for line in text.splitlines():
        if not line.startswith("#"):
            assert SAMPLE.match(line), line
    # the scrape itself is not counted
    again = client.get("/metrics").content.decode()
    assert 'kefu_http_requests_total{method="GET",status="2xx"} 2\n' in again


@pytest.mark.django_db
def test_metrics_from_loopback_without_a_token(client, settings):
    settings.KEFU_METRICS_TOKEN = ""
    resp = client.get("/metrics/", REMOTE_ADDR="::1")
    assert resp.status_code == 200
    assert "kefu_http_requests_total" in resp.content.decode()


def test_scrub_masks_phones_ids_and_emails():
    text = "call 13812345678 id 11010119900307123X mail zhang.san@example.com order 1234567890123"
    assert scrub(text) == (
        "call 138****5678 id 110101********123X mail z***@example.com order 1234567890123"
    )


def test_json_log_line_parses_and_masks_personal_data():
    record = logging.LogRecord(
        "kefu.test",
        logging.WARNING,
        __file__,
        1,
        "caller %s with id %s",
        ("13912345678", "110101199003071234"),
        None,
    )
    record.request_id = "abc123"
    record.method, record.path, record.status, record.duration_ms = "GET", "/x?q=1", 200, 1.5
    assert ScrubPersonalDataFilter().filter(record) is True
    line = JsonFormatter().format(record)
    assert "\n" not in line
    data = json.loads(line)
    assert data["message"] == "caller 139****5678 with id 110101********1234"
    assert data["level"] == "WARNING"
    assert data["logger"] == "kefu.test"
    assert data["request_id"] == "abc123"
    assert (data["method"], data["path"], data["status"], data["duration_ms"]) == (
        "GET",
        "/x",
        200,
        1.5,
    )
    assert "13912345678" not in line
    assert "time" in data


def test_request_log_carries_the_request_id(client, caplog):
    with caplog.at_level(logging.INFO, logger="kefu.request"):
        resp = client.get("/healthz?phone=13812345678", headers={"X-Request-Id": "req-1"})
    assert resp["X-Request-Id"] == "req-1"
    (record,) = [r for r in caplog.records if r.name == "kefu.request"]
    assert (record.method, record.path, record.status) == ("GET", "/healthz", 200)
    assert record.request_id == "req-1"
    assert "13812345678" not in JsonFormatter().format(record)
