"""Working a ticket: assign, transfer, status, details, bulk assign; the conversation
functions (reply, note, call, customer message, follow-up) live in `conversation.py` and are
re-exported here.

Every function: keyword-only, explicit actor, one transaction with the ticket row locked,
optional `expected_version` (mismatch → StaleTicket 409), version bump, one event."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kefu.core.errors import PermissionDenied, ValidationFailed
from kefu.core.models import Department, User
from kefu.core.permissions import Perm
from kefu.core.selectors.scope import has_perm
from kefu.core.services.audit import diff_fields, record_audit
from kefu.sla import services as sla_services
from kefu.tickets.choices import EventKind, Priority, Status, TicketType
from kefu.tickets.errors import TransitionRefused
from kefu.tickets.events import add_event
from kefu.tickets.models import Category, Complaint, Queue, Ticket
from kefu.tickets.search import search_text
from kefu.tickets.services.common import begin, check_can_work, refresh_next_check, save, sync_back
from kefu.tickets.services.conversation import (
    add_customer_message,
    add_note,
    add_reply,
    log_call,
    schedule_follow_up,
)

__all__ = [
    "ALLOWED_STATUS",
    "add_customer_message",
    "add_note",
    "add_reply",
    "assign_ticket",
    "bulk_assign",
    "change_status",
    "log_call",
    "schedule_follow_up",
    "set_status_locked",
    "transfer_ticket",
    "update_ticket",
]

ALLOWED_STATUS: dict[str, frozenset[str]] = {
    Status.NEW: frozenset({Status.OPEN, Status.PENDING, Status.RESOLVED, Status.CLOSED}),
    Status.OPEN: frozenset({Status.PENDING, Status.RESOLVED, Status.CLOSED}),
    Status.PENDING: frozenset({Status.OPEN, Status.RESOLVED, Status.CLOSED}),
    Status.RESOLVED: frozenset({Status.OPEN, Status.CLOSED}),
    Status.CLOSED: frozenset(),
}
UPDATABLE = ("title", "description", "category", "priority", "reference", "type")
FREE_TEXT_FIELDS = ("title", "description")


def _assign_locked(*, actor: User, locked: Ticket, assignee: User | None) -> bool:
    """Set the assignee on a locked ticket; False when nothing changes."""
    if assignee is not None:
        self_assign = assignee.pk == actor.pk
        if not self_assign and not has_perm(actor, Perm.ASSIGN_TICKETS, locked.unit):
            raise PermissionDenied()
        check_can_work(assignee, locked)
    elif not has_perm(actor, Perm.ASSIGN_TICKETS, locked.unit):
        raise PermissionDenied()
    before = locked.assignee_id
    new = assignee.pk if assignee is not None else None
    if before == new:
        return False
    locked.assignee = assignee
    label = (assignee.display_name or assignee.username) if assignee is not None else ""
    add_event(
        ticket=locked,
        kind=EventKind.ASSIGNED,
        actor=actor,
        body=label,
        data={"from": before, "to": new},
    )
    record_audit(
        actor=actor,
        action="ticket.assign",
        obj=locked,
        unit=locked.unit,
        changes={"assignee": [before, new]},
    )
    save(locked)
    return True


def assign_ticket(
    *,
    actor: User,
    ticket: Ticket,
    assignee: User | None,
    expected_version: int | None = None,
) -> Ticket:
    """Give the ticket to `assignee` (None: unassign). Anyone who works tickets may take
    one for themselves; giving it to someone else needs the assign permission."""
    with transaction.atomic():
        locked = begin(actor=actor, ticket=ticket, expected_version=expected_version)
        _assign_locked(actor=actor, locked=locked, assignee=assignee)
    sync_back(ticket, locked)
    return ticket


def transfer_ticket(
    *,
    actor: User,
    ticket: Ticket,
    department: Department,
    queue: Queue | None = None,
    assignee: User | None = None,
    reason: str = "",
    expected_version: int | None = None,
) -> Ticket:
    """Hand the ticket to another department (转办). The first-contact owner stays."""
    reason = (reason or "").strip()[:2000]
    if not department.is_active:
        raise ValidationFailed(details={"department": _("This department is not active.")})
    if queue is not None and queue.department_id != department.pk:
        raise ValidationFailed(details={"queue": _("The queue belongs to another department.")})
    with transaction.atomic():
        locked = begin(actor=actor, ticket=ticket, expected_version=expected_version)
        if locked.status == Status.CLOSED:
            raise ValidationFailed(_("The ticket is closed; reopen it first."))
        if assignee is not None:
            check_can_work(assignee, locked)
        data = {
            "from_department": locked.department_id,
            "to_department": department.pk,
            "from_queue": locked.queue_id,
            "to_queue": queue.pk if queue is not None else None,
            "from_assignee": locked.assignee_id,
            "to_assignee": assignee.pk if assignee is not None else None,
        }
        locked.department = department
        locked.queue = queue
        locked.assignee = assignee
        add_event(
            ticket=locked,
            kind=EventKind.TRANSFERRED,
            actor=actor,
            body=reason or department.name,
            data={**data, "reason": reason},
        )
        record_audit(
            actor=actor, action="ticket.transfer", obj=locked, unit=locked.unit, changes=data
        )
        save(locked)
    sync_back(ticket, locked)
    return ticket


def change_status(
    *,
    actor: User,
    ticket: Ticket,
    status: str,
    reason: str = "",
    expected_version: int | None = None,
    now: datetime | None = None,
) -> Ticket:
    """Move the ticket along new → open ⇄ pending → resolved → closed (resolved may reopen).
    Waiting on the customer pauses the SLA clocks; resolving or closing stops them."""
    now = now or timezone.now()
    if status not in Status.values:
        raise ValidationFailed(details={"status": _("Unknown status.")})
    with transaction.atomic():
        locked = begin(actor=actor, ticket=ticket, expected_version=expected_version)
        before = locked.status
        if status not in ALLOWED_STATUS[before]:
            raise TransitionRefused(
                _("A ticket cannot go from “%(from)s” to “%(to)s”.")
                % {"from": Status(before).label, "to": Status(status).label},
                code="status_transition_refused",
                details={"from": before, "to": status},
            )
        set_status_locked(actor=actor, locked=locked, status=status, reason=reason, now=now)
        save(locked)
    sync_back(ticket, locked)
    return ticket


def set_status_locked(
    *, actor: User | None, locked: Ticket, status: str, reason: str, now: datetime
) -> None:
    """Inside a service's transaction, on a locked ticket: move the status (clocks follow),
    with its STATUS event and audit row. The caller checks the move and saves (one bump)."""
    before = locked.status
    _apply_status(locked, before, status, now)
    add_event(
        ticket=locked,
        kind=EventKind.STATUS,
        actor=actor,
        body=(reason or "").strip()[:2000],
        data={"from": before, "to": status},
    )
    record_audit(
        actor=actor,
        action="ticket.status",
        obj=locked,
        unit=locked.unit,
        changes={"status": [before, status]},
    )
    if status == Status.RESOLVED and locked.contact_phone:
        # the customer hears by SMS that it is resolved (once per ticket; opt-outs honoured)
        from kefu.notifications.producers import notify_ticket_progress

        notify_ticket_progress(
            actor=actor, ticket=locked, status=str(Status(status).label), channel="sms"
        )


def _apply_status(locked: Ticket, before: str, status: str, now: datetime) -> None:
    locked.status = status
    if before == Status.PENDING:
        sla_services.resume(ticket=locked, now=now)
    if status == Status.PENDING:
        sla_services.pause(ticket=locked, now=now)
    elif status in (Status.RESOLVED, Status.CLOSED):
        sla_services.stop(ticket=locked, now=now)
        if status == Status.RESOLVED or locked.resolved_at is None:
            locked.resolved_at = now
        if status == Status.CLOSED:
            locked.closed_at = now
    elif status == Status.OPEN:
        if before == Status.RESOLVED:
            locked.resolved_at = None
        refresh_next_check(locked, now=now)


def _clean_fields(locked: Ticket, fields: dict[str, Any]) -> dict[str, Any]:
    unknown = sorted(set(fields) - set(UPDATABLE))
    if unknown:
        raise ValidationFailed(details={k: _("This field cannot be changed.") for k in unknown})
    errors: dict[str, str] = {}
    out: dict[str, Any] = {}
    for key, value in fields.items():
        if key == "title":
            value = (value or "").strip()
            if not value or len(value) > 200:
                errors[key] = _("Enter a title of at most 200 characters.")
        elif key in ("description", "reference"):
            value = (value or "").replace("\x00", "").strip()
            limit = 20_000 if key == "description" else 64
            if len(value) > limit:
                errors[key] = _("At most %(n)d characters.") % {"n": limit}
        elif key == "priority" and value not in Priority.values:
            errors[key] = _("Unknown priority.")
        elif key == "type" and value not in TicketType.values:
            errors[key] = _("Unknown ticket type.")
        elif key == "category" and value is not None and not isinstance(value, Category):
            errors[key] = _("Unknown category.")
        out[key] = value
    if errors:
        raise ValidationFailed(details=errors)
    return out


def update_ticket(
    *, actor: User, ticket: Ticket, expected_version: int | None = None, **fields: Any
) -> Ticket:
    """Change title, description, category, priority, reference or type."""
    with transaction.atomic():
        locked = begin(actor=actor, ticket=ticket, expected_version=expected_version)
        clean = _clean_fields(locked, fields)
        before = {k: _value(locked, k) for k in clean}
        for key, value in clean.items():
            setattr(locked, key, value)
        locked.search_vector = search_text(locked.title, locked.description)
        after = {k: _value(locked, k) for k in clean}
        changes = diff_fields(before, after)
        if changes:
            if clean.get("type") == TicketType.COMPLAINT:
                Complaint.objects.get_or_create(ticket=locked, defaults={"demand": ""})
            add_event(ticket=locked, kind=EventKind.FIELDS, actor=actor, data=changes)
            record_audit(
                actor=actor,
                action="ticket.update",
                obj=locked,
                unit=locked.unit,
                changes=_audit_changes(changes),
            )
            save(locked)
    sync_back(ticket, locked)
    return ticket


def _audit_changes(changes: dict[str, Any]) -> dict[str, Any]:
    """The append-only log says which texts changed; the texts themselves (which may name
    the customer) stay on the timeline, where erasing the customer's data masks them."""
    texts = sorted(k for k in changes if k in FREE_TEXT_FIELDS)
    kept = {k: v for k, v in changes.items() if k not in FREE_TEXT_FIELDS}
    return {**kept, "texts": texts} if texts else kept


def _value(ticket: Ticket, key: str) -> Any:
    return ticket.category_id if key == "category" else getattr(ticket, key)


def bulk_assign(*, actor: User, tickets: Iterable[Ticket], assignee: User | None) -> int:
    """Assign many tickets at once; all or nothing. Returns how many changed."""
    changed = 0
    with transaction.atomic():
        for ticket in tickets:
            locked = begin(actor=actor, ticket=ticket)
            if _assign_locked(actor=actor, locked=locked, assignee=assignee):
                changed += 1
            sync_back(ticket, locked)
    return changed


def bulk_transfer(*, actor: User, tickets: Iterable[Ticket], department: Department) -> int:
    """Transfer many tickets to one department; all or nothing. Returns how many."""
    count = 0
    with transaction.atomic():
        for ticket in tickets:
            transfer_ticket(actor=actor, ticket=ticket, department=department)
            count += 1
    return count
