from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from kefu.core.choices import Role
from kefu.core.errors import NotFound, ValidationFailed
from kefu.core.models import DepartmentMembership
from kefu.customers.services import create_customer
from kefu.sla.models import SlaPolicy
from kefu.tickets.choices import SlaState
from kefu.tickets.models import Ticket
from kefu.tickets.selectors import get_ticket, list_tickets, ticket_events
from kefu.tickets.services import work
from kefu.tickets.services.intake import create_ticket

SH = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 23, 10, 0, tzinfo=SH)


def _t(actor, unit, title="查询", **kw):
    kw.setdefault("type", "enquiry")
    return create_ticket(actor=actor, unit=unit, channel="phone", title=title, now=NOW, **kw)


def _numbers(qs):
    return [t.number for t in qs]


@pytest.fixture
def world(org, make_user):
    SlaPolicy.objects.create(
        name="n", order=1, resolution_minutes=60, first_response_minutes=30, business_time=False
    )
    east = make_user(Role.AGENT, org.east)
    south = make_user(Role.AGENT, org.south)
    hq = make_user(Role.MANAGER, org.hq)
    a = _t(east, org.shanghai, "外箱破损", description="客户说纸箱压坏")
    b = _t(east, org.east, "发票", type="query", department=org.cs_east)
    c = _t(south, org.guangzhou, "广州投诉", type="complaint")
    return {"east": east, "south": south, "hq": hq, "a": a, "b": b, "c": c}


def test_scope(world):
    east, south, hq = world["east"], world["south"], world["hq"]
    assert _numbers(list_tickets(east)) == [world["a"].number, world["b"].number]
    assert _numbers(list_tickets(south)) == [world["c"].number]
    assert len(list_tickets(hq)) == 3
    with pytest.raises(NotFound):
        get_ticket(east, world["c"].pk)
    assert get_ticket(south, world["c"].pk) == world["c"]


def test_filters(org, world):
    east, a, b = world["east"], world["a"], world["b"]
    assert _numbers(list_tickets(east, type="query")) == [b.number]
    assert _numbers(list_tickets(east, unit=org.shanghai)) == [a.number]
    assert _numbers(list_tickets(east, unit=org.east.pk)) == [a.number, b.number]
    assert _numbers(list_tickets(east, department=org.cs_east.pk)) == [b.number]
    assert _numbers(list_tickets(east, q="纸箱")) == [a.number]
    assert _numbers(list_tickets(east, q=b.number.lower())) == [b.number]
    assert _numbers(list_tickets(east, q=world["c"].number)) == []
    work.assign_ticket(actor=east, ticket=a, assignee=east)
    assert _numbers(list_tickets(east, assignee="me")) == [a.number]
    assert _numbers(list_tickets(east, assignee="none")) == [b.number]
    work.change_status(actor=east, ticket=b, status="pending", now=NOW)
    assert _numbers(list_tickets(east, status="pending")) == [b.number]
    assert _numbers(list_tickets(east, status="new,open")) == [a.number]
    assert _numbers(list_tickets(east, queue_view="waiting")) == [b.number]
    assert _numbers(list_tickets(east, queue_view="mine")) == [a.number]
    assert _numbers(list_tickets(east, queue_view="unassigned")) == [b.number]
    with pytest.raises(ValidationFailed):
        list_tickets(east, status="bogus")
    with pytest.raises(ValidationFailed):
        list_tickets(east, queue_view="nope")


def test_phone_search_and_breach_filters(org, world):
    east = world["east"]
    customer = create_customer(actor=east, unit=org.shanghai, name="张三", phones=["13812345678"])
    t = _t(east, org.shanghai, "电话工单", customer=customer, contact_phone="021-5555 1234")
    assert _numbers(list_tickets(east, q="138 1234 5678")) == [t.number]
    assert _numbers(list_tickets(east, q="021 5555 1234")) == [t.number]
    assert _numbers(list_tickets(east, q="51234")) == [t.number]
    Ticket.objects.filter(pk=world["a"].pk).update(sla_breached_at=NOW, sla_state=SlaState.BREACHED)
    assert _numbers(list_tickets(east, breached=True)) == [world["a"].number]
    assert _numbers(list_tickets(east, queue_view="breached")) == [world["a"].number]
    assert world["a"].number not in _numbers(list_tickets(east, breached=False))
    due = list_tickets(east, due_before=NOW + timedelta(minutes=61))
    assert len(due) == 3
    assert len(list_tickets(east, due_before=NOW + timedelta(minutes=59))) == 0
    soon = list_tickets(east, queue_view="due_soon", now=NOW)
    assert world["a"].number not in _numbers(soon)
    assert world["b"].number in _numbers(soon)


def test_department_queue(org, world):
    east = world["east"]
    DepartmentMembership.objects.create(user=east, department=org.cs_east)
    assert _numbers(list_tickets(east, queue_view="department")) == [world["b"].number]


def test_order_by_resolution_due_then_id(org, world):
    east = world["east"]
    Ticket.objects.filter(pk=world["a"].pk).update(resolution_due=NOW + timedelta(days=2))
    Ticket.objects.filter(pk=world["b"].pk).update(resolution_due=None)
    later = _t(east, org.shanghai, "later")
    assert _numbers(list_tickets(east)) == [later.number, world["a"].number, world["b"].number]


def test_list_query_count_constant(org, world, django_assert_num_queries):
    east = world["east"]
    for i in range(5):
        _t(east, org.shanghai, f"more {i}")
    from kefu.core.selectors.scope import forget_scope

    forget_scope(east)
    # scope, the org tree (once per process), the list, then one query per relation the
    # rows point at (units, departments; no assignee, category, customer or queue here)
    with django_assert_num_queries(5):
        rows = list(list_tickets(east))
        for t in rows:
            _ = (t.unit.name, t.assignee, t.department, t.category, t.customer, t.queue)
    assert len(rows) == 7


def test_events(world):
    a, east = world["a"], world["east"]
    work.add_note(actor=east, ticket=a, body="内部")
    work.add_reply(actor=east, ticket=a, body="公开", now=NOW)
    kinds = [e.kind for e in ticket_events(a)]
    assert kinds == ["created", "note", "reply"]
    assert [e.body for e in ticket_events(a, public_only=True)] == ["公开"]
