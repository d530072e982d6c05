"""Prohibition alerts (禁令): each fires once per occasion and reaches assignee + supervisor."""

from __future__ import annotations

from datetime import datetime
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command

from kefu.core.choices import Role
from kefu.sla.alerts import scan_prohibitions
from kefu.sla.models import Alert
from kefu.tickets.choices import EventKind, Status
from kefu.tickets.models import Ticket, TicketEvent
from kefu.tickets.services.intake import create_ticket

SH = ZoneInfo("Asia/Shanghai")


def at(y: int, mo: int, d: int, h: int = 0, mi: int = 0) -> datetime:
    return datetime(y, mo, d, h, mi, tzinfo=SH)


@pytest.fixture
def people(org, make_user):
    agent = make_user(Role.AGENT, org.east, username="agent")
    make_user(Role.SUPERVISOR, org.east, username="sup")
    return agent


def _ticket(agent, unit, now, **kw):
    kw.setdefault("type", "enquiry")
    t = create_ticket(actor=agent, unit=unit, channel="phone", title="问题", now=now, **kw)
    # events are stamped with the real clock; put the timeline at the replayed time
    TicketEvent.objects.filter(ticket=t).update(created_at=now)
    Ticket.objects.filter(pk=t.pk).update(assignee=agent)
    t.refresh_from_db()
    return t


def _alerts(ticket):
    return list(ticket.events.filter(kind=EventKind.ALERT).values_list("data__alert", flat=True))


def test_follow_up_passed_once_per_date(org, people):
    ticket = _ticket(people, org.shanghai, at(2026, 11, 23, 9, 0))
    Ticket.objects.filter(pk=ticket.pk).update(next_follow_up_at=at(2026, 11, 23, 10, 0))
    assert scan_prohibitions(now=at(2026, 11, 23, 10, 0)).follow_up_passed == 0
    result = scan_prohibitions(now=at(2026, 11, 23, 10, 1))
    assert (result.follow_up_passed, result.alerts) == (1, 2)
    assert set(Alert.objects.values_list("user__username", "kind")) == {
        ("agent", "follow_up_passed"),
        ("sup", "follow_up_passed"),
    }
    again = scan_prohibitions(now=at(2026, 11, 23, 11, 0))
    assert (again.follow_up_passed, again.alerts) == (0, 0)
    assert _alerts(ticket) == ["follow_up_passed"]
    # a new follow-up date that passes again is a new occasion
    Ticket.objects.filter(pk=ticket.pk).update(next_follow_up_at=at(2026, 11, 23, 12, 0))
    assert scan_prohibitions(now=at(2026, 11, 23, 12, 30)).follow_up_passed == 1
    # closed tickets don't alert
    Ticket.objects.filter(pk=ticket.pk).update(
        status=Status.CLOSED, next_follow_up_at=at(2026, 11, 23, 13, 0)
    )
    assert scan_prohibitions(now=at(2026, 11, 23, 14, 0)).follow_up_passed == 0


def test_complaint_with_no_reply(org, people, settings):
    settings.KEFU_TRACKING_BUSINESS_HOURS = 100
    complaint = _ticket(people, org.shanghai, at(2026, 11, 23, 9, 0), type="complaint")
    answered = _ticket(people, org.shanghai, at(2026, 11, 23, 9, 0), type="complaint")
    Ticket.objects.filter(pk=answered.pk).update(first_responded_at=at(2026, 11, 23, 10, 0))
    assert complaint.first_response_due == at(2026, 11, 25, 18, 0)  # 24 working hours
    before = scan_prohibitions(now=at(2026, 11, 25, 18, 0))
    assert before.complaint_no_reply == 0
    result = scan_prohibitions(now=at(2026, 11, 25, 18, 1))
    assert result.complaint_no_reply == 1
    assert _alerts(complaint) == ["complaint_no_reply"]
    assert _alerts(answered) == []
    assert scan_prohibitions(now=at(2026, 11, 27, 9, 0)).complaint_no_reply == 0


def test_tracking_not_done_in_time(org, people, settings):
    settings.KEFU_TRACKING_BUSINESS_HOURS = 4
    quiet = _ticket(people, org.shanghai, at(2026, 11, 20, 15, 0))  # a Friday
    waiting = _ticket(people, org.shanghai, at(2026, 11, 20, 15, 0))
    Ticket.objects.filter(pk=waiting.pk).update(status=Status.PENDING)
    # Fri 15:00 + 4 working hours = Mon 10:00 (the weekend doesn't count)
    assert scan_prohibitions(now=at(2026, 11, 23, 10, 0)).tracking_late == 0
    assert scan_prohibitions(now=at(2026, 11, 23, 10, 1)).tracking_late == 1
    assert scan_prohibitions(now=at(2026, 11, 23, 15, 0)).tracking_late == 0  # once
    assert _alerts(quiet) == ["tracking_late"]
    # tracking resumes, then stops again: a new occasion
    TicketEvent.objects.create(ticket=quiet, kind=EventKind.NOTE, body="called back")
    TicketEvent.objects.filter(ticket=quiet, kind=EventKind.NOTE).update(
        created_at=at(2026, 11, 23, 11, 0)
    )
    assert scan_prohibitions(now=at(2026, 11, 23, 15, 0)).tracking_late == 0
    assert scan_prohibitions(now=at(2026, 11, 23, 16, 1)).tracking_late == 1
    assert _alerts(quiet) == ["tracking_late", "tracking_late"]
    assert _alerts(waiting) == []


def test_command_runs_alerts(org, people):
    ticket = _ticket(people, org.shanghai, at(2026, 11, 23, 9, 0))
    Ticket.objects.filter(pk=ticket.pk).update(next_follow_up_at=at(2026, 11, 23, 10, 0))
    out = StringIO()
    call_command("sla_scan", "--now", "2026-11-23T10:30:00+08:00", stdout=out)
    assert "1 follow-ups passed" in out.getvalue()
    assert _alerts(ticket) == ["follow_up_passed"]


def test_alerted_occasions_never_crowd_out_new_ones(org, people, monkeypatch):
    from kefu.sla import alerts

    monkeypatch.setattr(alerts, "LIMIT", 1)
    first = _ticket(people, org.shanghai, at(2026, 11, 23, 9, 0))
    second = _ticket(people, org.shanghai, at(2026, 11, 23, 9, 0))
    Ticket.objects.filter(pk__in=[first.pk, second.pk]).update(
        next_follow_up_at=at(2026, 11, 23, 10, 0)
    )
    assert scan_prohibitions(now=at(2026, 11, 23, 10, 5)).follow_up_passed == 1
    assert scan_prohibitions(now=at(2026, 11, 23, 10, 6)).follow_up_passed == 1
    assert scan_prohibitions(now=at(2026, 11, 23, 10, 7)).follow_up_passed == 0
    assert (_alerts(first), _alerts(second)) == (["follow_up_passed"], ["follow_up_passed"])
