"""Row locks on tickets: every write service works on a locked, freshly read row."""

from __future__ import annotations

from kefu.core.errors import NotFound
from kefu.tickets.models import Ticket


def lock_ticket(pk: int) -> Ticket:
    """Read ticket `pk` with its row locked until the surrounding transaction ends
    (SELECT … FOR UPDATE on PostgreSQL; SQLite serialises writers anyway).

    Only the ticket row is locked, not the joined unit."""
    ticket = (
        Ticket.objects.select_for_update(of=("self",)).select_related("unit").filter(pk=pk).first()
    )
    if ticket is None:
        raise NotFound()
    return ticket
