"""Opening tickets, from every channel."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kefu.core import config_cache
from kefu.core.errors import PermissionDenied, ValidationFailed
from kefu.core.models import Department, OrgUnit, User
from kefu.core.permissions import Perm
from kefu.core.selectors.scope import has_perm
from kefu.core.services.audit import record_audit
from kefu.customers.models import Customer
from kefu.customers.services import create_customer, normalize_phone
from kefu.sla import services as sla_services
from kefu.tickets.choices import Channel, EventKind, Priority, TicketType
from kefu.tickets.errors import IdempotencyMismatch, InvalidReceivedAt
from kefu.tickets.events import add_event
from kefu.tickets.models import Category, Complaint, IdempotencyKey, Ticket
from kefu.tickets.numbering import next_number
from kefu.tickets.search import search_text
from kefu.tickets.services.routing import classify, record_routing

BACKDATE_FREE = timedelta(hours=1)
CLOCK_SKEW = timedelta(minutes=2)


def _check_received_at(
    actor: User | None, unit: OrgUnit, received_at: datetime, now: datetime
) -> None:
    if timezone.is_naive(received_at):
        raise InvalidReceivedAt(
            _("Give received_at with a time zone offset."),
            details={"received_at": _("Add an offset such as +08:00.")},
        )
    if received_at > now + CLOCK_SKEW:
        raise InvalidReceivedAt(
            _("received_at lies in the future."),
            details={"received_at": _("Cannot be in the future.")},
        )
    if now - received_at > BACKDATE_FREE and (
        actor is None or not has_perm(actor, Perm.BACKDATE_TICKETS, unit)
    ):
        raise InvalidReceivedAt(
            _("Only supervisors and managers may record a contact more than an hour ago."),
            details={"received_at": _("More than an hour ago.")},
        )


def _validate(*, type: str, channel: str, priority: str, title: str) -> None:
    errors: dict[str, str] = {}
    if type not in TicketType.values:
        errors["type"] = _("Unknown ticket type.")
    if channel not in Channel.values:
        errors["channel"] = _("Unknown channel.")
    if priority not in Priority.values:
        errors["priority"] = _("Unknown priority.")
    if not title.strip():
        errors["title"] = _("Enter a short title.")
    elif len(title.strip()) > 200:
        errors["title"] = _("At most 200 characters.")
    if errors:
        raise ValidationFailed(details=errors)


def _snapshot_blanks(customer: Customer, name: str, phone: str, email: str) -> tuple[str, str, str]:
    """Contact fields the caller left blank come from the linked customer."""
    if not phone.strip():
        phone = (
            customer.phones.order_by("-is_primary", "id").values_list("number", flat=True).first()
            or ""
        )
    return (name.strip() or customer.name, phone, email.strip() or customer.email)


def _check_create(
    *,
    actor: User | None,
    unit: OrgUnit,
    type: str,
    channel: str,
    title: str,
    priority: str = Priority.NORMAL,
    received_at: datetime | None = None,
    now: datetime,
    **_other: Any,
) -> None:
    if actor is not None and not has_perm(actor, Perm.WORK_TICKETS, unit):
        raise PermissionDenied()
    _validate(type=type, channel=channel, priority=priority, title=title)
    if received_at is not None:
        _check_received_at(actor, unit, received_at, now)


def create_ticket(*, actor: User | None, now: datetime | None = None, **fields: Any) -> Ticket:
    """Open a ticket, route it, start its SLA clocks; one transaction, one 'created' event.

    actor None: an unauthenticated intake path (public web form, inbound mail). `fields`
    are `_open_ticket`'s arguments."""
    now = now or timezone.now()
    _check_create(actor=actor, now=now, **fields)
    with transaction.atomic():
        return _open_ticket(actor=actor, now=now, **fields)


def _utc(ticket: Ticket) -> None:
    """Datetimes as a read from the database gives them back (UTC), so the object in hand
    answers exactly like a fetched one."""
    for f in ticket._meta.concrete_fields:
        value = getattr(ticket, f.attname)
        if isinstance(value, datetime) and timezone.is_aware(value):
            setattr(ticket, f.attname, value.astimezone(UTC))


def _open_ticket(
    *,
    actor: User | None,
    unit: OrgUnit,
    type: str,
    channel: str,
    title: str,
    now: datetime,
    description: str = "",
    customer: Customer | None = None,
    contact_name: str = "",
    contact_phone: str = "",
    contact_email: str = "",
    reference: str = "",
    category: Category | None = None,
    priority: str = Priority.NORMAL,
    department: Department | None = None,
    received_at: datetime | None = None,
    message_id: str = "",
) -> Ticket:
    """The writes of create_ticket (input already checked; inside the caller's transaction).

    Number, routing fields and SLA due times are set before the one INSERT; the events that
    need the ticket's id follow it. The ticket's relations that the API answer reads are
    loaded (unit, category, customer, SLA policy, complaint), so it needs no re-fetch."""
    received = received_at or now
    if customer is not None:
        contact_name, contact_phone, contact_email = _snapshot_blanks(
            customer, contact_name, contact_phone, contact_email
        )
    ticket = Ticket(
        type=type,
        channel=channel,
        priority=priority,
        title=title.strip(),
        description=description.strip(),
        customer=customer,
        contact_name=contact_name.strip()[:100],
        contact_phone=normalize_phone(contact_phone) or contact_phone.strip()[:40],
        contact_email=contact_email.strip(),
        reference=reference.strip()[:64],
        category=category,
        unit=unit,
        department=department,
        first_contact_owner=actor,
        created_by=actor,
        received_at=received,
        message_id=message_id[:255],
    )
    ticket.search_vector = search_text(ticket.title, ticket.description)
    routed = classify(ticket)
    sla_services.start_clocks(ticket=ticket, now=now)
    _utc(ticket)
    # drawn last before the INSERT: the day's counter row is locked from here to commit,
    # and every concurrent creation waits on it (routing and clocks are done by now)
    ticket.number = next_number(timezone.localdate(now))
    ticket.save(force_insert=True)
    add_event(
        ticket=ticket,
        kind=EventKind.CREATED,
        actor=actor,
        body=ticket.description,
        data={"channel": channel, "type": type, "received_at": received.isoformat()},
    )
    if type == TicketType.COMPLAINT:
        Complaint.objects.create(ticket=ticket, demand="")
    if routed is not None:
        record_routing(ticket=ticket, rule=routed[0], data=routed[1])
        if ticket.assignee_id is not None:
            ticket.save(update_fields=["assignee", "updated_at"])
    record_audit(
        actor=actor,
        action="ticket.create",
        obj=ticket,
        unit=unit,
        changes={"number": ticket.number, "type": type, "channel": channel},
    )
    return ticket


def request_fingerprint(payload: dict[str, Any]) -> str:
    """A stable hash of a create request's body (for Idempotency-Key checks)."""
    text = json.dumps(payload, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def create_ticket_idempotent(
    *, actor: User, key: str, fingerprint: str, **kwargs: Any
) -> tuple[Ticket, bool]:
    """create_ticket once per (actor, key): a retry returns the first ticket and creates
    nothing; the same key with another body is refused. Returns (ticket, created).

    The key row is inserted first in the creating transaction. A concurrent retry's insert
    waits on the unique index until the first commits, then sees its row."""
    key = key.strip()
    if not key or len(key) > 200:
        raise ValidationFailed(details={"Idempotency-Key": _("Use 1 to 200 characters.")})
    with transaction.atomic():
        try:
            with transaction.atomic():
                record = IdempotencyKey.objects.create(
                    user=actor, key=key, request_hash=fingerprint
                )
        except IntegrityError:
            record = None
        if record is None:
            first = IdempotencyKey.objects.select_related("ticket").get(user=actor, key=key)
            if first.request_hash != fingerprint:
                raise IdempotencyMismatch()
            assert first.ticket is not None
            return first.ticket, False
        now = kwargs.pop("now", None) or timezone.now()
        _check_create(actor=actor, now=now, **kwargs)
        ticket = _open_ticket(actor=actor, now=now, **kwargs)
        record.ticket = ticket
        record.save(update_fields=["ticket"])
    return ticket, True


def unit_by_id(unit_id: int) -> OrgUnit:
    """An org unit, kept in this process (kefu.core.config_cache) until a unit changes.
    Read-only: it is shared by every request of this process."""
    return config_cache.cached(("org:unit", unit_id), lambda: OrgUnit.objects.get(pk=unit_id))


def public_unit() -> OrgUnit | None:
    """The unit that owns tickets from the public web form: settings.KEFU_PUBLIC_UNIT_CODE,
    else the first top-level unit."""
    from django.conf import settings

    code = getattr(settings, "KEFU_PUBLIC_UNIT_CODE", "")
    qs = OrgUnit.objects.filter(is_active=True)
    if code:
        unit = qs.filter(code=code).first()
        if unit is not None:
            return unit
    return qs.filter(parent__isnull=True).order_by("id").first()


def submit_web_ticket(
    *,
    unit: OrgUnit,
    type: str,
    name: str,
    phone: str,
    email: str,
    title: str,
    description: str,
    now: datetime | None = None,
) -> Ticket:
    """A ticket from the public web form (no login). Linked to the customer when exactly
    one customer has this phone number."""
    from kefu.customers.models import CustomerPhone

    number = normalize_phone(phone)
    owners = list(
        CustomerPhone.objects.filter(number=number).values_list("customer_id", flat=True)[:2]
    )
    customer = Customer.objects.filter(pk=owners[0]).first() if len(set(owners)) == 1 else None
    return create_ticket(
        actor=None,
        unit=unit,
        type=type,
        channel=Channel.WEB,
        title=title,
        description=description,
        customer=customer,
        contact_name=name,
        contact_phone=phone,
        contact_email=email,
        now=now,
    )


def create_call_ticket(
    *,
    actor: User,
    unit: OrgUnit,
    customer: Customer | None = None,
    new_customer_name: str = "",
    phone: str = "",
    **ticket_fields: Any,
) -> Ticket:
    """The phone-intake form: the caller is a known customer, a new one created on the spot
    (`new_customer_name`), or nobody; customer and ticket are written together or not at
    all. `ticket_fields` are `create_ticket`'s other arguments."""
    with transaction.atomic():
        name = new_customer_name.strip()
        if customer is None and name:
            customer = create_customer(
                actor=actor, unit=unit, name=name, phones=[phone] if phone else []
            )
        return create_ticket(
            actor=actor,
            unit=unit,
            customer=customer,
            contact_name=customer.name if customer is not None else "",
            contact_phone=phone,
            **ticket_fields,
        )
