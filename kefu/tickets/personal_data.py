"""The tickets' part of a customer's personal data (registered in TicketsConfig.ready).

Export: the customer's tickets, the replies they could see (no internal notes), complaint
outcomes and remedies. Erase: tickets stay (numbers, statuses, SLA, categories, times
and counts feed the reports) but contact fields are cleared and personal data inside
titles, descriptions, timeline texts, mail data, complaint texts and remedies is masked;
attachments that came in by mail are deleted (their files too, unless shared)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext_lazy

from kefu.tickets.choices import EventKind
from kefu.tickets.models import Attachment, Complaint, Remedy, Ticket, TicketEvent
from kefu.tickets.search import search_text

if TYPE_CHECKING:
    from kefu.customers.models import Customer
    from kefu.customers.personal_data_registry import Redactor, Rows

BATCH = 500
COMPLAINT_TEXTS = (
    "demand",
    "judgement_note",
    "tactful_reply",
    "root_cause",
    "penalty",
    "implementation_note",
    "revisit_note",
    "summary",
    "evaluation",
)


def export_tickets(customer: Customer) -> dict[str, Rows]:
    own = Q(ticket__customer_id=customer.pk)
    return {
        "tickets": list(
            Ticket.objects.filter(customer_id=customer.pk)
            .order_by("created_at", "id")
            .values(
                "number",
                "type",
                "channel",
                "status",
                "priority",
                "title",
                "description",
                "reference",
                "category__name",
                "contact_name",
                "contact_phone",
                "contact_email",
                "received_at",
                "created_at",
                "resolved_at",
                "closed_at",
            )
        ),
        "ticket_replies": list(
            TicketEvent.objects.filter(own, is_public=True)
            .exclude(kind=EventKind.NOTE)
            .order_by("created_at", "id")
            .values("ticket__number", "kind", "created_at", "body")
        ),
        "complaints": list(
            Complaint.objects.filter(own)
            .order_by("ticket_id")
            .values(
                "ticket__number",
                "stage",
                "demand",
                "is_valid",
                "tactful_reply",
                "customer_accepted",
                "satisfaction",
                "archived_at",
            )
        ),
        "complaint_remedies": list(
            Remedy.objects.filter(complaint__ticket__customer_id=customer.pk)
            .order_by("id")
            .values("complaint__ticket__number", "kind", "description", "cost", "status")
        ),
    }


def known_ticket_values(customer: Customer) -> Iterable[str]:
    for row in Ticket.objects.filter(customer_id=customer.pk).values_list(
        "contact_name", "contact_phone", "contact_email"
    ):
        yield from row


def erase_tickets(customer: Customer, redactor: Redactor) -> dict[str, int]:
    tickets = list(Ticket.objects.filter(customer_id=customer.pk).order_by("id"))
    for t in tickets:
        t.title = redactor.text(t.title) or "***"
        t.description = redactor.text(t.description)
        t.contact_name = t.contact_phone = t.contact_email = ""
        t.search_vector = search_text(t.title, t.description)  # no bigrams of the old text
    # bulk_update leaves updated_at alone: the ticket's timings stay as they were
    Ticket.objects.bulk_update(
        tickets,
        ["title", "description", "contact_name", "contact_phone", "contact_email", "search_vector"],
        batch_size=BATCH,
    )
    own = Q(ticket__customer_id=customer.pk)
    events = 0
    changed: list[TicketEvent] = []
    for event in TicketEvent.objects.filter(own).order_by("id").iterator(chunk_size=BATCH):
        body, data = redactor.text(event.body), redactor.data(event.data)
        if body != event.body or data != event.data:
            event.body, event.data = body, data
            changed.append(event)
        if len(changed) >= BATCH:
            events += _save_events(changed)
    events += _save_events(changed)
    complaints = list(Complaint.objects.filter(own))
    for c in complaints:
        for field in COMPLAINT_TEXTS:
            setattr(c, field, redactor.text(getattr(c, field)))
        c.responsible_person = redactor.text(c.responsible_person)
    Complaint.objects.bulk_update(complaints, [*COMPLAINT_TEXTS, "responsible_person"])
    remedies = list(Remedy.objects.filter(complaint__ticket__customer_id=customer.pk))
    for r in remedies:
        r.description = redactor.text(r.description) or "-"
    Remedy.objects.bulk_update(remedies, ["description"])
    return {
        "tickets": len(tickets),
        "ticket_events": events,
        "complaints": len(complaints),
        "complaint_remedies": len(remedies),
        **_erase_attachments(customer, redactor),
    }


def _save_events(changed: list[TicketEvent]) -> int:
    n = len(changed)
    if changed:
        TicketEvent.objects.bulk_update(changed, ["body", "data"], batch_size=BATCH)
        changed.clear()
    return n


def _erase_attachments(customer: Customer, redactor: Redactor) -> dict[str, int]:
    """Files that came in by mail (the customer's own mail) go; others keep their content
    but lose personal data in their names."""
    rows = list(Attachment.objects.filter(ticket__customer_id=customer.pk).select_related("event"))
    mailed = [a for a in rows if a.event is not None and "mail" in (a.event.data or {})]
    kept = [a for a in rows if a not in mailed]
    for a in kept:
        a.filename = redactor.text(a.filename) or "file"
    Attachment.objects.bulk_update(kept, ["filename"])
    names = {a.file.name for a in mailed if a.file.name}
    Attachment.objects.filter(pk__in=[a.pk for a in mailed]).delete()
    if names:
        storage = Attachment._meta.get_field("file").storage
        transaction.on_commit(lambda: _delete_unshared(storage, names))
    return {"mail_attachments_deleted": len(mailed), "attachments": len(kept)}


def _delete_unshared(storage: object, names: set[str]) -> None:
    """Files are stored by content hash: keep one another ticket still points at."""
    shared = set(Attachment.objects.filter(file__in=names).values_list("file", flat=True))
    for name in names - shared:
        storage.delete(name)  # type: ignore[attr-defined]


def register() -> None:
    from kefu.customers.personal_data_registry import register_personal_data_provider

    register_personal_data_provider(
        "tickets",
        gettext_lazy("Tickets"),
        exporter=export_tickets,
        eraser=erase_tickets,
        order=20,
        known_values=known_ticket_values,
    )
