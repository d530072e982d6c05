"""The manager dashboard's numbers: a handful of aggregate queries over the tickets the actor
may see (no Python loop over tickets)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncDate
from django.utils import timezone

from kefu.core.models import User
from kefu.core.selectors.scope import restrict_to_scope
from kefu.tickets.choices import OPEN_STATUSES, Channel, SlaState, Status, TicketType
from kefu.tickets.models import Ticket

DIMENSIONS = {
    "type": "type",
    "channel": "channel",
    "department": "department__name",
    "unit": "unit__name",
}
CHOICES = {"type": TicketType.choices, "channel": Channel.choices}


def _labels(choices: list[tuple[str, Any]]) -> dict[str, str]:
    """Value → label in the active language (evaluated per call, never at import)."""
    return {k: str(v) for k, v in choices}


@dataclass
class Breakdown:
    """Rows (dimension values) × status columns, for a stacked bar chart and its table."""

    key: str
    categories: list[str] = field(default_factory=list)
    series: dict[str, list[int]] = field(default_factory=dict)  # status → counts per category
    totals: list[int] = field(default_factory=list)
    status_keys: list[str] = field(default_factory=list)  # the series' statuses, in order


@dataclass
class Dashboard:
    start: date
    end: date
    received: int
    backlog: dict[str, int]
    backlog_total: int
    sla_measured: int
    sla_met: int
    sla_percent: float | None
    sla_breached: int
    trend_days: list[str]
    trend_counts: list[int]
    breakdowns: list[Breakdown]


def _window(start: date, end: date) -> tuple[datetime, datetime]:
    zone = timezone.get_current_timezone()
    return (
        datetime.combine(start, time.min, tzinfo=zone),
        datetime.combine(end + timedelta(days=1), time.min, tzinfo=zone),
    )


def _breakdown(qs: QuerySet[Ticket], key: str) -> Breakdown:
    column = DIMENSIONS[key]
    rows = qs.values(column, "status").annotate(n=Count("id")).order_by(column, "status")
    labels = _labels(CHOICES.get(key, []))
    status_labels = _labels(Status.choices)
    grid: dict[str, dict[str, int]] = {}
    for row in rows:
        name = row[column] or "—"
        name = labels.get(name, name)
        grid.setdefault(name, {})[row["status"]] = row["n"]
    categories = sorted(grid, key=lambda c: -sum(grid[c].values()))
    out = Breakdown(key=key, categories=categories)
    for status in Status.values:
        counts = [grid[c].get(status, 0) for c in categories]
        if any(counts):
            out.series[status_labels[status]] = counts
            out.status_keys.append(status)
    out.totals = [sum(grid[c].values()) for c in categories]
    return out


def dashboard(actor: User, *, start: date, end: date) -> Dashboard:
    scoped = restrict_to_scope(Ticket.objects.all(), actor)
    lo, hi = _window(start, end)
    received = scoped.filter(created_at__gte=lo, created_at__lt=hi)
    backlog_rows = scoped.filter(status__in=OPEN_STATUSES).values("status").annotate(n=Count("id"))
    status_labels = _labels(Status.choices)
    backlog = {status_labels[s]: 0 for s in OPEN_STATUSES}
    for row in backlog_rows:
        backlog[status_labels[row["status"]]] = row["n"]
    sla = received.exclude(sla_state=SlaState.NONE).aggregate(
        measured=Count("id"), met=Count("id", filter=Q(sla_breached_at__isnull=True))
    )
    zone = timezone.get_current_timezone()
    per_day = {
        row["day"]: row["n"]
        for row in received.annotate(day=TruncDate("created_at", tzinfo=zone))
        .values("day")
        .annotate(n=Count("id"))
        .order_by("day")
    }
    days = [start + timedelta(days=i) for i in range((end - start).days + 1)]
    total = sum(per_day.values())
    return Dashboard(
        start=start,
        end=end,
        received=total,
        backlog=backlog,
        backlog_total=sum(backlog.values()),
        sla_measured=sla["measured"],
        sla_met=sla["met"],
        sla_breached=sla["measured"] - sla["met"],
        sla_percent=round(100 * sla["met"] / sla["measured"], 1) if sla["measured"] else None,
        trend_days=[d.isoformat() for d in days],
        trend_counts=[per_day.get(d, 0) for d in days],
        breakdowns=[_breakdown(received, key) for key in DIMENSIONS],
    )


def as_chart_data(board: Dashboard) -> dict[str, Any]:
    """What the page hands to ECharts (json_script)."""
    return {
        "trend": {"days": board.trend_days, "counts": board.trend_counts},
        "sla": board.sla_percent,
        "backlog": board.backlog,
        "breakdowns": {
            b.key: {"categories": b.categories, "series": b.series, "statuses": b.status_keys}
            for b in board.breakdowns
        },
    }
