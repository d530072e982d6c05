from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from kefu.core.choices import Role
from kefu.core.errors import NotFound, PermissionDenied, ValidationFailed
from kefu.core.models import AuditEvent
from kefu.sla.models import SlaPolicy
from kefu.tickets.choices import EventKind, SlaState, Status
from kefu.tickets.errors import StaleTicket, TransitionRefused
from kefu.tickets.models import Complaint, Ticket, TicketEvent
from kefu.tickets.services import work
from kefu.tickets.services.intake import create_ticket

SH = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 23, 10, 0, tzinfo=SH)  # a Monday


def _ticket(actor, unit, **kw):
    kw.setdefault("type", "enquiry")
    kw.setdefault("channel", "phone")
    kw.setdefault("title", "查询订单")
    kw.setdefault("now", NOW)
    return create_ticket(actor=actor, unit=unit, **kw)


@pytest.fixture
def natural_policy(db):
    return SlaPolicy.objects.create(
        name="自然时",
        order=1,
        first_response_minutes=60,
        resolution_minutes=24 * 60,
        business_time=False,
    )


def test_assign_self_and_others(org, make_user):
    agent = make_user(Role.AGENT, org.east)
    other = make_user(Role.AGENT, org.east)
    sup = make_user(Role.SUPERVISOR, org.east)
    t = _ticket(agent, org.shanghai)
    assert t.version == 1
    work.assign_ticket(actor=agent, ticket=t, assignee=agent)
    assert t.assignee == agent
    assert t.version == 2
    with pytest.raises(PermissionDenied):
        work.assign_ticket(actor=agent, ticket=t, assignee=other)
    assert Ticket.objects.get(pk=t.pk).assignee_id == agent.pk
    work.assign_ticket(actor=sup, ticket=t, assignee=other, expected_version=2)
    t.refresh_from_db()
    assert (t.assignee_id, t.version) == (other.pk, 3)
    events = list(t.events.filter(kind=EventKind.ASSIGNED).values_list("data", flat=True))
    assert events == [{"from": None, "to": agent.pk}, {"from": agent.pk, "to": other.pk}]
    assert AuditEvent.objects.filter(action="ticket.assign").count() == 2


def test_assignee_must_work_in_unit(org, make_user):
    sup = make_user(Role.SUPERVISOR, org.east)
    southerner = make_user(Role.AGENT, org.south)
    t = _ticket(sup, org.shanghai)
    with pytest.raises(ValidationFailed):
        work.assign_ticket(actor=sup, ticket=t, assignee=southerner)
    assert t.events.filter(kind=EventKind.ASSIGNED).count() == 0


def test_stale_version_refused_and_leaves_nothing(org, make_user):
    agent = make_user(Role.AGENT, org.east)
    t = _ticket(agent, org.shanghai)
    work.add_note(actor=agent, ticket=t, body="内部备注")
    with pytest.raises(StaleTicket) as exc:
        work.add_note(actor=agent, ticket=t, body="second", expected_version=1)
    assert exc.value.status_code == 409
    assert exc.value.details == {"version": 2}
    assert t.events.filter(kind=EventKind.NOTE).count() == 1


def test_other_region_agent_cannot_touch(org, make_user):
    east = make_user(Role.AGENT, org.east)
    south = make_user(Role.AGENT, org.south)
    auditor = make_user(Role.AUDITOR, org.east)
    t = _ticket(east, org.shanghai)
    with pytest.raises(NotFound):
        work.add_reply(actor=south, ticket=t, body="hi", now=NOW)
    with pytest.raises(PermissionDenied):
        work.add_note(actor=auditor, ticket=t, body="hi")
    assert t.events.count() == 1
    assert Ticket.objects.get(pk=t.pk).version == 1


def test_transfer_keeps_first_contact_owner(org, make_user):
    agent = make_user(Role.AGENT, org.east)
    hq_agent = make_user(Role.AGENT, org.hq)
    t = _ticket(agent, org.shanghai, department=org.cs_east)
    work.assign_ticket(actor=agent, ticket=t, assignee=agent)
    work.transfer_ticket(
        actor=agent, ticket=t, department=org.quality_hq, assignee=hq_agent, reason="质量问题"
    )
    t.refresh_from_db()
    assert t.department == org.quality_hq
    assert t.assignee == hq_agent
    assert t.first_contact_owner == agent
    ev = t.events.get(kind=EventKind.TRANSFERRED)
    assert ev.body == "质量问题"
    assert ev.data == {
        "from_department": org.cs_east.pk,
        "to_department": org.quality_hq.pk,
        "from_queue": None,
        "to_queue": None,
        "from_assignee": agent.pk,
        "to_assignee": hq_agent.pk,
        "reason": "质量问题",
    }


def test_reply_sets_first_response_and_queues_mail(org, make_user, natural_policy, monkeypatch):
    sent: list[TicketEvent] = []
    monkeypatch.setattr("kefu.tickets.mailout.queue_reply_mail", sent.append)
    agent = make_user(Role.AGENT, org.east)
    t = _ticket(agent, org.shanghai)
    assert t.first_response_due == NOW + timedelta(hours=1)
    later = NOW + timedelta(minutes=20)
    event = work.add_reply(actor=agent, ticket=t, body="您好，已为您查询。", now=later)
    t.refresh_from_db()
    assert event.is_public
    assert event.kind == EventKind.REPLY
    assert t.first_responded_at == later
    assert t.status == Status.OPEN
    assert t.next_sla_check_at is not None
    assert t.next_sla_check_at > later
    assert sent == [event]
    work.add_reply(actor=agent, ticket=t, body="再次回复", now=later + timedelta(hours=1))
    t.refresh_from_db()
    assert t.first_responded_at == later


def test_empty_reply_refused(org, make_user):
    agent = make_user(Role.AGENT, org.east)
    t = _ticket(agent, org.shanghai)
    with pytest.raises(ValidationFailed):
        work.add_reply(actor=agent, ticket=t, body="   ")
    assert t.events.count() == 1


def test_status_pending_pauses_and_customer_message_resumes(org, make_user, natural_policy):
    agent = make_user(Role.AGENT, org.east)
    t = _ticket(agent, org.shanghai)
    work.change_status(actor=agent, ticket=t, status="pending", now=NOW + timedelta(hours=2))
    t.refresh_from_db()
    assert t.sla_state == SlaState.PAUSED
    assert t.sla_paused_at == NOW + timedelta(hours=2)
    assert t.next_sla_check_at is None
    ev = work.add_customer_message(ticket=t, body="补充信息", now=NOW + timedelta(hours=5))
    t.refresh_from_db()
    assert ev.is_public
    assert ev.actor is None
    assert t.status == Status.OPEN
    assert t.sla_paused_at is None
    assert t.sla_state == SlaState.ON_TRACK
    # three paused hours move the due times
    assert t.resolution_due == NOW + timedelta(hours=27)
    assert t.first_response_due == NOW + timedelta(hours=4)
    kinds = list(t.events.values_list("kind", flat=True))
    assert kinds[-3:] == [EventKind.STATUS, EventKind.CUSTOMER_MESSAGE, EventKind.STATUS]


def test_resolve_close_and_refused_transitions(org, make_user, natural_policy):
    agent = make_user(Role.AGENT, org.east)
    t = _ticket(agent, org.shanghai)
    with pytest.raises(TransitionRefused) as exc:
        work.change_status(actor=agent, ticket=t, status="new")
    assert exc.value.code == "status_transition_refused"
    with pytest.raises(ValidationFailed):
        work.change_status(actor=agent, ticket=t, status="bogus")
    resolved_at = NOW + timedelta(hours=3)
    work.change_status(actor=agent, ticket=t, status="resolved", now=resolved_at)
    t.refresh_from_db()
    assert t.status == "resolved"
    assert t.resolved_at == resolved_at
    assert t.next_sla_check_at is None
    work.change_status(actor=agent, ticket=t, status="open", now=NOW + timedelta(hours=4))
    t.refresh_from_db()
    assert t.resolved_at is None
    closed_at = NOW + timedelta(hours=5)
    work.change_status(actor=agent, ticket=t, status="closed", now=closed_at)
    t.refresh_from_db()
    assert t.status == "closed"
    assert t.closed_at == closed_at
    assert t.resolved_at == closed_at
    with pytest.raises(TransitionRefused):
        work.change_status(actor=agent, ticket=t, status="open")
    assert t.events.filter(kind=EventKind.STATUS).count() == 3
    assert AuditEvent.objects.filter(action="ticket.status").count() == 3


def test_customer_message_reopens_resolved(org, make_user):
    agent = make_user(Role.AGENT, org.east)
    t = _ticket(agent, org.shanghai)
    work.change_status(actor=agent, ticket=t, status="resolved", now=NOW)
    work.add_customer_message(ticket=t, body="还没解决", message_id="<a@b>", now=NOW)
    t.refresh_from_db()
    assert t.status == Status.OPEN
    assert t.resolved_at is None
    assert TicketEvent.objects.get(ticket=t, kind=EventKind.CUSTOMER_MESSAGE).message_id == "<a@b>"


def test_log_call_and_follow_up(org, make_user, natural_policy):
    agent = make_user(Role.AGENT, org.east)
    t = _ticket(agent, org.shanghai)
    at = NOW + timedelta(days=1)
    ev = work.log_call(
        actor=agent,
        ticket=t,
        body="回电客户",
        direction="outbound",
        next_follow_up_at=at,
        now=NOW + timedelta(minutes=5),
    )
    t.refresh_from_db()
    assert ev.data == {"direction": "outbound"}
    assert t.first_responded_at == NOW + timedelta(minutes=5)
    assert t.next_follow_up_at == at
    with pytest.raises(ValidationFailed):
        work.log_call(actor=agent, ticket=t, body="x", direction="sideways")
    with pytest.raises(ValidationFailed):
        work.schedule_follow_up(actor=agent, ticket=t, at=NOW - timedelta(hours=1), now=NOW)
    fu = work.schedule_follow_up(
        actor=agent, ticket=t, at=NOW + timedelta(days=2), note="回访", now=NOW
    )
    t.refresh_from_db()
    assert (fu.kind, fu.next_follow_up_at) == (EventKind.FOLLOW_UP, NOW + timedelta(days=2))
    assert t.next_follow_up_at == NOW + timedelta(days=2)


def test_update_ticket_fields(org, make_user):
    agent = make_user(Role.AGENT, org.east)
    t = _ticket(agent, org.shanghai)
    work.update_ticket(
        actor=agent,
        ticket=t,
        title="外箱破损",
        priority="high",
        type="complaint",
        expected_version=1,
    )
    t.refresh_from_db()
    assert (t.title, t.priority, t.type, t.version) == ("外箱破损", "high", "complaint", 2)
    assert Complaint.objects.filter(ticket=t).count() == 1
    ev = t.events.get(kind=EventKind.FIELDS)
    assert ev.data == {
        "title": ["查询订单", "外箱破损"],
        "priority": ["normal", "high"],
        "type": ["enquiry", "complaint"],
    }
    with pytest.raises(ValidationFailed):
        work.update_ticket(actor=agent, ticket=t, status="closed")
    with pytest.raises(ValidationFailed):
        work.update_ticket(actor=agent, ticket=t, priority="extreme")
    # no change: no event, no version bump
    work.update_ticket(actor=agent, ticket=t, title="外箱破损")
    t.refresh_from_db()
    assert t.version == 2
    assert t.events.filter(kind=EventKind.FIELDS).count() == 1


def test_bulk_assign_all_or_nothing(org, make_user):
    sup = make_user(Role.SUPERVISOR, org.east)
    agent = make_user(Role.AGENT, org.east)
    a = _ticket(sup, org.shanghai)
    b = _ticket(sup, org.shanghai)
    assert work.bulk_assign(actor=sup, tickets=[a, b], assignee=agent) == 2
    assert set(Ticket.objects.values_list("assignee_id", flat=True)) == {agent.pk}
    south_sup = make_user(Role.SUPERVISOR, org.south)
    c = _ticket(south_sup, org.guangzhou)
    with pytest.raises(NotFound):
        work.bulk_assign(actor=sup, tickets=[c, a], assignee=None)
    assert Ticket.objects.get(pk=a.pk).assignee_id == agent.pk


def test_customer_message_never_refused_for_length_or_emptiness(org, make_user):
    agent = make_user(Role.AGENT, org.east)
    t = _ticket(agent, org.shanghai)
    long = work.add_customer_message(ticket=t, body="长" * 300_000, now=NOW)
    assert len(long.body) == 200_000
    empty = work.add_customer_message(ticket=t, body="", now=NOW)
    assert empty.body == ""
    with pytest.raises(ValidationFailed):
        work.add_reply(actor=agent, ticket=t, body="长" * 20_001, now=NOW)
