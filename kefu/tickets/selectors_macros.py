"""Macros (canned replies) available on a ticket, and their text rendered for it."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.template import Context, Template, TemplateSyntaxError

from kefu.core.models import User
from kefu.tickets.models import Macro, Ticket


def macros_for(ticket: Ticket) -> QuerySet[Macro]:
    """Active macros of the ticket's unit, the units above it, or everyone."""
    return Macro.objects.filter(
        Q(unit__isnull=True) | Q(unit_id__in=ticket.unit.lineage_ids), is_active=True
    )


def render_macro(*, ticket: Ticket, actor: User, macro_id: str) -> str:
    """The macro's text for this ticket ({{ ticket.number }}, {{ customer.name }},
    {{ agent.name }} …); only plain values go into the template context. An unknown macro
    renders as empty text, a broken template as its raw text."""
    macro = (
        macros_for(ticket).filter(pk=macro_id).only("body").first() if macro_id.isdigit() else None
    )
    if macro is None:
        return ""
    customer = ticket.customer
    values: dict[str, Any] = {
        "ticket": {
            "number": ticket.number,
            "title": ticket.title,
            "reference": ticket.reference,
            "status": ticket.get_status_display(),
            "type": ticket.get_type_display(),
        },
        "customer": {"name": customer.name if customer else ticket.contact_name},
        "agent": {"name": actor.label},
    }
    try:
        return str(Template(macro.body).render(Context(values)))
    except TemplateSyntaxError:
        return macro.body
