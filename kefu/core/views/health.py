"""Liveness (/healthz), readiness (/readyz) and Prometheus metrics (/metrics).

No login, no CSRF, no session; never cached."""

from __future__ import annotations

import hmac
import time
from typing import Any

from django.conf import settings
from django.db import DatabaseError, connection
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET

from kefu.core import metrics
from kefu.core.models import WorkerHeartbeat

LOOPBACK = frozenset({"127.0.0.1", "::1"})
_migrations_applied = False  # cached once true: applied migrations do not come undone


def check_database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def check_worker() -> dict[str, Any]:
    max_age = getattr(settings, "KEFU_READY_WORKER_MAX_AGE", 120)
    required = getattr(settings, "KEFU_READY_REQUIRE_WORKER", True)
    last = WorkerHeartbeat.objects.order_by("-last_seen").values_list("last_seen", flat=True)[:1]
    if not last:
        return {"ok": not required, "last_heartbeat": None, "age_s": None}
    age = (timezone.now() - last[0]).total_seconds()
    return {
        "ok": age <= max_age or not required,
        "last_heartbeat": last[0].isoformat(),
        "age_s": round(age, 1),
    }


def check_migrations() -> dict[str, Any]:
    global _migrations_applied
    if not _migrations_applied:
        executor = MigrationExecutor(connection)
        plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
        if plan:
            return {"ok": False, "unapplied": len(plan)}
        _migrations_applied = True
    return {"ok": True}


@csrf_exempt
@never_cache
@require_GET
def healthz(request: HttpRequest) -> HttpResponse:
    return JsonResponse({"status": "ok"})


@csrf_exempt
@never_cache
@require_GET
def readyz(request: HttpRequest) -> HttpResponse:
    checks: dict[str, dict[str, Any]] = {}
    start = time.perf_counter()
    try:
        check_database()
    except DatabaseError as exc:
        checks["database"] = {"ok": False, "error": exc.__class__.__name__}
        checks["worker"] = {"ok": False, "error": "database unavailable"}
        checks["migrations"] = {"ok": False, "error": "database unavailable"}
    else:
        ms = round((time.perf_counter() - start) * 1000, 1)
        checks["database"] = {"ok": True, "ms": ms}
        checks["worker"] = check_worker()
        checks["migrations"] = check_migrations()
    ready = all(check["ok"] for check in checks.values())
    body = {"status": "ready" if ready else "not_ready", "checks": checks}
    return JsonResponse(body, status=200 if ready else 503)


def metrics_allowed(request: HttpRequest) -> bool:
    token = getattr(settings, "KEFU_METRICS_TOKEN", "")
    header = request.headers.get("Authorization", "")
    if token and header.startswith("Bearer "):
        return hmac.compare_digest(header[7:].encode(), str(token).encode())
    return request.META.get("REMOTE_ADDR") in LOOPBACK


@csrf_exempt
@never_cache
@require_GET
def metrics_view(request: HttpRequest) -> HttpResponse:
    if not metrics_allowed(request):
        return HttpResponse("forbidden\n", status=403, content_type="text/plain")
    return HttpResponse(metrics.render(), content_type="text/plain; version=0.0.4; charset=utf-8")
