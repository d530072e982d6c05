"""Prometheus metrics, by hand (text exposition format 0.0.4).

Request counters and the latency histogram live in module globals guarded by a lock, so they
are **per process**: with several gunicorn workers each process counts its own requests and a
scrape sees whichever process answered (use one metrics process, or sum over instances only
for the database gauges). The database gauges (tickets, queue, outbox, heartbeat) are read at
scrape time and are the same whichever process answers.

Labels never carry personal data: requests are labelled by method and status class only
(no paths, no users)."""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable, Iterable
from typing import Any

from django.apps import apps
from django.db.models import Count, QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

logger = logging.getLogger("kefu.request")

BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0)
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
EXCLUDED_PATHS = frozenset({"/metrics", "/metrics/"})

_lock = threading.Lock()
_requests: dict[tuple[str, str], int] = {}
_bucket_counts = [0] * len(BUCKETS)
_duration_sum = 0.0
_duration_count = 0
_started = time.time()


def observe(method: str, status: int, seconds: float) -> None:
    """Count one request (method outside the usual set becomes OTHER)."""
    global _duration_sum, _duration_count
    key = (method if method in METHODS else "OTHER", f"{status // 100}xx")
    with _lock:
        _requests[key] = _requests.get(key, 0) + 1
        for i, bound in enumerate(BUCKETS):
            if seconds <= bound:
                _bucket_counts[i] += 1
        _duration_sum += seconds
        _duration_count += 1


def reset() -> None:
    """Forget the request counters (tests)."""
    global _duration_sum, _duration_count
    with _lock:
        _requests.clear()
        _bucket_counts[:] = [0] * len(BUCKETS)
        _duration_sum = 0.0
        _duration_count = 0


class MetricsMiddleware:
    """Counts requests and their latency, and logs one line per request (no DB access)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        start = time.perf_counter()
        response = self.get_response(request)
        if request.path in EXCLUDED_PATHS:
            return response
        elapsed = time.perf_counter() - start
        observe(request.method or "", response.status_code, elapsed)
        logger.info(
            "%s %s %s",
            request.method,
            request.path,
            response.status_code,
            extra={
                "request_id": response.get("X-Request-Id", ""),
                "method": request.method,
                "path": request.path,
                "status": response.status_code,
                "duration_ms": round(elapsed * 1000, 1),
            },
        )
        return response


# --- exposition ---------------------------------------------------------------


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"')


def _num(value: float) -> str:
    if isinstance(value, int):
        return str(value)
    return repr(float(value))


def _family(name: str, kind: str, help_text: str, samples: Iterable[tuple[str, float]]) -> str:
    lines = [f"# HELP {name} {help_text}", f"# TYPE {name} {kind}"]
    for labels, value in samples:
        lines.append(f"{name}{labels} {_num(value)}")
    return "\n".join(lines)


def _labels(**kv: str) -> str:
    if not kv:
        return ""
    return "{" + ",".join(f'{k}="{_escape(v)}"' for k, v in kv.items()) + "}"


def _resident_bytes() -> int | None:
    try:
        with open("/proc/self/statm") as fh:
            pages = int(fh.read().split()[1])
    except (OSError, ValueError, IndexError):
        return None
    return pages * os.sysconf("SC_PAGE_SIZE")


def process_families() -> list[str]:
    families = [
        _family(
            "kefu_process_uptime_seconds",
            "gauge",
            "Seconds since this process loaded the metrics module.",
            [("", round(time.time() - _started, 3))],
        )
    ]
    rss = _resident_bytes()
    if rss is not None:
        families.append(
            _family(
                "kefu_process_resident_memory_bytes",
                "gauge",
                "Resident memory of this process.",
                [("", rss)],
            )
        )
    return families


def request_families() -> list[str]:
    with _lock:
        requests = sorted(_requests.items())
        buckets = list(_bucket_counts)
        total, count = _duration_sum, _duration_count
    counter = _family(
        "kefu_http_requests_total",
        "counter",
        "HTTP requests served by this process, by method and status class.",
        [(_labels(method=m, status=s), n) for (m, s), n in requests],
    )
    hist = [(_labels(le=_num(b)), c) for b, c in zip(BUCKETS, buckets, strict=True)]
    hist.append((_labels(le="+Inf"), count))
    lines = [
        "# HELP kefu_http_request_duration_seconds Request latency in this process.",
        "# TYPE kefu_http_request_duration_seconds histogram",
    ]
    lines += [f"kefu_http_request_duration_seconds_bucket{lb} {_num(v)}" for lb, v in hist]
    lines.append(f"kefu_http_request_duration_seconds_sum {_num(round(total, 6))}")
    lines.append(f"kefu_http_request_duration_seconds_count {count}")
    return [counter, "\n".join(lines)]


def database_families() -> list[str]:
    """Gauges read from the database at scrape time (one query each)."""
    from django_tasks_db.models import DBTaskResult

    from kefu.core.models import WorkerHeartbeat
    from kefu.tickets.choices import OPEN_STATUSES, SlaState
    from kefu.tickets.models import Ticket

    def by_status(qs: QuerySet[Any]) -> list[tuple[str, float]]:
        rows = qs.values("status").annotate(n=Count("id")).order_by("status")
        return [(_labels(status=str(r["status"])), r["n"]) for r in rows]

    families = [
        _family("kefu_tickets", "gauge", "Tickets by status.", by_status(Ticket.objects.all())),
        _family(
            "kefu_tickets_sla_breached",
            "gauge",
            "Open tickets whose SLA is breached.",
            [
                (
                    "",
                    Ticket.objects.filter(
                        status__in=OPEN_STATUSES, sla_state=SlaState.BREACHED
                    ).count(),
                )
            ],
        ),
        _family(
            "kefu_task_queue",
            "gauge",
            "Background task results by status.",
            by_status(DBTaskResult.objects.all()),
        ),
    ]
    if apps.is_installed("kefu.notifications"):
        from kefu.notifications.models import OutboxMessage

        families.append(
            _family(
                "kefu_outbox_messages",
                "gauge",
                "Outbox messages by status.",
                by_status(OutboxMessage.objects.all()),
            )
        )
    last = WorkerHeartbeat.objects.order_by("-last_seen").values_list("last_seen", flat=True)[:1]
    age = [("", round((timezone.now() - last[0]).total_seconds(), 3))] if last else []
    families.append(
        _family(
            "kefu_worker_heartbeat_age_seconds",
            "gauge",
            "Seconds since the most recent worker heartbeat (absent without any).",
            age,
        )
    )
    return families


def render() -> str:
    return "\n".join(process_families() + request_families() + database_families()) + "\n"
