"""Revisits API: plans (and generating now), scripts, my tasks, call attempts, completion
with answers, and the summary report."""

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status

from kefu.core.api_common import ERRORS, actor_of
from kefu.core.errors import PermissionDenied, ValidationFailed
from kefu.core.models import Department, User
from kefu.core.permissions import Perm
from kefu.core.selectors.scope import has_perm, visible_units
from kefu.revisits import selectors
from kefu.revisits.models import RevisitPlan, RevisitTask, Script
from kefu.revisits.quiet import allowed_spans, format_hhmm
from kefu.revisits.report import Coverage, revisit_summary
from kefu.revisits.schemas import (
    AttemptIn,
    CompleteIn,
    GenerateOut,
    PlanIn,
    PlanOut,
    QuietHoursIn,
    QuietHoursOut,
    ReportOut,
    ScriptIn,
    ScriptOut,
    TaskDetail,
    TaskPage,
)
from kefu.revisits.services import (
    complete_task,
    generate_for_plan,
    record_attempt,
    save_plan,
    save_script,
    set_quiet_hours,
)
from kefu.revisits.services.timing import quiet_windows

router = Router(tags=["revisits"])
MAX_ID = 2**31 - 1


def _plan_out(p: RevisitPlan) -> dict[str, Any]:
    fields = ("id", "name", "kind", "params", "script_id", "unit_id", "department_id")
    data = {k: getattr(p, k) for k in fields}
    data |= {k: getattr(p, k) for k in ("strategy", "max_attempts", "min_days_apart")}
    data |= {"is_active": p.is_active, "last_generated_at": p.last_generated_at}
    data["pool"] = sorted(u.pk for u in p.pool.all())
    return data


def _script_out(s: Script) -> dict[str, Any]:
    return {
        **{k: getattr(s, k) for k in ("id", "name", "purpose", "opening", "closing")},
        **{k: getattr(s, k) for k in ("satisfied_text", "average_text", "unsatisfied_text")},
        "is_active": s.is_active,
        "version": s.version,
        "questions": list(s.questions.all()),
    }


def _task_out(t: RevisitTask) -> dict[str, Any]:
    keys = ("id", "plan_id", "customer_id", "ticket_id", "unit_id", "assignee_id", "due_at")
    data = {k: getattr(t, k) for k in keys}
    more = ("status", "attempts", "next_attempt_at", "result", "notes", "created_ticket_id")
    data |= {k: getattr(t, k) for k in (*more, "reopened_ticket", "closed_at")}
    data |= {"plan": t.plan.name, "customer": t.customer.name}
    return data


@router.get("/plans", response={200: list[PlanOut], **ERRORS})
def list_plans(request: HttpRequest) -> Any:
    return [_plan_out(p) for p in selectors.plans_for(actor_of(request))]


@router.post("/plans", response={201: PlanOut, **ERRORS})
def create_plan(request: HttpRequest, payload: PlanIn) -> Any:
    actor = actor_of(request)
    data = payload.dict()
    units = visible_units(actor)
    unit = units.filter(pk=data.pop("unit_id")).first()
    script = Script.objects.filter(pk=data.pop("script_id")).first()
    if unit is None or script is None:
        raise ValidationFailed(details={"unit_id/script_id": "unknown"})
    dep_id = data.pop("department_id")
    data["department"] = Department.objects.filter(pk=dep_id, unit__in=units).first()
    pool = list(User.objects.filter(pk__in=data.pop("pool"), is_active=True))
    plan = save_plan(actor=actor, fields={**data, "unit": unit, "script": script}, pool=pool)
    return Status(201, _plan_out(plan))


@router.post("/plans/{plan_id}/generate", response={200: GenerateOut, **ERRORS})
def generate_plan(request: HttpRequest, plan_id: int) -> Any:
    actor = actor_of(request)
    plan = selectors.plan_for(actor, plan_id)
    if not has_perm(actor, Perm.CONFIGURE, plan.unit):
        raise PermissionDenied()
    return {"created": generate_for_plan(actor=actor, plan=plan)}


class TaskFilter(Schema):
    mine: bool = True
    status: str = Field("active", pattern="^(|active|open|in_progress|done|unreachable|cancelled)$")
    plan: int | None = Field(None, ge=1, le=MAX_ID)
    customer: int | None = Field(None, ge=1, le=MAX_ID)
    limit: int = Field(50, ge=1, le=200)
    offset: int = Field(0, ge=0)


@router.get("/tasks", response={200: TaskPage, **ERRORS})
def list_tasks(request: HttpRequest, filters: Query[TaskFilter]) -> Any:
    f = filters.dict()
    limit, offset = f.pop("limit"), f.pop("offset")
    qs = selectors.tasks_for(actor_of(request), **f)
    return {"count": qs.count(), "items": [_task_out(t) for t in qs[offset : offset + limit]]}


def _detail(actor: User, task_id: int) -> dict[str, Any]:
    t = selectors.task_detail(actor, task_id)
    return {
        **_task_out(t),
        "script": _script_out(t.plan.script),
        "answers": {str(a.question_id): a.value for a in t.answers.all()},
        "attempt_log": list(t.attempt_log.all()),
    }


@router.get("/tasks/{task_id}", response={200: TaskDetail, **ERRORS})
def get_task(request: HttpRequest, task_id: int) -> Any:
    return _detail(actor_of(request), task_id)


@router.post("/tasks/{task_id}/attempts", response={201: TaskDetail, **ERRORS})
def add_attempt(request: HttpRequest, task_id: int, payload: AttemptIn) -> Any:
    actor = actor_of(request)
    task = selectors.task_detail(actor, task_id)
    record_attempt(actor=actor, task=task, outcome=payload.outcome, notes=payload.notes)
    return Status(201, _detail(actor, task_id))


@router.post("/tasks/{task_id}/complete", response={200: TaskDetail, **ERRORS})
def complete(request: HttpRequest, task_id: int, payload: CompleteIn) -> Any:
    actor = actor_of(request)
    task = selectors.task_detail(actor, task_id)
    complete_task(actor=actor, task=task, answers=payload.answers, notes=payload.notes)
    return _detail(actor, task_id)


@router.get("/scripts", response={200: list[ScriptOut], **ERRORS})
def list_scripts(request: HttpRequest) -> Any:
    actor = actor_of(request)
    if not (has_perm(actor, Perm.DO_REVISITS) or has_perm(actor, Perm.CONFIGURE)):
        raise PermissionDenied()
    return [_script_out(s) for s in selectors.scripts()]


@router.post("/scripts", response={201: ScriptOut, **ERRORS})
def create_script(request: HttpRequest, payload: ScriptIn) -> Any:
    data = payload.dict()
    questions = data.pop("questions")
    script = save_script(actor=actor_of(request), fields=data, questions=questions)
    return Status(201, _script_out(selectors.script_for(script.pk)))


@router.put("/scripts/{script_id}", response={200: ScriptOut, **ERRORS})
def update_script(request: HttpRequest, script_id: int, payload: ScriptIn) -> Any:
    """Replace a script's texts and questions (questions keep their ids when sent back)."""
    data = payload.dict()
    questions = data.pop("questions")
    script = selectors.script_for(script_id)
    save_script(actor=actor_of(request), script=script, fields=data, questions=questions)
    return _script_out(selectors.script_for(script_id))


class ReportQuery(Schema):
    since: dt.date | None = None
    until: dt.date | None = None


def _cov(c: Coverage) -> dict[str, Any]:
    return {**c.__dict__, "coverage": c.coverage, "satisfaction": c.satisfaction}


@router.get("/report", response={200: ReportOut, **ERRORS})
def report(request: HttpRequest, q: Query[ReportQuery]) -> Any:
    actor = actor_of(request)
    if not (has_perm(actor, Perm.DO_REVISITS) or has_perm(actor, Perm.VIEW_REPORTS)):
        raise PermissionDenied()
    until = q.until or timezone.localdate()
    since = q.since or until - dt.timedelta(days=29)
    if until < since:
        raise ValidationFailed(details={"until": "before since"})
    s = revisit_summary(actor, since=since, until=until)
    issues = [
        {
            "task_id": t.pk,
            "customer_id": t.customer_id,
            "ticket_id": t.created_ticket_id,
            "ticket_number": t.created_ticket.number if t.created_ticket else "",
            "reopened": t.reopened_ticket,
            "closed_at": t.closed_at,
        }
        for t in s.issues
    ]
    return {
        "since": since,
        "until": until,
        "total": _cov(s.total),
        "by_agent": [_cov(c) for c in s.by_agent],
        "by_unit": [_cov(c) for c in s.by_unit],
        "trend": s.trend,
        "csat": s.csat,
        "not_reached": [_task_out(t) for t in s.missed],
        "issues": issues,
    }


class QuietQuery(Schema):
    unit_id: int | None = Field(None, ge=1, le=MAX_ID)


def _quiet_out(actor: User, unit_id: int | None) -> dict[str, Any]:
    unit = visible_units(actor).filter(pk=unit_id).first() if unit_id else None
    if unit_id and unit is None:
        raise ValidationFailed(details={"unit_id": "unknown"})
    windows = quiet_windows(unit)
    return {
        "unit_id": unit_id,
        "windows": [[format_hhmm(a), format_hhmm(b)] for a, b in windows],
        "callable": [list(span) for span in allowed_spans(windows)],
    }


@router.get("/quiet-hours", response={200: QuietHoursOut, **ERRORS})
def get_quiet_hours(request: HttpRequest, q: Query[QuietQuery]) -> Any:
    """The quiet windows in force for a unit (its own, an ancestor's, or the default)."""
    return _quiet_out(actor_of(request), q.unit_id)


@router.put("/quiet-hours", response={200: QuietHoursOut, **ERRORS})
def put_quiet_hours(request: HttpRequest, payload: QuietHoursIn) -> Any:
    actor = actor_of(request)
    unit = visible_units(actor).filter(pk=payload.unit_id).first() if payload.unit_id else None
    if payload.unit_id and unit is None:
        raise ValidationFailed(details={"unit_id": "unknown"})
    set_quiet_hours(actor=actor, unit=unit, windows=payload.windows)
    return _quiet_out(actor, payload.unit_id)
