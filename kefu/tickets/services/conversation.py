"""The conversation on a ticket: replies, notes, calls, customer messages, follow-ups.

Re-exported from `kefu.tickets.services.work`, which is where callers import them."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kefu.core.errors import ValidationFailed
from kefu.core.models import User
from kefu.sla import services as sla_services
from kefu.tickets.choices import EventKind, Status
from kefu.tickets.events import add_event
from kefu.tickets.models import Ticket, TicketEvent
from kefu.tickets.services.common import (
    attach_files,
    begin,
    clean_body,
    iso,
    refresh_next_check,
    save,
    sync_back,
)

CALL_DIRECTIONS = ("inbound", "outbound")


def _set_follow_up(ticket: Ticket, at: datetime | None) -> None:
    if at is None:
        return
    if timezone.is_naive(at):
        raise ValidationFailed(details={"next_follow_up_at": _("Give a time zone offset.")})
    ticket.next_follow_up_at = at


def add_reply(
    *,
    actor: User,
    ticket: Ticket,
    body: str,
    files: Iterable[Any] = (),
    next_follow_up_at: datetime | None = None,
    expected_version: int | None = None,
    now: datetime | None = None,
) -> TicketEvent:
    """A reply the customer sees (and receives by mail when the ticket has an address).
    Stops the first-response clock; a new ticket becomes 'in progress'."""
    now = now or timezone.now()
    text = clean_body(body)
    with transaction.atomic():
        locked = begin(actor=actor, ticket=ticket, expected_version=expected_version)
        if locked.status == Status.CLOSED:
            raise ValidationFailed(_("The ticket is closed; reopen it first."))
        _set_follow_up(locked, next_follow_up_at)
        event = add_event(
            ticket=locked,
            kind=EventKind.REPLY,
            actor=actor,
            body=text,
            is_public=True,
            next_follow_up_at=next_follow_up_at,
        )
        attach_files(actor=actor, ticket=locked, event=event, files=files)
        if locked.status == Status.NEW:
            locked.status = Status.OPEN
        sla_services.on_first_response(ticket=locked, now=now)
        save(locked)
        from kefu.tickets.mailout import queue_reply_mail

        queue_reply_mail(event)
    sync_back(ticket, locked)
    return event


def add_note(
    *,
    actor: User,
    ticket: Ticket,
    body: str,
    files: Iterable[Any] = (),
    next_follow_up_at: datetime | None = None,
    expected_version: int | None = None,
) -> TicketEvent:
    """An internal note: staff only, never shown to the customer."""
    text = clean_body(body)
    with transaction.atomic():
        locked = begin(actor=actor, ticket=ticket, expected_version=expected_version)
        _set_follow_up(locked, next_follow_up_at)
        event = add_event(
            ticket=locked,
            kind=EventKind.NOTE,
            actor=actor,
            body=text,
            next_follow_up_at=next_follow_up_at,
        )
        attach_files(actor=actor, ticket=locked, event=event, files=files)
        save(locked)
    sync_back(ticket, locked)
    return event


def log_call(
    *,
    actor: User,
    ticket: Ticket,
    body: str,
    direction: str = "inbound",
    next_follow_up_at: datetime | None = None,
    expected_version: int | None = None,
    now: datetime | None = None,
) -> TicketEvent:
    """A phone call with the customer. An outbound call is a response to the customer."""
    now = now or timezone.now()
    if direction not in CALL_DIRECTIONS:
        raise ValidationFailed(details={"direction": _("Choose inbound or outbound.")})
    text = clean_body(body)
    with transaction.atomic():
        locked = begin(actor=actor, ticket=ticket, expected_version=expected_version)
        _set_follow_up(locked, next_follow_up_at)
        event = add_event(
            ticket=locked,
            kind=EventKind.CALL,
            actor=actor,
            body=text,
            data={"direction": direction},
            next_follow_up_at=next_follow_up_at,
        )
        if direction == "outbound":
            if locked.status == Status.NEW:
                locked.status = Status.OPEN
            sla_services.on_first_response(ticket=locked, now=now)
        save(locked)
    sync_back(ticket, locked)
    return event


def add_customer_message(
    *,
    ticket: Ticket,
    body: str,
    message_id: str = "",
    files: Iterable[Any] = (),
    now: datetime | None = None,
) -> TicketEvent:
    """The customer wrote again (mail, web). A ticket waiting on them or resolved reopens
    and its paused clocks resume."""
    now = now or timezone.now()
    text = clean_body(body, required=False, truncate=True)
    with transaction.atomic():
        locked = begin(actor=None, ticket=ticket)
        before = locked.status
        event = add_event(
            ticket=locked,
            kind=EventKind.CUSTOMER_MESSAGE,
            actor=None,
            body=text,
            is_public=True,
            message_id=message_id[:255],
        )
        attach_files(actor=None, ticket=locked, event=event, files=files)
        if before in (Status.PENDING, Status.RESOLVED):
            locked.status = Status.OPEN
            locked.resolved_at = None
            sla_services.resume(ticket=locked, now=now)
            refresh_next_check(locked, now=now)
            add_event(
                ticket=locked,
                kind=EventKind.STATUS,
                actor=None,
                body=_("Reopened by a message from the customer."),
                data={"from": before, "to": Status.OPEN},
            )
        on_message = getattr(sla_services, "on_customer_message", None)
        if on_message is not None and locked.status in (Status.NEW, Status.OPEN):
            on_message(ticket=locked, now=now)
        save(locked)
    sync_back(ticket, locked)
    return event


def schedule_follow_up(
    *,
    actor: User,
    ticket: Ticket,
    at: datetime,
    note: str = "",
    expected_version: int | None = None,
    now: datetime | None = None,
) -> TicketEvent:
    """Plan the next contact with the customer (回访/跟进)."""
    now = now or timezone.now()
    if timezone.is_naive(at):
        raise ValidationFailed(details={"at": _("Give a time zone offset.")})
    if at <= now:
        raise ValidationFailed(details={"at": _("Choose a time in the future.")})
    text = clean_body(note, field="note", required=False)
    with transaction.atomic():
        locked = begin(actor=actor, ticket=ticket, expected_version=expected_version)
        locked.next_follow_up_at = at
        event = add_event(
            ticket=locked,
            kind=EventKind.FOLLOW_UP,
            actor=actor,
            body=text,
            next_follow_up_at=at,
            data={"at": iso(at)},
        )
        save(locked)
    sync_back(ticket, locked)
    return event
