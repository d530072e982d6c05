"""Outbound mail for ticket replies (threading headers). The email work implements the
sending task; services call `queue_reply_mail` inside their transaction."""

from __future__ import annotations

from kefu.tickets.models import TicketEvent


def queue_reply_mail(event: TicketEvent) -> None:
    """Queue the customer-visible reply `event` for delivery by mail after commit, when the
    ticket has a contact email. Implemented by the email intake/outbound work (issue 3 §3)."""
    return
