from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from kefu.core.choices import Role
from kefu.core.models import AuditEvent
from kefu.sla.models import SlaPolicy
from kefu.tickets.choices import EventKind, SlaState
from kefu.tickets.errors import InvalidReceivedAt
from kefu.tickets.models import RoutingRule, Ticket
from kefu.tickets.services.intake import create_ticket

SH = ZoneInfo("Asia/Shanghai")


def test_create_numbers_routes_and_starts_clocks(org, make_user):
    agent = make_user(Role.AGENT, org.east)
    SlaPolicy.objects.create(
        name="投诉",
        order=1,
        ticket_type="complaint",
        first_response_minutes=24 * 60,
        resolution_minutes=48 * 60,
    )
    RoutingRule.objects.create(
        name="破损→质量部", order=1, keywords=["破损"], department=org.quality_hq, priority="high"
    )
    now = datetime(2026, 9, 30, 17, 0, tzinfo=SH)
    ticket = create_ticket(
        actor=agent,
        unit=org.shanghai,
        type="complaint",
        channel="phone",
        title="到货外箱破损",
        description="客户说外箱破损",
        now=now,
    )
    assert ticket.number == "KF202609300001"
    assert ticket.department == org.quality_hq
    assert ticket.priority == "high"
    assert ticket.first_contact_owner == agent
    assert ticket.sla_state == SlaState.ON_TRACK
    # 24 business hours from 2026-09-30 17:00: 1 h + Oct 8 + Oct 9 + make-up Saturday Oct 10
    assert ticket.first_response_due == datetime(2026, 10, 10, 17, 0, tzinfo=SH)
    kinds = list(ticket.events.values_list("kind", flat=True))
    assert kinds == [EventKind.CREATED, EventKind.CLASSIFIED]
    assert AuditEvent.objects.filter(action="ticket.create").count() == 1
    second = create_ticket(
        actor=agent, unit=org.shanghai, type="enquiry", channel="phone", title="咨询", now=now
    )
    assert second.number == "KF202609300002"


def test_received_at_rules(org, make_user):
    agent = make_user(Role.AGENT, org.east)
    supervisor = make_user(Role.SUPERVISOR, org.east)
    now = datetime(2026, 11, 23, 10, 0, tzinfo=SH)
    with pytest.raises(InvalidReceivedAt):
        create_ticket(
            actor=agent,
            unit=org.shanghai,
            type="enquiry",
            channel="phone",
            title="x",
            received_at=now + timedelta(hours=1),
            now=now,
        )
    with pytest.raises(InvalidReceivedAt):
        create_ticket(
            actor=agent,
            unit=org.shanghai,
            type="enquiry",
            channel="phone",
            title="x",
            received_at=now - timedelta(hours=3),
            now=now,
        )
    assert Ticket.objects.count() == 0
    ticket = create_ticket(
        actor=supervisor,
        unit=org.shanghai,
        type="enquiry",
        channel="phone",
        title="x",
        received_at=now - timedelta(hours=3),
        now=now,
    )
    assert ticket.received_at == now - timedelta(hours=3)


def test_call_ticket_creates_the_caller_with_the_ticket_or_neither(org, make_user):
    from kefu.customers.models import Customer
    from kefu.tickets.services.intake import create_call_ticket

    agent = make_user(Role.AGENT, org.east)
    now = datetime(2026, 11, 23, 10, 0, tzinfo=SH)
    with pytest.raises(InvalidReceivedAt):
        create_call_ticket(
            actor=agent,
            unit=org.shanghai,
            new_customer_name="周先生",
            phone="139 0000 1111",
            type="repair",
            channel="phone",
            title="空调不制冷",
            received_at=now - timedelta(hours=5),
            now=now,
        )
    assert (Customer.objects.count(), Ticket.objects.count()) == (0, 0)
    ticket = create_call_ticket(
        actor=agent,
        unit=org.shanghai,
        new_customer_name="周先生",
        phone="139 0000 1111",
        type="repair",
        channel="phone",
        title="空调不制冷",
        now=now,
    )
    assert ticket.customer is not None
    assert ticket.customer.name == "周先生"
    assert list(ticket.customer.phones.values_list("number", flat=True)) == ["13900001111"]
    assert (ticket.contact_name, ticket.contact_phone) == ("周先生", "13900001111")
