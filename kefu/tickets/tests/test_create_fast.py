"""Ticket creation's fast path (issue 6): exact query counts, config kept in the process
and dropped on every change, and an answer built from the objects in hand that equals the
fetched ticket."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from kefu.core import config_cache
from kefu.core.choices import Role
from kefu.sla import services_config as policies
from kefu.sla.models import SlaPolicy
from kefu.tickets.choices import AssignStrategy, EventKind
from kefu.tickets.models import IdempotencyKey, Queue, RoutingRule, Ticket, TicketEvent
from kefu.tickets.services import routing_config as rules

URL = "/api/v1/tickets"


@pytest.fixture
def agent(org, make_user):
    return make_user(Role.AGENT, org.east)


@pytest.fixture
def manager(org, make_user):
    return make_user(Role.MANAGER, org.hq)


@pytest.fixture
def routed(org):
    """A rule that sends complaints to the east customer-service department and its queue,
    with an SLA policy on natural time."""
    policy = SlaPolicy.objects.create(
        name="投诉", order=1, first_response_minutes=30, resolution_minutes=600, business_time=False
    )
    queue = Queue.objects.create(name="投诉队列", department=org.cs_east)
    rule = RoutingRule.objects.create(
        name="投诉", order=1, types=["complaint"], department=org.cs_east, queue=queue
    )
    return rule, policy


def _body(n: int, **kw):
    body = {
        "type": "complaint",
        "channel": "phone",
        "title": f"快递破损 {n}",
        "description": "外箱破损，内件受损。",
        "contact_phone": "13800138000",
    }
    body.update(kw)
    return body


def _count(client, body, **headers):
    with CaptureQueriesContext(connection) as queries:
        r = client.post(URL, body, **headers)
    assert r.status_code == 201, r.content
    return len(queries.captured_queries), r


@pytest.mark.django_db
def test_create_query_count_is_exact(org, agent, api_as, routed):
    """Warm (second) create: token, scope, savepoint, counter (one UPDATE … RETURNING),
    ticket INSERT, two events, complaint, audit, release; no config reads, no ticket UPDATE, no
    re-fetch. (Outside a test's transaction the savepoint pair is BEGIN/COMMIT.)"""
    client = api_as(agent)
    _count(client, _body(0))  # the first create fills this process's config cache
    n, r = _count(client, _body(1))
    assert n == 10
    n_key, _ = _count(client, _body(2), **{"Idempotency-Key": "k-2"})
    assert n_key == 14  # + savepoint, key INSERT, release, key UPDATE with the ticket id
    ticket = Ticket.objects.get(pk=r.json()["id"])
    assert ticket.department_id == org.cs_east.pk
    assert ticket.first_response_due is not None


@pytest.mark.django_db
def test_create_answer_equals_the_fetched_ticket(org, agent, manager, api_as, routed):
    rule, _policy = routed
    RoutingRule.objects.filter(pk=rule.pk).update(assign_strategy=AssignStrategy.LEAST_LOAD)
    org_services_member(org, agent)
    received = (timezone.now() - timedelta(minutes=30)).astimezone(timezone.get_fixed_timezone(480))
    client = api_as(agent)
    r = client.post(URL, _body(1, received_at=received.isoformat()))
    assert r.status_code == 201, r.content
    fetched = client.get(f"{URL}/{r.json()['id']}")
    assert r.json() == fetched.json()
    assert r["ETag"] == fetched["ETag"] == '"1"'
    assert r.json()["assignee_id"] == agent.pk
    kinds = list(
        TicketEvent.objects.filter(ticket_id=r.json()["id"])
        .order_by("id")
        .values_list("kind", flat=True)
    )
    assert kinds == [EventKind.CREATED, EventKind.CLASSIFIED, EventKind.ASSIGNED]


def org_services_member(org, user):
    from kefu.core.models import DepartmentMembership

    DepartmentMembership.objects.get_or_create(user=user, department=org.cs_east)


@pytest.mark.django_db
def test_idempotent_replay_answers_like_the_first(org, agent, api_as, routed):
    client = api_as(agent)
    first = client.post(URL, _body(1), **{"Idempotency-Key": "same"})
    again = client.post(URL, _body(1), **{"Idempotency-Key": "same"})
    assert first.status_code == again.status_code == 201
    assert again["Idempotent-Replayed"] == "true"
    assert first.json() == again.json()
    assert IdempotencyKey.objects.get(key="same").ticket_id == first.json()["id"]
    assert Ticket.objects.count() == 1


@pytest.mark.django_db
def test_rule_change_through_the_service_is_seen_by_the_next_create(
    org, agent, manager, api_as, routed
):
    rule, _policy = routed
    client = api_as(agent)
    assert client.post(URL, _body(1)).json()["department_id"] == org.cs_east.pk
    rules.update_rule(actor=manager, rule=rule, department_id=org.cs_hq.pk, queue_id=None)
    assert client.post(URL, _body(2)).json()["department_id"] == org.cs_hq.pk
    rules.update_rule(actor=manager, rule=rule, is_active=False)
    assert client.post(URL, _body(3)).json()["department_id"] is None


@pytest.mark.django_db
def test_reorder_is_seen_by_the_next_create(org, agent, manager, api_as, routed):
    rule, _policy = routed
    other = RoutingRule.objects.create(
        name="全部", order=2, types=["complaint"], department=org.cs_hq
    )
    client = api_as(agent)
    assert client.post(URL, _body(1)).json()["department_id"] == org.cs_east.pk
    rules.reorder_rules(actor=manager, ids=[other.pk, rule.pk])
    assert client.post(URL, _body(2)).json()["department_id"] == org.cs_hq.pk


@pytest.mark.django_db
def test_policy_change_is_seen_by_the_next_create(org, agent, manager, api_as, routed):
    _rule, policy = routed
    client = api_as(agent)
    first = Ticket.objects.get(pk=client.post(URL, _body(1)).json()["id"])
    assert first.resolution_due is not None
    assert first.resolution_due - first.received_at == timedelta(minutes=600)
    policies.update_policy(actor=manager, policy=policy, resolution_minutes=120)
    second = Ticket.objects.get(pk=client.post(URL, _body(2)).json()["id"])
    assert second.resolution_due is not None
    assert second.resolution_due - second.received_at == timedelta(minutes=120)


@pytest.mark.django_db
def test_a_direct_save_is_seen_too(org, agent, api_as, routed):
    """The admin or a shell saves the model: the save signal drops the cache."""
    rule, _policy = routed
    client = api_as(agent)
    assert client.post(URL, _body(1)).json()["department_id"] == org.cs_east.pk
    rule.department = org.cs_hq
    rule.queue = None
    rule.save()
    assert client.post(URL, _body(2)).json()["department_id"] == org.cs_hq.pk


def test_another_process_change_drops_the_copy_after_the_check_interval(settings):
    """A write in another process changes the version key; this process sees it at its
    next check and loads again."""
    settings.KEFU_CALENDAR_CACHE_SECONDS = 0
    loads: list[int] = []

    def load() -> int:
        loads.append(1)
        return len(loads)

    assert config_cache.cached("test:key", load) == 1
    assert config_cache.cached("test:key", load) == 1
    cache.set(config_cache.VERSION_KEY, "written-elsewhere", None)
    assert config_cache.cached("test:key", load) == 2
    assert config_cache.cached("test:key", load) == 2
