from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from kefu.core.choices import Role
from kefu.core.models import DepartmentMembership
from kefu.tickets.choices import AssignStrategy, EventKind, Status
from kefu.tickets.models import RotaPointer, RoutingRule, Ticket
from kefu.tickets.services.intake import create_ticket

SH = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 23, 10, 0, tzinfo=SH)


def _staff(make_user, department, unit, n, role=Role.AGENT):
    people = []
    for _ in range(n):
        user = make_user(role, unit)
        DepartmentMembership.objects.create(user=user, department=department)
        people.append(user)
    return people


def _rule(department, strategy):
    return RoutingRule.objects.create(
        name="assign", order=1, department=department, assign_strategy=strategy
    )


def _new(actor, unit, title="问题"):
    return create_ticket(
        actor=actor, unit=unit, type="enquiry", channel="phone", title=title, now=NOW
    )


def test_rota_is_fair_and_skips_off_duty(org, make_user, admin_user):
    a, b, c = _staff(make_user, org.cs_east, org.east, 3)
    _rule(org.cs_east, AssignStrategy.ROTA)
    picks = [_new(a, org.shanghai).assignee for _ in range(6)]
    assert picks == [a, b, c, a, b, c]
    b.on_duty = False
    b.save(update_fields=["on_duty"])
    picks = [_new(a, org.shanghai).assignee for _ in range(4)]
    assert picks == [a, c, a, c]
    assert RotaPointer.objects.get(department=org.cs_east).last_user == c
    ticket = Ticket.objects.order_by("-pk")[0]
    event = ticket.events.get(kind=EventKind.ASSIGNED)
    assert event.data == {"assignee": c.pk, "strategy": "rota"}


def test_candidates_need_membership_permission_and_active(org, make_user):
    (member,) = _staff(make_user, org.cs_east, org.east, 1)
    elsewhere = make_user(Role.AGENT, org.south)  # member, but no role above the ticket
    DepartmentMembership.objects.create(user=elsewhere, department=org.cs_east)
    auditor = make_user(Role.AUDITOR, org.east)  # member, role without WORK_TICKETS
    DepartmentMembership.objects.create(user=auditor, department=org.cs_east)
    make_user(Role.AGENT, org.east)  # not a member
    inactive = _staff(make_user, org.cs_east, org.east, 1)[0]
    inactive.is_active = False
    inactive.save(update_fields=["is_active"])
    _rule(org.cs_east, AssignStrategy.ROTA)
    assert {_new(member, org.shanghai).assignee for _ in range(3)} == {member}


def test_nobody_available_leaves_unassigned_with_event(org, make_user):
    (agent,) = _staff(make_user, org.cs_east, org.east, 1)
    agent.on_duty = False
    agent.save(update_fields=["on_duty"])
    _rule(org.cs_east, AssignStrategy.LEAST_LOAD)
    ticket = _new(agent, org.shanghai)
    assert ticket.assignee is None
    event = ticket.events.get(kind=EventKind.ASSIGNED)
    assert event.data["reason"] == "nobody_available"
    assert event.data["assignee"] is None


def test_least_load_counts_open_tickets_only(org, make_user):
    a, b = _staff(make_user, org.cs_east, org.east, 2)
    for _ in range(2):
        t = _new(a, org.shanghai)
        Ticket.objects.filter(pk=t.pk).update(assignee=a)
    done = _new(a, org.shanghai)
    Ticket.objects.filter(pk=done.pk).update(assignee=b, status=Status.CLOSED)
    t = _new(a, org.shanghai)
    Ticket.objects.filter(pk=t.pk).update(assignee=b)
    # a: 2 open, b: 1 open (+1 closed)
    _rule(org.cs_east, AssignStrategy.LEAST_LOAD)
    first = _new(a, org.shanghai)
    assert first.assignee == b
    second = _new(a, org.shanghai)  # now 2 : 2, the lower id wins
    assert second.assignee == a
    third = _new(a, org.shanghai)
    assert third.assignee == b


def test_no_strategy_leaves_ticket_alone(org, make_user):
    (agent,) = _staff(make_user, org.cs_east, org.east, 1)
    _rule(org.cs_east, AssignStrategy.NONE)
    ticket = _new(agent, org.shanghai)
    assert ticket.assignee is None
    assert not ticket.events.filter(kind=EventKind.ASSIGNED).exists()
