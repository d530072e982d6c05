"""SLA clocks: choose a policy, compute due times in business (or natural) time.

Every function here only sets fields on the ticket; the caller saves inside its transaction.

Targets: first response (from `received_at` until the first customer-visible reply), next
response (from a customer message until the next reply) and resolution (from `received_at`
until resolved). Each target has three milestones the scan acts on:
- warning, when only `1 - warn_ratio` of the target's time is left (the same as "at
  warn_ratio of the target" while nothing paused the clock);
- breach at the due time (escalation level 1, the supervisor);
- second escalation (level 2, the manager) `KEFU_SLA_SECOND_ESCALATION_MINUTES` after the
  breach, or half the target when that setting is unset.
`next_sla_check_at` is always the earliest milestone still ahead, so the scan only looks at
tickets whose next milestone has come (partial index on that column)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings

from kefu.core import config_cache
from kefu.core.errors import CalendarRangeError
from kefu.core.models import BusinessCalendar, OrgUnit
from kefu.core.services.calendar import (
    add_business_time,
    business_time_between,
    calendar_for_unit,
    compiled_calendar,
)
from kefu.sla.models import SlaPolicy
from kefu.tickets.choices import OPEN_STATUSES, SlaState
from kefu.tickets.models import Ticket

config_cache.watch(SlaPolicy, OrgUnit, BusinessCalendar)

FIRST_RESPONSE = "first_response"
NEXT_RESPONSE = "next_response"
RESOLUTION = "resolution"
WARNING = "warning"
BREACH = "breach"
ESCALATION_2 = "escalation_2"


@dataclass(frozen=True)
class Milestone:
    target: str  # FIRST_RESPONSE / NEXT_RESPONSE / RESOLUTION
    kind: str  # WARNING / BREACH / ESCALATION_2
    at: datetime
    due: datetime

    @property
    def key(self) -> str:
        """Stable identity, stored in the event's data: a re-armed target has a new due."""
        return f"sla:{self.target}:{self.kind}:{self.due.isoformat()}"


def _load_active_policies() -> tuple[SlaPolicy, ...]:
    return tuple(SlaPolicy.objects.filter(is_active=True).order_by("order", "pk"))


def active_policies() -> tuple[SlaPolicy, ...]:
    """Active policies in order; kept in this process (kefu.core.config_cache) until a
    policy changes. Read-only."""
    return config_cache.cached("sla:active_policies", _load_active_policies)


def match_policy(ticket: Ticket) -> SlaPolicy | None:
    """The first active policy (by order, then id) whose non-empty conditions all match."""
    grade = ticket.customer.grade if ticket.customer is not None else ""
    for policy in active_policies():
        if (
            policy.ticket_type in ("", ticket.type)
            and policy.priority in ("", ticket.priority)
            and policy.channel in ("", ticket.channel)
            and policy.customer_grade in ("", grade)
        ):
            return policy
    return None


def unit_calendar(unit: OrgUnit) -> BusinessCalendar:
    """calendar_for_unit, kept in this process until a unit or calendar changes."""
    return config_cache.cached(("sla:unit_calendar", unit.pk), lambda: calendar_for_unit(unit))


class Clock:
    """Time arithmetic for one ticket: the policy's mode and the unit's calendar."""

    def __init__(self, policy: SlaPolicy, calendar: BusinessCalendar | None) -> None:
        self.policy = policy
        self.calendar = calendar if policy.business_time else None

    def add(self, start: datetime, duration: timedelta) -> datetime:
        if self.calendar is None:
            return start + duration
        return add_business_time(start, duration, self.calendar).due

    def subtract(self, end: datetime, duration: timedelta) -> datetime:
        """The earliest moment from which `duration` of (working) time is left until `end`."""
        if self.calendar is None:
            return end - duration
        cal = compiled_calendar(self.calendar)
        seconds = int(duration.total_seconds())
        try:
            blk = cal.block_at(cal.to_ts(end))
            target = blk.worked_before(cal.to_ts(end)) - seconds
            while target <= 0:
                blk = cal.block(blk.year - 1)
                target += blk.total
            return cal.to_datetime(blk.moment(target, leave_at_end=True))
        except CalendarRangeError:
            return end - duration

    def between(self, a: datetime, b: datetime) -> timedelta:
        if self.calendar is None:
            return b - a
        return timedelta(seconds=business_time_between(a, b, self.calendar).seconds)


def clock_for(ticket: Ticket, cache: dict[int, BusinessCalendar] | None = None) -> Clock | None:
    policy = ticket.sla_policy
    if policy is None:
        return None
    if not policy.business_time:
        return Clock(policy, None)
    if cache is not None and ticket.unit_id in cache:
        return Clock(policy, cache[ticket.unit_id])
    calendar = unit_calendar(ticket.unit)
    if cache is not None:
        cache[ticket.unit_id] = calendar
    return Clock(policy, calendar)


def _minutes(policy: SlaPolicy, target: str) -> int | None:
    return {
        FIRST_RESPONSE: policy.first_response_minutes,
        NEXT_RESPONSE: policy.next_response_minutes,
        RESOLUTION: policy.resolution_minutes,
    }[target]


def second_escalation_after(target_minutes: int) -> timedelta:
    configured = getattr(settings, "KEFU_SLA_SECOND_ESCALATION_MINUTES", None)
    if configured:
        return timedelta(minutes=int(configured))
    return timedelta(minutes=target_minutes) / 2


def pending_targets(ticket: Ticket) -> list[tuple[str, datetime]]:
    """Targets whose clock still runs: (target, due)."""
    if ticket.status not in OPEN_STATUSES or ticket.sla_paused_at is not None:
        return []
    out: list[tuple[str, datetime]] = []
    if ticket.first_responded_at is None and ticket.first_response_due is not None:
        out.append((FIRST_RESPONSE, ticket.first_response_due))
    if ticket.next_response_due is not None:
        out.append((NEXT_RESPONSE, ticket.next_response_due))
    if ticket.resolution_due is not None:
        out.append((RESOLUTION, ticket.resolution_due))
    return out


def milestones(ticket: Ticket, clock: Clock) -> list[Milestone]:
    """Every milestone of every running target, in time order."""
    policy = clock.policy
    ratio = float(policy.warn_ratio)
    out: list[Milestone] = []
    for target, due in pending_targets(ticket):
        minutes = _minutes(policy, target) or 0
        left = timedelta(minutes=minutes) * (1 - ratio)
        if minutes and 0 < ratio < 1:
            out.append(Milestone(target, WARNING, clock.subtract(due, left), due))
        out.append(Milestone(target, BREACH, due, due))
        if minutes:
            later = clock.add(due, second_escalation_after(minutes))
            out.append(Milestone(target, ESCALATION_2, later, due))
    out.sort(key=lambda m: (m.at, m.kind != BREACH))
    return out


def refresh_next_check(ticket: Ticket, *, now: datetime | None, clock: Clock | None = None) -> None:
    """`next_sla_check_at` = the earliest milestone at or after `now` (any, when None)."""
    clock = clock or clock_for(ticket)
    if clock is None:
        ticket.next_sla_check_at = None
        return
    ahead = [m.at for m in milestones(ticket, clock) if now is None or m.at >= now]
    ticket.next_sla_check_at = min(ahead) if ahead else None


def start_clocks(*, ticket: Ticket, now: datetime) -> None:
    """Set the policy and due times on a new ticket. The clocks start when the customer made
    contact (`received_at`)."""
    policy = ticket.sla_policy if ticket.sla_policy_id else match_policy(ticket)
    if policy is None:
        ticket.sla_state = SlaState.NONE
        return
    ticket.sla_policy = policy
    clock = clock_for(ticket)
    assert clock is not None
    start = ticket.received_at
    if policy.first_response_minutes is not None:
        ticket.first_response_due = clock.add(
            start, timedelta(minutes=policy.first_response_minutes)
        )
    if policy.resolution_minutes is not None:
        ticket.resolution_due = clock.add(start, timedelta(minutes=policy.resolution_minutes))
    has_due = ticket.first_response_due is not None or ticket.resolution_due is not None
    ticket.sla_state = SlaState.ON_TRACK if has_due else SlaState.NONE
    refresh_next_check(ticket, now=None, clock=clock)


def _calm_state(ticket: Ticket) -> None:
    if ticket.sla_state == SlaState.WARNING:
        ticket.sla_state = SlaState.ON_TRACK


def on_first_response(*, ticket: Ticket, now: datetime) -> None:
    """A customer-visible reply: the first-response clock stops and any next-response
    target is met."""
    if ticket.first_responded_at is None:
        ticket.first_responded_at = now
    ticket.next_response_due = None
    _calm_state(ticket)
    refresh_next_check(ticket, now=now)


def on_customer_message(*, ticket: Ticket, now: datetime) -> None:
    """The customer wrote again: the next reply is due `next_response_minutes` from now
    (only once the first response was given; before that, the first-response clock runs)."""
    policy = ticket.sla_policy
    if policy is None or policy.next_response_minutes is None:
        return
    if ticket.first_responded_at is None or ticket.next_response_due is not None:
        return
    clock = clock_for(ticket)
    assert clock is not None
    ticket.next_response_due = clock.add(now, timedelta(minutes=policy.next_response_minutes))
    refresh_next_check(ticket, now=now, clock=clock)


def pause(*, ticket: Ticket, now: datetime) -> None:
    """Waiting on the customer: clocks stop running."""
    if ticket.sla_paused_at is None and ticket.sla_state != SlaState.NONE:
        ticket.sla_paused_at = now
        ticket.sla_state = SlaState.PAUSED
        ticket.next_sla_check_at = None


def resume(*, ticket: Ticket, now: datetime) -> None:
    """The customer answered: open due times move later by the paused (business) time. A
    pause that held no working time (a weekend) moves nothing."""
    paused_at = ticket.sla_paused_at
    if paused_at is None:
        return
    ticket.sla_paused_at = None
    clock = clock_for(ticket)
    if clock is None:
        return
    shift = clock.between(paused_at, now)
    if shift > timedelta(0):
        if ticket.first_responded_at is None and ticket.first_response_due is not None:
            ticket.first_response_due = clock.add(ticket.first_response_due, shift)
        if ticket.resolution_due is not None:
            ticket.resolution_due = clock.add(ticket.resolution_due, shift)
        if ticket.next_response_due is not None:
            ticket.next_response_due = clock.add(ticket.next_response_due, shift)
    ticket.sla_state = SlaState.BREACHED if ticket.sla_breached_at else SlaState.ON_TRACK
    refresh_next_check(ticket, now=now, clock=clock)


def stop(*, ticket: Ticket, now: datetime) -> None:
    """Resolved or closed: nothing more is due."""
    ticket.sla_paused_at = None
    ticket.next_sla_check_at = None
    if ticket.sla_state in (SlaState.ON_TRACK, SlaState.WARNING, SlaState.PAUSED):
        ticket.sla_state = SlaState.ON_TRACK if ticket.sla_policy_id else SlaState.NONE
