"""《回访总结报告》: coverage against plan, satisfaction trend, issues raised."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncDate
from django.utils import timezone

from kefu.core.models import User
from kefu.core.selectors.scope import restrict_to_scope
from kefu.revisits.choices import Result, TaskStatus
from kefu.revisits.models import RevisitTask
from kefu.revisits.selectors import day_bounds

_COUNTS: dict[str, Any] = {
    "due": Count("id"),
    "reached": Count("id", filter=Q(status=TaskStatus.DONE)),
    "unreachable": Count("id", filter=Q(status=TaskStatus.UNREACHABLE)),
    "pending": Count("id", filter=Q(status__in=(TaskStatus.OPEN, TaskStatus.IN_PROGRESS))),
    "satisfied": Count("id", filter=Q(result=Result.SATISFIED)),
    "average": Count("id", filter=Q(result=Result.AVERAGE)),
    "unsatisfied": Count("id", filter=Q(result=Result.UNSATISFIED)),
}


@dataclass
class Coverage:
    label: str
    due: int = 0
    reached: int = 0
    unreachable: int = 0
    pending: int = 0
    satisfied: int = 0
    average: int = 0
    unsatisfied: int = 0

    @property
    def coverage(self) -> float | None:
        return round(100 * self.reached / self.due, 1) if self.due else None

    @property
    def satisfaction(self) -> float | None:
        rated = self.satisfied + self.average + self.unsatisfied
        return round(100 * self.satisfied / rated, 1) if rated else None


@dataclass
class Summary:
    since: date
    until: date
    total: Coverage
    by_agent: list[Coverage] = field(default_factory=list)
    by_unit: list[Coverage] = field(default_factory=list)
    trend: list[dict[str, Any]] = field(default_factory=list)
    missed: list[RevisitTask] = field(default_factory=list)
    issues: list[RevisitTask] = field(default_factory=list)
    csat: list[dict[str, Any]] = field(default_factory=list)


def _planned(actor: User | Any, since: date, until: date) -> QuerySet[RevisitTask]:
    start, end = day_bounds(since, until)
    return (
        restrict_to_scope(RevisitTask.objects.all(), actor)
        .filter(due_at__gte=start, due_at__lt=end)
        .exclude(status=TaskStatus.CANCELLED)
    )


def _rows(qs: QuerySet[RevisitTask], key: str, label: str) -> list[Coverage]:
    rows = qs.values(key, label).annotate(**_COUNTS).order_by(label, key)
    return [Coverage(str(r[label] or "—"), **{k: r[k] for k in _COUNTS}) for r in rows]


def revisit_summary(
    actor: User | Any, *, since: date, until: date, now: datetime | None = None
) -> Summary:
    now = now or timezone.now()
    planned = _planned(actor, since, until)
    total = Coverage("total", **planned.aggregate(**_COUNTS))
    start, end = day_bounds(since, until)
    closed = (
        restrict_to_scope(RevisitTask.objects.all(), actor)
        .filter(closed_at__gte=start, closed_at__lt=end)
        .exclude(result="")
    )
    trend: list[dict[str, Any]] = [
        dict(r)
        for r in closed.annotate(day=TruncDate("closed_at", tzinfo=timezone.get_current_timezone()))
        .values("day")
        .annotate(**{k: _COUNTS[k] for k in ("satisfied", "average", "unsatisfied")})
        .order_by("day")
    ]
    missed = list(
        planned.filter(due_at__lt=now)
        .exclude(status=TaskStatus.DONE)
        .select_related("customer", "assignee", "unit", "plan")
        .order_by("due_at", "pk")[:200]
    )
    issues = list(
        closed.filter(created_ticket__isnull=False)
        .select_related("customer", "assignee", "unit", "created_ticket", "ticket")
        .order_by("closed_at", "pk")[:200]
    )
    return Summary(
        since,
        until,
        total,
        _rows(planned, "assignee_id", "assignee__display_name"),
        _rows(planned, "unit_id", "unit__name"),
        trend,
        missed,
        issues,
        _csat(actor, since, until),
    )


def _csat(actor: User | Any, since: date, until: date) -> list[dict[str, Any]]:
    """CSAT average and CSAT% of the revisit ratings per day, from the shared figures."""
    from kefu.surveys.selectors import satisfaction_figures

    figures = satisfaction_figures(
        actor, since=since, until=until, group_by="day", source="revisit"
    )
    return [
        {"day": row.key, "average": row.csat_average, "percent": row.csat_percent}
        for row in figures.rows
    ]
