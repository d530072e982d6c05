"""SLA maths: business vs natural time, the 2026 National Day holidays, the lunch break,
pauses, next-response targets. Standard calendar: Mon–Fri 09:00–12:00, 13:00–18:00."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from kefu.core.choices import Role
from kefu.sla import services as sla
from kefu.sla.models import SlaPolicy
from kefu.tickets.choices import SlaState
from kefu.tickets.services.intake import create_ticket

SH = ZoneInfo("Asia/Shanghai")


def at(y: int, mo: int, d: int, h: int = 0, mi: int = 0) -> datetime:
    return datetime(y, mo, d, h, mi, tzinfo=SH)


def _complaint(agent, unit, now, **kw):
    return create_ticket(
        actor=agent, unit=unit, type="complaint", channel="phone", title="投诉", now=now, **kw
    )


def test_default_policies_from_the_handbooks(db):
    rows = list(
        SlaPolicy.objects.order_by("order").values_list(
            "ticket_type",
            "channel",
            "first_response_minutes",
            "next_response_minutes",
            "resolution_minutes",
            "business_time",
        )
    )
    assert rows == [
        ("complaint", "", 1440, 1440, 2880, True),
        ("", "email", 1440, 1440, None, True),
        ("", "", 1440, None, None, True),
    ]


def test_complaint_defaults_across_national_day(org, make_user):
    agent = make_user(Role.AGENT, org.east)
    ticket = _complaint(agent, org.shanghai, at(2026, 9, 30, 17, 0))
    assert ticket.sla_policy.ticket_type == "complaint"
    # 1 h on Sep 30, Oct 1–7 holiday, Oct 8, Oct 9, make-up Saturday Oct 10
    assert ticket.first_response_due == at(2026, 10, 10, 17, 0)
    # 48 h: … Oct 10 17:00 (24 h) + Oct 10 1 h + Oct 12, 13 + 7 h on Oct 14
    assert ticket.resolution_due == at(2026, 10, 14, 17, 0)
    # the first milestone: warning with 20% (4 h 48 min) left, across the lunch break
    assert ticket.next_sla_check_at == at(2026, 10, 10, 11, 12)
    assert ticket.sla_state == SlaState.ON_TRACK


def test_natural_time_policy(org, make_user):
    agent = make_user(Role.AGENT, org.east)
    SlaPolicy.objects.create(
        name="自然时间",
        order=1,
        first_response_minutes=24 * 60,
        resolution_minutes=48 * 60,
        business_time=False,
    )
    ticket = _complaint(agent, org.shanghai, at(2026, 9, 30, 17, 0))
    assert ticket.first_response_due == at(2026, 10, 1, 17, 0)
    assert ticket.resolution_due == at(2026, 10, 2, 17, 0)
    assert ticket.next_sla_check_at == at(2026, 10, 1, 12, 12)  # 80% of 24 h


def test_lunch_break_and_received_at(org, make_user):
    supervisor = make_user(Role.SUPERVISOR, org.east)
    SlaPolicy.objects.create(name="一小时", order=1, first_response_minutes=60)
    ticket = _complaint(
        supervisor, org.shanghai, at(2026, 11, 23, 15, 0), received_at=at(2026, 11, 23, 11, 30)
    )
    assert ticket.first_response_due == at(2026, 11, 23, 13, 30)
    # warning with 12 minutes left
    assert ticket.next_sla_check_at == at(2026, 11, 23, 13, 18)


def _policy_ticket(agent, unit, now, **policy):
    SlaPolicy.objects.create(name="p", order=1, **policy)
    return _complaint(agent, unit, now)


def test_pause_resume_moves_by_business_time(org, make_user):
    agent = make_user(Role.AGENT, org.east)
    ticket = _policy_ticket(
        agent, org.shanghai, at(2026, 11, 20, 10, 0), first_response_minutes=16 * 60
    )
    assert ticket.first_response_due == at(2026, 11, 24, 10, 0)  # Fri 10:00 → Tue 10:00
    sla.pause(ticket=ticket, now=at(2026, 11, 20, 17, 0))
    assert (ticket.sla_state, ticket.next_sla_check_at) == (SlaState.PAUSED, None)
    sla.resume(ticket=ticket, now=at(2026, 11, 23, 10, 0))  # paused Fri 1 h + Mon 1 h
    assert ticket.first_response_due == at(2026, 11, 24, 12, 0)  # 2 working hours later
    assert ticket.sla_state == SlaState.ON_TRACK
    assert ticket.next_sla_check_at == at(2026, 11, 23, 17, 48)  # 3 h 12 min left


def test_pause_over_a_weekend_moves_nothing(org, make_user):
    agent = make_user(Role.AGENT, org.east)
    ticket = _policy_ticket(
        agent, org.shanghai, at(2026, 11, 20, 10, 0), first_response_minutes=16 * 60
    )
    due, check = ticket.first_response_due, ticket.next_sla_check_at
    sla.pause(ticket=ticket, now=at(2026, 11, 20, 18, 30))
    sla.resume(ticket=ticket, now=at(2026, 11, 22, 20, 0))
    assert (ticket.first_response_due, ticket.next_sla_check_at) == (due, check)


def test_pause_natural_time_moves_by_wall_clock(org, make_user):
    agent = make_user(Role.AGENT, org.east)
    ticket = _policy_ticket(
        agent,
        org.shanghai,
        at(2026, 11, 20, 10, 0),
        first_response_minutes=24 * 60,
        business_time=False,
    )
    sla.pause(ticket=ticket, now=at(2026, 11, 20, 12, 0))
    sla.resume(ticket=ticket, now=at(2026, 11, 22, 12, 0))
    assert ticket.first_response_due == at(2026, 11, 23, 10, 0)


def test_next_response_after_customer_message(org, make_user):
    agent = make_user(Role.AGENT, org.east)
    ticket = _policy_ticket(
        agent,
        org.shanghai,
        at(2026, 11, 23, 9, 0),
        first_response_minutes=60,
        next_response_minutes=120,
    )
    sla.on_customer_message(ticket=ticket, now=at(2026, 11, 23, 9, 30))
    assert ticket.next_response_due is None  # the first-response clock still runs
    sla.on_first_response(ticket=ticket, now=at(2026, 11, 23, 9, 40))
    assert ticket.first_responded_at == at(2026, 11, 23, 9, 40)
    assert ticket.next_sla_check_at is None
    sla.on_customer_message(ticket=ticket, now=at(2026, 11, 23, 11, 0))
    assert ticket.next_response_due == at(2026, 11, 23, 14, 0)  # 1 h + lunch + 1 h
    assert ticket.next_sla_check_at == at(2026, 11, 23, 13, 36)
    sla.on_customer_message(ticket=ticket, now=at(2026, 11, 23, 11, 30))
    assert ticket.next_response_due == at(2026, 11, 23, 14, 0)  # the earliest message counts
    sla.on_first_response(ticket=ticket, now=at(2026, 11, 23, 13, 0))
    assert ticket.first_responded_at == at(2026, 11, 23, 9, 40)
    assert (ticket.next_response_due, ticket.next_sla_check_at) == (None, None)


def test_stop_clears_the_check(org, make_user):
    agent = make_user(Role.AGENT, org.east)
    ticket = _complaint(agent, org.shanghai, at(2026, 11, 23, 9, 0))
    sla.stop(ticket=ticket, now=at(2026, 11, 23, 10, 0))
    assert ticket.next_sla_check_at is None
    assert ticket.sla_state == SlaState.ON_TRACK


def test_subtract_business_time_lands_before_a_holiday(db):
    from kefu.core.selectors.calendar import default_calendar

    clock = sla.Clock(SlaPolicy(business_time=True), default_calendar())
    assert clock.subtract(at(2026, 10, 8, 10, 0), timedelta(hours=2)) == at(2026, 9, 30, 17, 0)
    # the earliest moment with that much working time left: the lunch break doesn't count
    assert clock.subtract(at(2026, 11, 23, 13, 30), timedelta(minutes=30)) == at(
        2026, 11, 23, 12, 0
    )
    assert clock.subtract(at(2026, 11, 23, 13, 30), timedelta(minutes=31)) == at(
        2026, 11, 23, 11, 59
    )
