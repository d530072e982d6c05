"""Complaint reads shared by the API and the UI: the complaint state of a ticket, statistics
(by cause, responsible department, unit, week, stage) and the case library (案例库)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import Count, F, Prefetch, QuerySet
from django.db.models.functions import TruncWeek

from kefu.core.models import User
from kefu.core.selectors.scope import restrict_to_scope
from kefu.tickets.choices import ComplaintStage
from kefu.tickets.models import Complaint, Remedy, Ticket
from kefu.tickets.services.complaint_rules import CAUSE_ACCOUNTABLE
from kefu.tickets.services.complaints import allowed_actions


def remedy_dict(remedy: Remedy) -> dict[str, Any]:
    return {
        "id": remedy.pk,
        "kind": remedy.kind,
        "description": remedy.description,
        "cost": str(remedy.cost),
        "status": remedy.status,
        "proposed_by_id": remedy.proposed_by_id,
        "decided_by_id": remedy.decided_by_id,
        "decided_at": remedy.decided_at,
    }


def complaint_state(ticket: Ticket, actor: User) -> dict[str, Any] | None:
    """The complaint part of a ticket's JSON (None for other ticket types)."""
    try:
        complaint = ticket.complaint
    except Complaint.DoesNotExist:
        return None
    return {
        "ticket_id": ticket.pk,
        "version": ticket.version,
        "stage": complaint.stage,
        "stage_due": complaint.stage_due,
        "stage_owner_id": complaint.stage_owner_id,
        "allowed_actions": allowed_actions(ticket=ticket, actor=actor),
        "demand": complaint.demand,
        "is_valid": complaint.is_valid,
        "judgement_note": complaint.judgement_note,
        "tactful_reply": complaint.tactful_reply,
        "responsible_department_id": complaint.responsible_department_id,
        "responsible_person": complaint.responsible_person,
        "root_cause": complaint.root_cause,
        "cause_category": complaint.cause_category,
        "accountable": CAUSE_ACCOUNTABLE.get(complaint.cause_category, ""),
        "penalty": complaint.penalty,
        "implementation_note": complaint.implementation_note,
        "customer_accepted": complaint.customer_accepted,
        "satisfaction": complaint.satisfaction,
        "revisit_note": complaint.revisit_note,
        "summary": complaint.summary,
        "evaluation": complaint.evaluation,
        "in_case_library": complaint.in_case_library,
        "archived_at": complaint.archived_at,
        "remedies": [remedy_dict(r) for r in complaint.remedies.all()],
    }


def with_complaint(qs: QuerySet[Ticket]) -> QuerySet[Ticket]:
    """Load what `complaint_state` reads in two extra queries for any number of tickets."""
    return qs.select_related("unit", "complaint").prefetch_related(
        Prefetch("complaint__remedies", queryset=Remedy.objects.order_by("created_at", "id"))
    )


def _complaints(
    actor: User, since: datetime | None = None, until: datetime | None = None
) -> QuerySet[Complaint]:
    qs = restrict_to_scope(Complaint.objects.all(), actor, field="ticket__unit")
    if since is not None:
        qs = qs.filter(ticket__received_at__gte=since)
    if until is not None:
        qs = qs.filter(ticket__received_at__lt=until)
    return qs


def complaint_stats(
    actor: User, *, since: datetime | None = None, until: datetime | None = None
) -> dict[str, Any]:
    """Counts of complaints in scope by cause, responsible department, unit, week and stage
    (five grouped queries, no Python loop over rows)."""
    qs = _complaints(actor, since, until)

    def grouped(*fields: str) -> list[dict[str, Any]]:
        return list(qs.values(*fields).annotate(count=Count("id")).order_by("-count", *fields))

    weeks = (
        qs.annotate(week=TruncWeek("ticket__received_at"))
        .values("week")
        .annotate(count=Count("id"))
        .order_by("week")
    )
    return {
        "total": qs.count(),
        "by_stage": grouped("stage"),
        "by_cause": grouped("cause_category"),
        "by_department": [
            {"department_id": r["responsible_department"], "name": r["name"], "count": r["count"]}
            for r in qs.exclude(responsible_department=None)
            .values("responsible_department", name=F("responsible_department__name"))
            .annotate(count=Count("id"))
            .order_by("-count", "responsible_department")
        ],
        "by_unit": [
            {"unit_id": r["ticket__unit"], "name": r["name"], "count": r["count"]}
            for r in qs.values("ticket__unit", name=F("ticket__unit__name"))
            .annotate(count=Count("id"))
            .order_by("-count", "ticket__unit")
        ],
        "by_week": [{"week": r["week"].date().isoformat(), "count": r["count"]} for r in weeks],
    }


def case_library(actor: User, *, q: str = "", cause: str = "") -> QuerySet[Complaint]:
    """Archived complaints chosen for the case library (training, weekly case reviews)."""
    qs = _complaints(actor).filter(in_case_library=True, stage=ComplaintStage.ARCHIVED)
    if cause:
        qs = qs.filter(cause_category=cause)
    if q.strip():
        qs = qs.filter(ticket__title__icontains=q.strip())
    return qs.select_related("ticket", "ticket__unit", "responsible_department").order_by(
        "-archived_at", "-id"
    )
