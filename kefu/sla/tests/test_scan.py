"""The breach scan replayed at chosen times: warning → breach (level 1) → level 2."""

from __future__ import annotations

from datetime import datetime
from io import StringIO
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from kefu.core.choices import Role
from kefu.core.navigation import notification_count
from kefu.sla.bell import list_alerts, mark_alerts_read
from kefu.sla.models import Alert, SlaPolicy
from kefu.sla.scan import scan_sla
from kefu.tickets.choices import EventKind, SlaState
from kefu.tickets.models import Ticket, TicketEvent
from kefu.tickets.services.intake import create_ticket

SH = ZoneInfo("Asia/Shanghai")
SLA_KINDS = [EventKind.SLA_WARNING, EventKind.SLA_BREACH, EventKind.ESCALATION]


def at(y: int, mo: int, d: int, h: int = 0, mi: int = 0) -> datetime:
    return datetime(y, mo, d, h, mi, tzinfo=SH)


@pytest.fixture
def people(org, make_user):
    agent = make_user(Role.AGENT, org.east, username="agent")
    supervisor = make_user(Role.SUPERVISOR, org.east, username="sup")
    make_user(Role.SUPERVISOR, org.hq, username="hq-sup")  # farther up: not told
    manager = make_user(Role.MANAGER, org.hq, username="mgr")
    return agent, supervisor, manager


def _ticket(agent, now, **kw):
    kw.setdefault("type", "complaint")
    t = create_ticket(
        actor=agent,
        unit=agent.assignments.get().unit.children.get(code="S-SH1"),
        channel="phone",
        title="破损",
        now=now,
        **kw,
    )
    Ticket.objects.filter(pk=t.pk).update(assignee=agent)
    return t


def _kinds(ticket):
    return list(ticket.events.filter(kind__in=SLA_KINDS).values_list("kind", "data__level"))


def test_warning_breach_escalation_replayed(people):
    agent, supervisor, manager = people
    SlaPolicy.objects.create(name="首响", order=1, first_response_minutes=24 * 60)
    ticket = _ticket(agent, at(2026, 9, 30, 17, 0))
    assert ticket.next_sla_check_at == at(2026, 10, 10, 11, 12)

    assert scan_sla(now=at(2026, 10, 10, 11, 11)).checked == 0
    result = scan_sla(now=at(2026, 10, 10, 11, 12))
    assert (result.checked, result.warnings, result.breaches, result.alerts) == (1, 1, 0, 1)
    ticket.refresh_from_db()
    assert ticket.sla_state == SlaState.WARNING
    assert ticket.sla_warned_at == at(2026, 10, 10, 11, 12)
    assert ticket.next_sla_check_at == at(2026, 10, 10, 17, 0)
    assert _kinds(ticket) == [(EventKind.SLA_WARNING, None)]
    assert list(Alert.objects.values_list("user__username", "kind")) == [("agent", "sla_warning")]

    again = scan_sla(now=at(2026, 10, 10, 11, 12))  # idempotent
    assert (again.checked, again.warnings) == (0, 0)

    result = scan_sla(now=at(2026, 10, 10, 17, 0))
    assert (result.breaches, result.escalations) == (1, 1)
    ticket.refresh_from_db()
    assert (ticket.sla_state, ticket.escalation_level) == (SlaState.BREACHED, 1)
    assert ticket.sla_breached_at == at(2026, 10, 10, 17, 0)
    # half the target (12 working hours) later: Oct 10 1 h, Mon Oct 12 8 h, Oct 13 3 h
    assert ticket.next_sla_check_at == at(2026, 10, 13, 12, 0)
    assert set(Alert.objects.filter(kind="sla_escalation").values_list("user__username")) == {
        ("sup",)
    }

    out = StringIO()
    call_command("sla_scan", "--now", "2026-10-13T12:00:00+08:00", "--no-alerts", stdout=out)
    assert "1 escalations" in out.getvalue()
    ticket.refresh_from_db()
    assert (ticket.escalation_level, ticket.next_sla_check_at) == (2, None)
    assert _kinds(ticket) == [
        (EventKind.SLA_WARNING, None),
        (EventKind.SLA_BREACH, None),
        (EventKind.ESCALATION, 1),
        (EventKind.ESCALATION, 2),
    ]
    assert list(
        Alert.objects.filter(kind="sla_escalation").order_by("pk").values_list("user__username")
    ) == [("sup",), ("mgr",)]
    assert scan_sla(now=at(2026, 10, 20, 12, 0)).checked == 0


def test_late_scan_reports_breach_not_warning(people, settings):
    settings.KEFU_SLA_SECOND_ESCALATION_MINUTES = 60
    agent, _, _ = people
    SlaPolicy.objects.create(name="首响", order=1, first_response_minutes=120)
    ticket = _ticket(agent, at(2026, 11, 23, 9, 0))
    result = scan_sla(now=at(2026, 11, 23, 11, 30))
    assert (result.warnings, result.breaches, result.escalations) == (0, 1, 1)
    ticket.refresh_from_db()
    assert ticket.next_sla_check_at == at(2026, 11, 23, 12, 0)  # 1 working hour after 11:00
    result = scan_sla(now=at(2026, 11, 24, 9, 0))
    assert (result.breaches, result.escalations) == (0, 1)


def test_first_response_in_time_means_no_breach(people):
    from kefu.sla import services as sla

    agent, _, _ = people
    SlaPolicy.objects.create(
        name="p", order=1, first_response_minutes=120, resolution_minutes=8 * 60
    )
    ticket = _ticket(agent, at(2026, 11, 23, 9, 0))
    assert scan_sla(now=at(2026, 11, 23, 10, 36)).warnings == 1
    ticket.refresh_from_db()
    sla.on_first_response(ticket=ticket, now=at(2026, 11, 23, 10, 50))
    ticket.save()
    assert ticket.sla_state == SlaState.ON_TRACK
    # next: resolution warning, 96 min before Nov 23 18:00
    assert ticket.next_sla_check_at == at(2026, 11, 23, 16, 24)
    assert scan_sla(now=at(2026, 11, 23, 11, 0)).checked == 0


def test_paused_and_resolved_tickets_are_not_scanned(people):
    from kefu.sla import services as sla

    agent, _, _ = people
    SlaPolicy.objects.create(name="p", order=1, first_response_minutes=60)
    paused = _ticket(agent, at(2026, 11, 23, 9, 0))
    sla.pause(ticket=paused, now=at(2026, 11, 23, 9, 10))
    paused.save()
    assert scan_sla(now=at(2026, 11, 30, 9, 0)).checked == 0


def test_scan_queries_do_not_grow_with_tickets_not_due(people):
    agent, _, _ = people
    SlaPolicy.objects.create(name="p", order=1, first_response_minutes=60)

    def queries(extra_not_due: int) -> int:
        for _ in range(extra_not_due):
            _ticket(agent, at(2026, 11, 23, 17, 0))  # due tomorrow
        due = _ticket(agent, at(2026, 11, 23, 9, 0))
        with CaptureQueriesContext(connection) as ctx:
            result = scan_sla(now=at(2026, 11, 23, 10, 0))
        assert (result.checked, result.breaches) == (1, 1)
        Ticket.objects.filter(pk=due.pk).update(next_sla_check_at=None)
        return len(ctx.captured_queries)

    Alert.objects.all().delete()
    few = queries(2)
    many = queries(30)
    assert few == many


def test_batches_process_everything_due(people):
    agent, _, _ = people
    SlaPolicy.objects.create(name="p", order=1, first_response_minutes=60)
    for _ in range(7):
        _ticket(agent, at(2026, 11, 23, 9, 0))
    result = scan_sla(now=at(2026, 11, 23, 10, 0), batch_size=3)
    assert (result.checked, result.breaches) == (7, 7)
    assert scan_sla(now=at(2026, 11, 23, 10, 0), batch_size=3).checked == 0


def test_bell_counts_unread_alerts(people):
    agent, _, _ = people
    SlaPolicy.objects.create(name="p", order=1, first_response_minutes=60)
    _ticket(agent, at(2026, 11, 23, 9, 0))
    _ticket(agent, at(2026, 11, 23, 9, 0))
    scan_sla(now=at(2026, 11, 23, 9, 48))
    request = RequestFactory().get("/")
    request.user = agent
    assert notification_count(request) == 2
    first = list_alerts(agent)[0]
    assert mark_alerts_read(actor=agent, ids=[first.pk]) == 1
    assert notification_count(request) == 1
    assert mark_alerts_read(actor=agent) == 1
    assert notification_count(request) == 0


def test_command_parses_now(people):
    out = StringIO()
    call_command("sla_scan", "--now", "2026-11-23T10:00:00", stdout=out)
    assert "2026-11-23T10:00:00+08:00" in out.getvalue()
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("sla_scan", "--now", "yesterday")


def test_through_the_ticket_services(people):
    """Reply → customer writes → next-response clock → breach; waiting on the customer
    pauses the scan."""
    from kefu.tickets.services.conversation import add_customer_message, add_reply
    from kefu.tickets.services.work import change_status

    agent, _, _ = people
    SlaPolicy.objects.create(
        name="p", order=1, first_response_minutes=60, next_response_minutes=120
    )
    ticket = _ticket(agent, at(2026, 11, 23, 9, 0))
    ticket.refresh_from_db()
    add_reply(actor=agent, ticket=ticket, body="收到", now=at(2026, 11, 23, 9, 30))
    ticket.refresh_from_db()
    assert (ticket.first_responded_at, ticket.next_sla_check_at) == (at(2026, 11, 23, 9, 30), None)
    add_customer_message(ticket=ticket, body="还没好", now=at(2026, 11, 23, 10, 0))
    ticket.refresh_from_db()
    assert ticket.next_response_due == at(2026, 11, 23, 12, 0)  # 2 working hours
    assert ticket.next_sla_check_at == at(2026, 11, 23, 11, 36)
    result = scan_sla(now=at(2026, 11, 23, 13, 0))
    assert (result.warnings, result.breaches) == (0, 1)
    add_reply(actor=agent, ticket=ticket, body="处理中", now=at(2026, 11, 23, 13, 5))
    ticket.refresh_from_db()
    assert (ticket.next_response_due, ticket.next_sla_check_at) == (None, None)
    assert ticket.sla_state == SlaState.BREACHED  # a missed target stays on record
    add_customer_message(ticket=ticket, body="?", now=at(2026, 11, 23, 14, 0))
    ticket.refresh_from_db()
    change_status(actor=agent, ticket=ticket, status="pending", now=at(2026, 11, 23, 14, 10))
    ticket.refresh_from_db()
    assert ticket.next_sla_check_at is None
    assert scan_sla(now=at(2026, 11, 30, 9, 0)).checked == 0


def test_periodic_job_every_minute(people):
    from datetime import timedelta

    from kefu.core.schedule import periodic_jobs
    from kefu.sla.tasks import prohibition_scan, sla_scan

    jobs = {j.name: j for j in periodic_jobs()}
    assert (jobs["sla.scan"].every, jobs["sla.scan"].task) == (timedelta(minutes=1), sla_scan)
    assert jobs["sla.alerts"].task == prohibition_scan
    assert jobs["sla.alerts"].every == timedelta(minutes=10)
    agent, _, _ = people
    SlaPolicy.objects.create(name="p", order=1, first_response_minutes=60)
    _ticket(agent, at(2026, 1, 5, 9, 0))  # long overdue by the real clock
    result = sla_scan.call()
    assert (result["checked"], result["breaches"]) == (1, 1)
    assert prohibition_scan.call()["complaint_no_reply"] == 1


needs_real_db = pytest.mark.skipif(
    connection.vendor == "sqlite", reason="threads need a shared database (PostgreSQL)"
)


def _in_threads(n: int, fn: Any) -> list[Any]:
    import threading

    from django.db import connections

    barrier = threading.Barrier(n)
    results: list[Any] = [None] * n

    def worker(i: int) -> None:
        try:
            barrier.wait(timeout=10)
            results[i] = fn(i)
        except Exception as exc:  # pragma: no cover - reported by the assertions
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return results


@needs_real_db
@pytest.mark.django_db(transaction=True)
def test_concurrent_scans_process_each_ticket_once(people):
    agent, _, _ = people
    SlaPolicy.objects.create(name="p", order=1, first_response_minutes=60)
    for _ in range(40):
        _ticket(agent, at(2026, 11, 23, 9, 0))
    results = _in_threads(4, lambda i: scan_sla(now=at(2026, 11, 23, 10, 0), batch_size=5))
    assert all(not isinstance(r, Exception) for r in results), results
    assert sum(r.checked for r in results) == 40
    assert sum(r.breaches for r in results) == 40
    assert TicketEvent.objects.filter(kind=EventKind.SLA_BREACH).count() == 40


@needs_real_db
@pytest.mark.django_db(transaction=True)
def test_concurrent_rota_picks_share_the_work(org, make_user):
    from kefu.core.models import DepartmentMembership
    from kefu.tickets.models import RoutingRule

    people = [make_user(Role.AGENT, org.east) for _ in range(3)]
    for person in people:
        DepartmentMembership.objects.create(user=person, department=org.cs_east)
    RoutingRule.objects.create(name="rota", order=1, department=org.cs_east, assign_strategy="rota")

    def create(i: int) -> int | None:
        t = create_ticket(
            actor=people[0],
            unit=org.shanghai,
            type="enquiry",
            channel="phone",
            title=f"并发{i}",
            now=at(2026, 11, 23, 9, 0),
        )
        return t.assignee_id

    picks = _in_threads(6, create)
    assert sorted(picks) == sorted([p.pk for p in people] * 2), picks


def test_escalations_go_to_the_group_robots_when_one_is_set_up(people):
    from kefu.notifications.models import ChannelConfig, OutboxMessage

    agent = people[0]
    SlaPolicy.objects.create(name="首响", order=1, first_response_minutes=24 * 60)
    quiet = _ticket(agent, at(2026, 9, 30, 17, 0))
    assert scan_sla(now=at(2026, 10, 10, 17, 0)).escalations == 1
    assert not OutboxMessage.objects.exists()  # no robot: nothing posted
    ChannelConfig.objects.create(channel="wecom", endpoint="http://127.0.0.1:9/hook")
    loud = _ticket(agent, at(2026, 9, 30, 17, 0))
    assert scan_sla(now=at(2026, 10, 10, 17, 0)).escalations == 1
    posted = OutboxMessage.objects.get()
    assert (posted.channel, posted.related_id) == ("wecom", str(loud.pk))
    assert loud.number in posted.body
    assert quiet.number not in posted.body


def test_scan_queries_do_not_grow_with_tickets_due(people):
    """One batch costs the same statements for 2 or 20 due tickets: no per-ticket query
    (deferred columns, units, policies, alerts and events are all read or written per
    batch)."""
    agent, supervisor, _ = people
    SlaPolicy.objects.create(name="p", order=1, first_response_minutes=60)

    def queries(due: int, day: int) -> int:
        tickets = [_ticket(agent, at(2026, 11, day, 9, 0)) for _ in range(due)]
        with CaptureQueriesContext(connection) as ctx:
            result = scan_sla(now=at(2026, 11, day, 10, 0))
        assert (result.checked, result.breaches, result.escalations) == (due, due, due)
        for t in tickets:
            assert _kinds(t) == [(EventKind.SLA_BREACH, None), (EventKind.ESCALATION, 1)]
            assert Alert.objects.filter(user=supervisor, ticket=t).count() == 1
        Ticket.objects.filter(pk__in=[t.pk for t in tickets]).update(next_sla_check_at=None)
        return len(ctx.captured_queries)

    assert queries(2, 23) == queries(20, 24)
