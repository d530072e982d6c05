"""Idempotency-Key on every ticket write of the API other than create (create:
test_idempotency.py): a retry replays the first answer and writes nothing, a reused key
with another request is refused and writes nothing, keys are per user."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from kefu.core.choices import Role
from kefu.core.tests.fixtures import ApiClient
from kefu.tickets.models import Attachment, IdempotencyKey, Ticket, TicketEvent
from kefu.tickets.services.idempotency import purge_keys
from kefu.tickets.services.intake import create_ticket
from kefu.tickets.tests.complaint_fixtures import people
from kefu.tickets.tests.test_idempotency import _run_threads, needs_real_db

__all__ = ["people"]

URL = "/api/v1/tickets"
TOMORROW = (timezone.now() + timedelta(days=1)).replace(microsecond=0).isoformat()
LATER = (timezone.now() + timedelta(days=2)).replace(microsecond=0).isoformat()


def _cases() -> list[Any]:
    """(method, path, first body, another valid body); `me` is replaced by the agent's id."""
    return [
        pytest.param("post", "replies", {"body": "您好"}, {"body": "再次您好"}, id="reply"),
        pytest.param("post", "notes", {"body": "内部"}, {"body": "另一条"}, id="note"),
        pytest.param(
            "post", "calls", {"body": "回电", "direction": "outbound"}, {"body": "又回电"},
            id="call",
        ),
        pytest.param(
            "post", "follow-ups", {"at": TOMORROW, "note": "回访"}, {"at": LATER}, id="follow-up"
        ),
        pytest.param("post", "assign", {"assignee_id": "me"}, {"assignee_id": None}, id="assign"),
        pytest.param("post", "status", {"status": "pending"}, {"status": "open"}, id="status"),
        pytest.param("patch", "", {"title": "新标题"}, {"title": "又一个标题"}, id="patch"),
        pytest.param("post", "transfer", {"department_id": "qa"}, {"department_id": "cs"},
                     id="transfer"),
    ]  # fmt: skip


def _fill(body: dict[str, Any], agent: Any, org: Any) -> dict[str, Any]:
    values = {"me": agent.pk, "qa": org.quality_hq.pk, "cs": org.cs_east.pk}
    return {k: values.get(v, v) if isinstance(v, str) else v for k, v in body.items()}


@pytest.fixture
def agent(org: Any, make_user: Any) -> Any:
    """A supervisor: may assign and unassign."""
    return make_user(Role.SUPERVISOR, org.east)


@pytest.fixture
def ticket(org: Any, agent: Any) -> Ticket:
    return create_ticket(
        actor=agent, unit=org.shanghai, type="enquiry", channel="phone", title="重试"
    )


def _events(ticket: Ticket) -> int:
    return TicketEvent.objects.filter(ticket=ticket).count()


def _send(client: Any, method: str, ticket: Ticket, path: str, body: Any, key: str) -> Any:
    url = f"{URL}/{ticket.pk}/{path}" if path else f"{URL}/{ticket.pk}"
    return getattr(client, method)(url, body, **{"Idempotency-Key": key})


@pytest.mark.parametrize(("method", "path", "body", "other"), _cases())
def test_retry_replays_and_writes_once(org, agent, ticket, api_as, method, path, body, other):
    client = api_as(agent)
    body, other = _fill(body, agent, org), _fill(other, agent, org)
    before = _events(ticket)
    first = _send(client, method, ticket, path, body, "k-1")
    assert first.status_code in {200, 201}, first.json()
    assert first.headers["Idempotent-Replayed"] == "false"
    assert _events(ticket) == before + 1
    version = Ticket.objects.get(pk=ticket.pk).version

    again = _send(client, method, ticket, path, body, "k-1")
    assert again.status_code == first.status_code
    assert again.json() == first.json()
    assert again.headers["Idempotent-Replayed"] == "true"
    assert _events(ticket) == before + 1
    assert Ticket.objects.get(pk=ticket.pk).version == version

    refused = _send(client, method, ticket, path, other, "k-1")
    assert refused.status_code == 409
    assert refused.json()["code"] == "idempotency_key_reused"
    assert _events(ticket) == before + 1
    assert Ticket.objects.get(pk=ticket.pk).version == version

    fresh = _send(client, method, ticket, path, other, "k-2")
    assert fresh.status_code == first.status_code, fresh.json()
    assert fresh.headers["Idempotent-Replayed"] == "false"
    assert _events(ticket) == before + 2
    assert IdempotencyKey.objects.filter(user=agent).count() == 2


def test_same_key_on_another_ticket_or_operation_is_refused(org, agent, ticket, api_as):
    client = api_as(agent)
    other_ticket = create_ticket(
        actor=agent, unit=org.shanghai, type="enquiry", channel="phone", title="另一张"
    )
    assert _send(client, "post", ticket, "replies", {"body": "您好"}, "k").status_code == 201
    before = TicketEvent.objects.count()
    r = _send(client, "post", other_ticket, "replies", {"body": "您好"}, "k")
    assert (r.status_code, r.json()["code"]) == (409, "idempotency_key_reused")
    r = _send(client, "post", ticket, "notes", {"body": "您好"}, "k")
    assert (r.status_code, r.json()["code"]) == (409, "idempotency_key_reused")
    r = client.post(URL, {"type": "enquiry", "title": "新"}, **{"Idempotency-Key": "k"})
    assert (r.status_code, r.json()["code"]) == (409, "idempotency_key_reused")
    assert TicketEvent.objects.count() == before
    assert Ticket.objects.count() == 2


def test_keys_are_per_user_and_failed_writes_keep_no_key(org, agent, make_user, ticket, api_as):
    other = make_user(Role.AGENT, org.east)
    a = _send(api_as(agent), "post", ticket, "replies", {"body": "您好"}, "same")
    b = _send(api_as(other), "post", ticket, "replies", {"body": "您好"}, "same")
    assert a.status_code == b.status_code == 201
    assert a.json()["id"] != b.json()["id"]
    assert b.headers["Idempotent-Replayed"] == "false"
    stale = {"body": "旧版本", "expected_version": 1}
    r = _send(api_as(agent), "post", ticket, "notes", stale, "stale")
    assert r.status_code == 409
    assert r.json()["code"] == "ticket_stale"
    assert not IdempotencyKey.objects.filter(key="stale").exists()
    r = _send(api_as(agent), "post", ticket, "notes", {"body": "x"}, "x" * 201)
    assert r.status_code == 422
    assert IdempotencyKey.objects.count() == 2


def test_without_a_key_nothing_is_recorded(agent, ticket, api_as):
    r = api_as(agent).post(f"{URL}/{ticket.pk}/replies", {"body": "您好"})
    assert r.status_code == 201
    assert "Idempotent-Replayed" not in r.headers
    assert IdempotencyKey.objects.count() == 0


def test_attachment_upload_retry_stores_one_file(agent, ticket, api_as):
    client = api_as(agent)

    def upload(content: bytes, key: str) -> Any:
        file = SimpleUploadedFile("a.txt", content, content_type="text/plain")
        return client.client.post(
            f"{URL}/{ticket.pk}/attachments",
            {"file": file, "note": "单据"},
            headers={**client.headers, "Idempotency-Key": key},
        )

    first = upload(b"hello", "up-1")
    assert first.status_code == 201, first.json()
    again = upload(b"hello", "up-1")
    assert (again.status_code, again.json()) == (201, first.json())
    assert again.headers["Idempotent-Replayed"] == "true"
    assert Attachment.objects.filter(ticket=ticket).count() == 1
    refused = upload(b"other", "up-1")
    assert refused.json()["code"] == "idempotency_key_reused"
    assert Attachment.objects.filter(ticket=ticket).count() == 1


def test_purge_drops_old_keys_of_every_operation(agent, ticket, api_as):
    client = api_as(agent)
    _send(client, "post", ticket, "replies", {"body": "您好"}, "old-reply")
    client.post(URL, {"type": "enquiry", "title": "新"}, **{"Idempotency-Key": "old-create"})
    assert purge_keys(now=timezone.now() + timedelta(days=29)) == 0
    assert purge_keys(now=timezone.now() + timedelta(days=31)) == 2
    assert IdempotencyKey.objects.count() == 0


def test_complaint_transition_retry_replays(people: Any, api_as: Any) -> None:
    t = people.complaint()
    client = api_as(people.handler)
    url = f"{URL}/{t.pk}/transitions"
    body = {"action": "register", "demand": "换新", "version": 1}
    first = client.post(url, body, **{"Idempotency-Key": "c-1"})
    assert first.status_code == 200, first.json()
    assert first.json()["stage"] == "judge"
    events = _events(t)
    again = client.post(url, body, **{"Idempotency-Key": "c-1"})
    assert (again.status_code, again.json()) == (200, first.json())
    assert again.headers["Idempotent-Replayed"] == "true"
    refused = client.post(url, {**body, "demand": "退款"}, **{"Idempotency-Key": "c-1"})
    assert (refused.status_code, refused.json()["code"]) == (409, "idempotency_key_reused")
    assert _events(t) == events
    t.refresh_from_db()
    assert t.version == 2


def test_purge_runs_daily_as_a_periodic_job(agent, ticket, api_as):
    from kefu.core.schedule import periodic_jobs

    job = next(j for j in periodic_jobs() if j.name == "tickets.purge_idempotency_keys")
    assert job.every == timedelta(days=1)
    _send(api_as(agent), "post", ticket, "replies", {"body": "您好"}, "fresh")
    assert job.task.call() == 0
    assert IdempotencyKey.objects.count() == 1


def test_purge_keeping_time_comes_from_settings(agent, ticket, api_as, settings):
    from kefu.tickets.tasks import purge_idempotency_keys

    _send(api_as(agent), "post", ticket, "replies", {"body": "您好"}, "fresh")
    settings.KEFU_IDEMPOTENCY_KEY_DAYS = -1
    assert purge_idempotency_keys.call() == 1
    assert IdempotencyKey.objects.count() == 0


@needs_real_db
@pytest.mark.django_db(transaction=True)
def test_concurrent_retries_of_a_reply_write_one_event(org, make_user):
    agent = make_user(Role.SUPERVISOR, org.east)
    ticket = create_ticket(
        actor=agent, unit=org.shanghai, type="enquiry", channel="phone", title="并发重试"
    )
    clients = [ApiClient(agent) for _ in range(6)]
    url = f"{URL}/{ticket.pk}/replies"
    results = _run_threads(
        6, lambda i: clients[i].post(url, {"body": "同一条回复"}, **{"Idempotency-Key": "race"})
    )
    assert [getattr(r, "status_code", r) for r in results] == [201] * 6
    assert len({r.json()["id"] for r in results}) == 1
    assert sorted(r.headers["Idempotent-Replayed"] for r in results) == ["false"] + ["true"] * 5
    assert TicketEvent.objects.filter(ticket=ticket, kind="reply").count() == 1
    assert IdempotencyKey.objects.count() == 1
