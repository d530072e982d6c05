"""Append-only timeline writer: every change on a ticket leaves one of these."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from kefu.core.models import User
from kefu.tickets.models import Ticket, TicketEvent


def add_event(
    *,
    ticket: Ticket,
    kind: str,
    actor: User | None,
    body: str = "",
    is_public: bool = False,
    data: dict[str, Any] | None = None,
    next_follow_up_at: datetime | None = None,
    message_id: str = "",
) -> TicketEvent:
    """Call inside the service's transaction."""
    label = ""
    if actor is not None and getattr(actor, "pk", None):
        label = actor.display_name or actor.username
    return TicketEvent.objects.create(
        ticket=ticket,
        kind=kind,
        actor=actor if label else None,
        actor_label=label or "system",
        body=body,
        is_public=is_public,
        data=data or {},
        next_follow_up_at=next_follow_up_at,
        message_id=message_id,
    )
