"""The ticket page: header with SLA countdown and actions, timeline (newest last) with the
reply box, side column with properties, assignment, transfer, follow-up and the complaint
panel. Every POST goes through a service; a stale version keeps the typed text."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kefu.core.models import User
from kefu.core.permissions import Perm
from kefu.core.selectors.scope import has_perm
from kefu.core.views.common import actor_of, perm_required
from kefu.customers.selectors import mask_phone
from kefu.tickets import selectors
from kefu.tickets.choices import (
    OPEN_STATUSES,
    ComplaintStage,
    EventKind,
    Priority,
    Status,
    TicketType,
)
from kefu.tickets.models import Category, Complaint, Macro, Ticket
from kefu.tickets.selectors_macros import macros_for
from kefu.tickets.services.work import ALLOWED_STATUS
from kefu.tickets.views import complaint_panel
from kefu.tickets.views.display import annotate_sla, list_badges, transfer_departments
from kefu.tickets.views.forms import FollowUpForm, ReplyForm

MESSAGE_KINDS = {EventKind.REPLY, EventKind.CUSTOMER_MESSAGE, EventKind.NOTE, EventKind.CALL}
STATUS_ACTIONS = {
    Status.OPEN: _("Start work"),
    Status.PENDING: _("Wait on customer"),
    Status.RESOLVED: _("Resolve"),
    Status.CLOSED: _("Close"),
}


def load_ticket(actor: User, ticket_id: int) -> Ticket:
    ticket = selectors.get_ticket(actor, ticket_id)
    ticket.complaint_row = (  # type: ignore[attr-defined]
        Complaint.objects.filter(ticket_id=ticket.pk).select_related("stage_owner").first()
        if ticket.type == TicketType.COMPLAINT
        else None
    )
    return ticket


def _people(actor: User, ticket: Ticket) -> list[User]:
    """Who the ticket can go to: active people with a role in the ticket's unit or above."""
    ids = ticket.unit.lineage_ids
    qs = User.objects.filter(is_active=True, assignments__unit_id__in=ids).distinct()
    return list(qs.only("id", "username", "display_name").order_by("id")[:200])


def _macros(ticket: Ticket) -> list[Macro]:
    return list(macros_for(ticket).only("id", "name"))


def _stages(complaint: Complaint | None) -> list[tuple[str, Any, str]]:
    """The closed loop's stages with done / current / to-do marks."""
    values = list(ComplaintStage.values)
    at = values.index(complaint.stage) if complaint and complaint.stage in values else -1
    return [
        (value, label, "done" if i < at else "on" if i == at else "todo")
        for i, (value, label) in enumerate(ComplaintStage.choices)
    ]


def page_context(
    request: HttpRequest,
    ticket: Ticket,
    *,
    reply_form: ReplyForm | None = None,
    stale: bool = False,
    error: str = "",
) -> dict[str, Any]:
    actor = actor_of(request)
    unit = ticket.unit
    can_work = has_perm(actor, Perm.WORK_TICKETS, unit)
    can_assign = has_perm(actor, Perm.ASSIGN_TICKETS, unit)
    events = list(selectors.ticket_events(ticket))
    attachments = list(ticket.attachments.all())
    by_event: dict[int | None, list[Any]] = {}
    for a in attachments:
        by_event.setdefault(a.event_id, []).append(a)
    kinds = {value: str(label) for value, label in EventKind.choices}  # once, not per event
    for e in events:
        e.is_message = e.kind in MESSAGE_KINDS  # type: ignore[attr-defined]
        e.files = by_event.get(e.pk, [])  # type: ignore[attr-defined]
        e.kind_label = kinds.get(e.kind, e.kind)  # type: ignore[attr-defined]
        action = str(e.data.get("action", "")) if isinstance(e.data, dict) else ""
        e.label = (  # type: ignore[attr-defined]
            complaint_panel.ACTION_LABELS.get(action) if e.kind == EventKind.COMPLAINT else None
        ) or e.kind_label  # type: ignore[attr-defined]
    departments = transfer_departments(actor, [unit.path])
    people = _people(actor, ticket) if can_work else []
    next_statuses = [
        (s, _("Reopen") if s == Status.OPEN and ticket.status == Status.RESOLVED else label)
        for s, label in STATUS_ACTIONS.items()
        if s in ALLOWED_STATUS.get(ticket.status, ())
    ]
    annotate_sla([ticket], timezone.now())
    list_badges([ticket])
    return {
        "ticket": ticket,
        "sla": ticket.sla,  # type: ignore[attr-defined]
        "events": events,
        "attachments": attachments,
        "masked_phone": mask_phone(ticket.contact_phone) if ticket.contact_phone else "",
        "can_work": can_work,
        "can_assign": can_assign,
        "is_open": ticket.status in OPEN_STATUSES,
        "is_closed": ticket.status == Status.CLOSED,
        "reply_form": reply_form or ReplyForm(initial={"version": ticket.version, "mode": "reply"}),
        "people": people,
        "department_options": list(departments) if can_work else [],
        "next_statuses": next_statuses,
        "macros": _macros(ticket) if can_work else [],
        "follow_up_form": FollowUpForm(),
        "categories": list(Category.objects.filter(is_active=True).only("id", "name", "path"))
        if can_work
        else [],
        "priorities": Priority.choices,
        "complaint": complaint_panel.panel(ticket, actor),
        "complaint_stages": _stages(getattr(ticket, "complaint_row", None)),
        "stale": stale,
        "error": error,
    }


@perm_required(Perm.VIEW_TICKETS)
def ticket_detail(request: HttpRequest, ticket_id: int) -> HttpResponse:
    ticket = load_ticket(actor_of(request), ticket_id)
    return render(request, "tickets/ticket_detail.html", page_context(request, ticket))
