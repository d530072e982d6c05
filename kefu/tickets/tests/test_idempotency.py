from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import connection, connections

from kefu.core.choices import Role
from kefu.core.tests.fixtures import ApiClient
from kefu.tickets.models import IdempotencyKey, Ticket

URL = "/api/v1/tickets"
BODY = {"type": "enquiry", "title": "重试的请求", "contact_phone": "13812345678"}


def test_retry_returns_first_result(org, make_user, api_as):
    agent = make_user(Role.AGENT, org.east)
    client = api_as(agent)
    first = client.post(URL, BODY, **{"Idempotency-Key": "abc-1"})
    assert first.status_code == 201
    assert first.headers["Idempotent-Replayed"] == "false"
    again = client.post(URL, BODY, **{"Idempotency-Key": "abc-1"})
    assert again.status_code == 201
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.json()["id"] == first.json()["id"]
    assert again.json()["number"] == first.json()["number"]
    assert Ticket.objects.count() == 1
    assert IdempotencyKey.objects.get().ticket_id == first.json()["id"]


def test_same_key_other_body_refused(org, make_user, api_as):
    agent = make_user(Role.AGENT, org.east)
    client = api_as(agent)
    client.post(URL, BODY, **{"Idempotency-Key": "k"})
    r = client.post(URL, {**BODY, "title": "不同"}, **{"Idempotency-Key": "k"})
    assert r.status_code == 409
    assert r.json()["code"] == "idempotency_key_reused"
    assert Ticket.objects.count() == 1


def test_keys_are_per_user_and_failures_keep_nothing(org, make_user, api_as):
    a = make_user(Role.AGENT, org.east)
    b = make_user(Role.AGENT, org.east)
    r = api_as(a).post(URL, {**BODY, "type": "bogus"}, **{"Idempotency-Key": "same"})
    assert r.status_code == 422
    assert IdempotencyKey.objects.count() == 0
    ra = api_as(a).post(URL, BODY, **{"Idempotency-Key": "same"})
    rb = api_as(b).post(URL, BODY, **{"Idempotency-Key": "same"})
    assert ra.status_code == rb.status_code == 201
    assert ra.json()["id"] != rb.json()["id"]
    assert Ticket.objects.count() == 2
    r = api_as(a).post(URL, BODY, **{"Idempotency-Key": "x" * 201})
    assert r.status_code == 422


def _run_threads(n: int, fn: Any) -> list[Any]:
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


needs_real_db = pytest.mark.skipif(
    connection.vendor == "sqlite", reason="threads need a shared database (PostgreSQL)"
)


@needs_real_db
@pytest.mark.django_db(transaction=True)
def test_concurrent_retries_create_one_ticket(org, make_user):
    agent = make_user(Role.AGENT, org.east)
    clients = [ApiClient(agent) for _ in range(8)]
    results = _run_threads(8, lambda i: clients[i].post(URL, BODY, **{"Idempotency-Key": "race-1"}))
    codes = [getattr(r, "status_code", r) for r in results]
    assert codes == [201] * 8
    assert len({r.json()["id"] for r in results}) == 1
    assert Ticket.objects.count() == 1
    assert IdempotencyKey.objects.count() == 1


@needs_real_db
@pytest.mark.django_db(transaction=True)
def test_concurrent_creates_get_unique_numbers(org, make_user):
    agent = make_user(Role.AGENT, org.east)
    clients = [ApiClient(agent) for _ in range(10)]
    results = _run_threads(10, lambda i: clients[i].post(URL, {**BODY, "title": f"并发{i}"}))
    assert [getattr(r, "status_code", r) for r in results] == [201] * 10
    numbers = sorted(r.json()["number"] for r in results)
    assert len(set(numbers)) == 10
    assert [int(n[-4:]) for n in numbers] == list(range(1, 11))
