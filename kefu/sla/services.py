"""SLA clocks: choose a policy, compute due times in business (or natural) time."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from django.db.models import Q

from kefu.core.services.calendar import add_business_time, calendar_for_unit
from kefu.sla.models import SlaPolicy
from kefu.tickets.choices import SlaState
from kefu.tickets.models import Ticket


def match_policy(ticket: Ticket) -> SlaPolicy | None:
    grade = ticket.customer.grade if ticket.customer is not None else ""
    return (
        SlaPolicy.objects.filter(is_active=True)
        .filter(Q(ticket_type="") | Q(ticket_type=ticket.type))
        .filter(Q(priority="") | Q(priority=ticket.priority))
        .filter(Q(channel="") | Q(channel=ticket.channel))
        .filter(Q(customer_grade="") | Q(customer_grade=grade))
        .order_by("order", "pk")
        .first()
    )


def _due(
    ticket: Ticket, policy: SlaPolicy, start: datetime, minutes: int | None
) -> datetime | None:
    if minutes is None:
        return None
    if not policy.business_time:
        return start + timedelta(minutes=minutes)
    calendar = calendar_for_unit(ticket.unit)
    return add_business_time(start, timedelta(minutes=minutes), calendar).due


def start_clocks(*, ticket: Ticket, now: datetime) -> None:
    """Set the policy and due times on a new ticket (caller saves, inside its transaction).
    The clocks start when the customer made contact (`received_at`)."""
    policy = ticket.sla_policy if ticket.sla_policy_id else match_policy(ticket)
    if policy is None:
        ticket.sla_state = SlaState.NONE
        return
    ticket.sla_policy = policy
    start = ticket.received_at
    ticket.first_response_due = _due(ticket, policy, start, policy.first_response_minutes)
    ticket.resolution_due = _due(ticket, policy, start, policy.resolution_minutes)
    dues = [d for d in (ticket.first_response_due, ticket.resolution_due) if d is not None]
    ticket.sla_state = SlaState.ON_TRACK if dues else SlaState.NONE
    ticket.next_sla_check_at = min(dues) if dues else None


def on_first_response(*, ticket: Ticket, now: datetime) -> None:
    """A customer-visible reply: the first-response clock stops (caller saves)."""
    if ticket.first_responded_at is None:
        ticket.first_responded_at = now
    _refresh_next_check(ticket)


def pause(*, ticket: Ticket, now: datetime) -> None:
    """Waiting on the customer: clocks stop running (caller saves)."""
    if ticket.sla_paused_at is None and ticket.sla_state != SlaState.NONE:
        ticket.sla_paused_at = now
        ticket.sla_state = SlaState.PAUSED
        ticket.next_sla_check_at = None


def resume(*, ticket: Ticket, now: datetime) -> None:
    """The customer answered: open due times move later by the paused (business) time."""
    paused_at = ticket.sla_paused_at
    if paused_at is None:
        return
    ticket.sla_paused_at = None
    policy = ticket.sla_policy
    if policy is not None and policy.business_time:
        from kefu.core.services.calendar import business_time_between

        shift = timedelta(
            seconds=business_time_between(paused_at, now, calendar_for_unit(ticket.unit)).seconds
        )
        move = _business_shifter(ticket, shift)
    else:
        delta = now - paused_at

        def move(d: datetime) -> datetime:
            return d + delta

    if ticket.first_responded_at is None and ticket.first_response_due is not None:
        ticket.first_response_due = move(ticket.first_response_due)
    if ticket.resolution_due is not None:
        ticket.resolution_due = move(ticket.resolution_due)
    if ticket.next_response_due is not None:
        ticket.next_response_due = move(ticket.next_response_due)
    ticket.sla_state = SlaState.BREACHED if ticket.sla_breached_at else SlaState.ON_TRACK
    _refresh_next_check(ticket)


def _business_shifter(ticket: Ticket, shift: timedelta) -> Callable[[datetime], datetime]:
    calendar = calendar_for_unit(ticket.unit)

    def move(d: datetime) -> datetime:
        return add_business_time(d, shift, calendar).due

    return move


def stop(*, ticket: Ticket, now: datetime) -> None:
    """Resolved or closed: nothing more is due (caller saves)."""
    ticket.sla_paused_at = None
    ticket.next_sla_check_at = None
    if ticket.sla_state in (SlaState.ON_TRACK, SlaState.WARNING, SlaState.PAUSED):
        ticket.sla_state = SlaState.ON_TRACK if ticket.sla_policy_id else SlaState.NONE


def _refresh_next_check(ticket: Ticket) -> None:
    dues = [ticket.resolution_due, ticket.next_response_due]
    if ticket.first_responded_at is None:
        dues.append(ticket.first_response_due)
    pending = [d for d in dues if d is not None]
    ticket.next_sla_check_at = min(pending) if pending else None
