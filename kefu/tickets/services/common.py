"""Shared steps of the ticket write services: lock, check, bump version, sync back."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.db.models import ForeignKey
from django.utils.translation import gettext as _

from kefu.core.errors import NotFound, PermissionDenied, ValidationFailed
from kefu.core.models import User
from kefu.core.permissions import Perm
from kefu.core.selectors.scope import has_perm, scope_for
from kefu.tickets.choices import OPEN_STATUSES, Status
from kefu.tickets.errors import StaleTicket
from kefu.tickets.locks import lock_ticket
from kefu.tickets.models import Ticket, TicketEvent

MAX_BODY = 20_000
MAX_CUSTOMER_BODY = 200_000


def begin(
    *,
    actor: User | None,
    ticket: Ticket,
    perm: Perm | None = Perm.WORK_TICKETS,
    expected_version: int | None = None,
) -> Ticket:
    """Inside the service's transaction: lock the row, check scope, permission, version.

    A ticket outside the actor's scope is 'not found'; inside it without the permission,
    'permission denied'. actor None is a customer or system path (mail, web)."""
    locked = lock_ticket(ticket.pk)
    if actor is not None:
        if not scope_for(actor).sees_path(locked.unit.path):
            raise NotFound()
        if perm is not None and not has_perm(actor, perm, locked.unit):
            raise PermissionDenied()
    if expected_version is not None and locked.version != expected_version:
        raise StaleTicket(details={"version": locked.version})
    return locked


def save(locked: Ticket) -> None:
    """Every change bumps the version (optimistic locking for the next writer)."""
    locked.version += 1
    locked.save()


def sync_back(original: Ticket, locked: Ticket) -> None:
    """Copy the saved row onto the caller's instance so it is not left stale."""
    if original is locked:
        return
    for f in Ticket._meta.concrete_fields:
        setattr(original, f.attname, getattr(locked, f.attname))
    for name in ("unit", "department", "queue", "assignee", "category", "customer"):
        field = Ticket._meta.get_field(name)
        assert isinstance(field, ForeignKey)
        if field.is_cached(locked):
            setattr(original, name, getattr(locked, name))
        elif field.is_cached(original):
            field.delete_cached_value(original)


def clean_body(
    body: str, *, field: str = "body", required: bool = True, truncate: bool = False
) -> str:
    """Strip NUL bytes and blanks; refuse empty (when required) or over-long text, or cut
    it (`truncate`, for what customers send: their mail must never bounce off a limit)."""
    text = (body or "").replace("\x00", "").strip()
    if required and not text:
        raise ValidationFailed(details={field: _("Write something first.")})
    if len(text) > MAX_BODY:
        if truncate:
            return text[:MAX_CUSTOMER_BODY]
        raise ValidationFailed(details={field: _("At most %(n)d characters.") % {"n": MAX_BODY}})
    return text


def check_can_work(user: User, ticket: Ticket) -> None:
    """An assignee must be active and allowed to work tickets of the ticket's unit."""
    if not user.is_active or not has_perm(user, Perm.WORK_TICKETS, ticket.unit):
        raise ValidationFailed(
            details={"assignee": _("This person cannot work on tickets of this unit.")}
        )


def refresh_next_check(ticket: Ticket, *, now: datetime) -> None:
    """Next time the SLA scan must look at the ticket (the SLA module decides)."""
    from kefu.sla import services as sla_services

    refresh = getattr(sla_services, "refresh_next_check", None)
    if refresh is not None:
        refresh(ticket, now=now)
        return
    if ticket.status not in OPEN_STATUSES or ticket.status == Status.PENDING:
        ticket.next_sla_check_at = None
        return
    dues = [ticket.resolution_due, ticket.next_response_due]
    if ticket.first_responded_at is None:
        dues.append(ticket.first_response_due)
    pending = [d for d in dues if d is not None]
    ticket.next_sla_check_at = min(pending) if pending else None


def attach_files(
    *, actor: User | None, ticket: Ticket, event: TicketEvent, files: Iterable[Any]
) -> None:
    from kefu.tickets.services.attachments import prepare_uploads, store_prepared

    prepared = prepare_uploads(files)  # every file is checked before any is stored
    for index, item in enumerate(prepared):
        try:
            store_prepared(actor=actor, ticket=ticket, event=event, prepared=item)
        except Exception:
            for rest in prepared[index + 1 :]:
                rest.discard()
            raise


def iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None
