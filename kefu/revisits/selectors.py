"""Reads of the revisits app, scoped to what the actor may see."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from kefu.core.errors import NotFound
from kefu.core.models import User
from kefu.core.selectors.scope import restrict_to_scope
from kefu.revisits.choices import ACTIVE_STATUSES
from kefu.revisits.models import RevisitAttempt, RevisitPlan, RevisitTask, Script, ScriptQuestion


def tasks_for(
    actor: User | Any,
    *,
    mine: bool = False,
    status: str = "",
    plan: int | None = None,
    customer: int | None = None,
) -> QuerySet[RevisitTask]:
    """Revisit tasks the actor may see, due first. `status` "active" = open or in progress."""
    qs = restrict_to_scope(RevisitTask.objects.all(), actor).select_related(
        "plan", "customer", "ticket", "assignee", "unit", "created_ticket"
    )
    if mine:
        qs = qs.filter(assignee=actor)
    if status == "active":
        qs = qs.filter(status__in=ACTIVE_STATUSES)
    elif status:
        qs = qs.filter(status=status)
    if plan is not None:
        qs = qs.filter(plan_id=plan)
    if customer is not None:
        qs = qs.filter(customer_id=customer)
    return qs.order_by("due_at", "pk")


def task_detail(actor: User | Any, pk: int) -> RevisitTask:
    qs = (
        tasks_for(actor)
        .select_related("plan__script")
        .prefetch_related(
            Prefetch("plan__script__questions", queryset=ScriptQuestion.objects.order_by("order")),
            Prefetch("attempt_log", queryset=RevisitAttempt.objects.select_related("agent")),
            "answers",
        )
    )
    task = qs.filter(pk=pk).first()
    if task is None:
        raise NotFound()
    return task


def plans_for(actor: User | Any) -> QuerySet[RevisitPlan]:
    return (
        restrict_to_scope(RevisitPlan.objects.all(), actor)
        .select_related("script", "unit", "department")
        .prefetch_related("pool")
        .order_by("name", "pk")
    )


def plan_for(actor: User | Any, pk: int) -> RevisitPlan:
    plan = plans_for(actor).filter(pk=pk).first()
    if plan is None:
        raise NotFound()
    return plan


def scripts() -> QuerySet[Script]:
    return Script.objects.prefetch_related(
        Prefetch("questions", queryset=ScriptQuestion.objects.order_by("order", "pk"))
    ).order_by("name", "pk")


def script_for(pk: int) -> Script:
    script = scripts().filter(pk=pk).first()
    if script is None:
        raise NotFound()
    return script


def day_bounds(since: date, until: date) -> tuple[datetime, datetime]:
    tz = timezone.get_current_timezone()
    start = datetime.combine(since, time.min, tzinfo=tz)
    return start, datetime.combine(until + timedelta(days=1), time.min, tzinfo=tz)
