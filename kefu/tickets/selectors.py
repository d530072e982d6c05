"""Ticket reads shared by the workbench and the API; every one applies the actor's scope."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from django.db.models import F, Prefetch, Q, QuerySet
from django.utils import timezone

from kefu.core.errors import NotFound, ValidationFailed
from kefu.core.models import Department, DepartmentMembership, OrgUnit, User
from kefu.core.selectors.scope import restrict_to_scope
from kefu.customers.models import CustomerPhone
from kefu.customers.services import normalize_phone
from kefu.tickets.choices import OPEN_STATUSES, SlaState, Status
from kefu.tickets.models import Attachment, Ticket, TicketEvent
from kefu.tickets.search import text_condition

QUEUE_VIEWS = ("mine", "department", "unassigned", "due_soon", "breached", "waiting")
DUE_SOON = timedelta(hours=4)
LIST_RELATED = ("unit", "department", "queue", "assignee", "category", "customer")


def _ids(value: Any) -> int | None:
    if value is None or value == "":
        return None
    if hasattr(value, "pk"):
        return int(value.pk)
    try:
        return int(value)
    except (TypeError, ValueError):
        raise ValidationFailed(details={"filter": "not a number"}) from None


def _statuses(status: str | list[str] | None) -> list[str]:
    if not status:
        return []
    parts = status.split(",") if isinstance(status, str) else list(status)
    values = [p.strip() for p in parts if p.strip()]
    if values == ["active"]:
        return list(OPEN_STATUSES)
    unknown = [v for v in values if v not in Status.values]
    if unknown:
        raise ValidationFailed(details={"status": f"unknown: {', '.join(unknown)}"})
    return values


def _queue_view(
    qs: QuerySet[Ticket], actor: User, view: str, now: datetime, statuses: list[str]
) -> QuerySet[Ticket]:
    """The view's own status condition, narrowed to `statuses` when the caller gave some:
    one status condition in the query (two made PostgreSQL multiply their selectivities,
    expect 150 rows instead of 12,000 and sort instead of walking the queue index)."""

    def among(*allowed: str) -> Q:
        return Q(status__in=[s for s in allowed if not statuses or s in statuses])

    active = among(*OPEN_STATUSES)
    running = among(Status.NEW, Status.OPEN)
    if view == "mine":
        return qs.filter(active, assignee=actor)
    if view == "department":
        mine = list(
            DepartmentMembership.objects.filter(user=actor).values_list("department_id", flat=True)
        )  # a list, not a subquery: the planner then uses the department index's statistics
        return qs.filter(active, department_id__in=mine)
    if view == "unassigned":
        return qs.filter(active, assignee__isnull=True)
    if view == "due_soon":
        return qs.filter(running, sla_breached_at__isnull=True).filter(
            Q(sla_state=SlaState.WARNING) | Q(resolution_due__lte=now + DUE_SOON)
        )
    if view == "breached":
        return qs.filter(active, sla_state=SlaState.BREACHED)
    if view == "waiting":
        return qs.filter(among(Status.PENDING))
    raise ValidationFailed(details={"queue_view": f"one of {', '.join(QUEUE_VIEWS)}"})


def _text(qs: QuerySet[Ticket], q: str) -> QuerySet[Ticket]:
    """Number (exact), phone (a whole number: exact and indexed; a fragment: contains),
    else title/description contains (narrowed by the bigram index, kefu.tickets.search)
    or the order/waybill reference."""
    q = q.strip()[:200]
    if not q:
        return qs
    if q.upper().startswith("KF") and q[2:].isdigit():
        return qs.filter(number=q.upper())
    cond = text_condition(q) | Q(reference=q)
    digits = normalize_phone(q)
    if digits and len(digits) >= 5 and len(digits) * 2 >= len(q.replace(" ", "")):
        owners = CustomerPhone.objects.filter(number=digits).values("customer_id")
        phone = Q(contact_phone=digits) | Q(customer_id__in=owners)
        if len(digits) < 7:
            phone |= Q(contact_phone__contains=digits)
        cond = phone | Q(reference=q)
    return qs.filter(cond)


def list_tickets(
    actor: User,
    *,
    status: str | list[str] | None = None,
    type: str | None = None,
    unit: OrgUnit | int | None = None,
    department: Department | int | None = None,
    assignee: User | int | str | None = None,
    breached: bool | None = None,
    due_before: datetime | None = None,
    q: str = "",
    queue_view: str = "",
    now: datetime | None = None,
) -> QuerySet[Ticket]:
    """Tickets the actor may see, filtered, most urgent first (resolution due, then id)."""
    now = now or timezone.now()
    qs = restrict_to_scope(Ticket.objects.all(), actor)
    statuses = _statuses(status)
    if statuses and not queue_view:  # (a queue view applies them with its own)
        qs = qs.filter(status__in=statuses)
    if type:
        qs = qs.filter(type=type)
    unit_id = _ids(unit)
    if unit_id is not None:
        path = unit.path if isinstance(unit, OrgUnit) else None
        if path is None:
            path = OrgUnit.objects.filter(pk=unit_id).values_list("path", flat=True).first()
        qs = qs.filter(unit__path__startswith=path) if path else qs.none()
    department_id = _ids(department)
    if department_id is not None:
        qs = qs.filter(department_id=department_id)
    if assignee == "me":
        qs = qs.filter(assignee=actor)
    elif assignee == "none":
        qs = qs.filter(assignee__isnull=True)
    elif assignee not in (None, ""):
        qs = qs.filter(assignee_id=_ids(assignee))
    if breached is not None:
        qs = qs.filter(sla_breached_at__isnull=not breached)
    if due_before is not None:
        qs = qs.filter(resolution_due__lt=due_before)
    if queue_view:
        qs = _queue_view(qs, actor, queue_view, now, statuses)
    qs = _text(qs, q)
    # The related rows of a page come by prefetch (one small IN query each), not joins: the
    # six-way join cost PostgreSQL ~17 ms to plan on every page at a million tickets.
    return qs.prefetch_related(*LIST_RELATED).order_by(
        F("resolution_due").asc(nulls_last=True), "id"
    )


def get_ticket(actor: User, ticket_id: int) -> Ticket:
    """One ticket in the actor's scope; outside it, 'not found' (no existence leak)."""
    ticket = (
        restrict_to_scope(Ticket.objects.all(), actor)
        # two joins; other relations load when read (a page reads most, an access check
        # none): joining all nine took PostgreSQL ~7 ms to plan, for a row found in 0.1 ms
        .select_related("unit", "customer")
        .filter(pk=ticket_id)
        .first()
    )
    if ticket is None:
        raise NotFound()
    return ticket


def ticket_events(ticket: Ticket, *, public_only: bool = False) -> QuerySet[TicketEvent]:
    """The timeline, oldest first, with actors and attachments loaded."""
    qs = TicketEvent.objects.filter(ticket=ticket)
    if public_only:
        qs = qs.filter(is_public=True)
    return (
        qs.select_related("actor")
        .prefetch_related(Prefetch("attachments", queryset=Attachment.objects.order_by("id")))
        .order_by("created_at", "id")
    )


def open_tickets_of_customers(actor: User, customer_ids: list[int]) -> QuerySet[Ticket]:
    """Open tickets of these customers, in scope (phone intake: who is calling?)."""
    return (
        restrict_to_scope(Ticket.objects.all(), actor)
        .filter(customer_id__in=customer_ids, status__in=OPEN_STATUSES)
        .order_by("-id")
    )


def public_lookup(number: str, phone: str) -> Ticket | None:
    """Customer self-lookup: the ticket with this number whose contact phone (or its
    customer's phone) is `phone`; None for any mismatch, so nothing can be enumerated."""
    number = (number or "").strip().upper()[:20]
    digits = normalize_phone(phone)
    if not number or len(digits) < 5:
        return None
    ticket = Ticket.objects.filter(number=number).first()
    if ticket is None:
        return None
    if normalize_phone(ticket.contact_phone) == digits:
        return ticket
    if ticket.customer_id and ticket.customer.phones.filter(number=digits).exists():  # type: ignore[union-attr]
        return ticket
    return None


def ticket_cursor(ticket: Ticket) -> str:
    """Keyset cursor of a row in the list order (resolution_due nulls last, id)."""
    due = ticket.resolution_due
    stamp = "n" if due is None else str(int(due.timestamp() * 1_000_000))
    return f"{stamp}.{ticket.pk}"


def after_cursor(qs: QuerySet[Ticket], cursor: str) -> QuerySet[Ticket]:
    """Rows after `cursor` in the list order: constant-time deep pages."""
    stamp, _dot, raw_id = cursor.partition(".")
    try:
        pk = int(raw_id)
        due = None if stamp == "n" else datetime.fromtimestamp(int(stamp) / 1_000_000, UTC)
    except (ValueError, OverflowError, OSError):
        raise ValidationFailed(details={"after": "not a cursor from this list"}) from None
    if due is None:
        return qs.filter(resolution_due__isnull=True, pk__gt=pk)
    return qs.filter(
        Q(resolution_due__gt=due)
        | Q(resolution_due=due, pk__gt=pk)
        | Q(resolution_due__isnull=True)
    )
