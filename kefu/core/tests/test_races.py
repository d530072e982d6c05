"""Races: two agents saving one ticket (the stale one gets 409 and nothing is lost), ticket
numbers drawn by many threads at once, and revisit generation run twice at the same moment.

The thread tests need PostgreSQL's row locks; SQLite serialises writers itself, so there they
are skipped and the sequential tests (same outcome, one request after the other) still run.
Points never going negative under concurrent redemption is proven by
kefu/members/tests/test_points.py::test_concurrent_redeems_never_overdraw (PostgreSQL)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.db import connection, connections

from kefu.core.choices import Role
from kefu.core.tests.fixtures import ApiClient
from kefu.core.tests.ui_client import UiClient
from kefu.customers.services import create_customer
from kefu.revisits.models import RevisitTask
from kefu.revisits.services import generate_for_plan, save_plan
from kefu.revisits.tests.fixtures import make_script
from kefu.tickets.models import Ticket, TicketEvent
from kefu.tickets.services.intake import create_ticket
from kefu.tickets.services.work import change_status

SH = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 23, 10, 0, tzinfo=SH)


def _require_row_locks() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("thread races need PostgreSQL's row locks; SQLite serialises writers itself")


def _in_threads(n: int, work: Callable[[int], Any]) -> list[Any]:
    """Run work(0..n-1) in n threads released together; results (or exceptions) by index."""
    barrier = threading.Barrier(n)
    results: list[Any] = [None] * n

    def run(i: int) -> None:
        try:
            barrier.wait(timeout=10)
            results[i] = work(i)
        except Exception as exc:
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return results


def _ticket(org: Any, actor: Any, title: str = "查询订单") -> Ticket:
    return create_ticket(
        actor=actor, unit=org.shanghai, type="enquiry", channel="phone", title=title
    )


def _field_events(ticket: Ticket) -> list[tuple[int | None, Any]]:
    rows = TicketEvent.objects.filter(ticket=ticket, kind="fields").order_by("pk")
    return [(e.actor_id, e.data) for e in rows]


def _patch(client: ApiClient, ticket: Ticket, title: str, version: int) -> Any:
    return client.patch(
        f"/api/v1/tickets/{ticket.pk}", {"title": title}, **{"If-Match": f'"{version}"'}
    )


def _assert_one_winner(ticket: Ticket, responses: dict[str, Any], users: dict[str, Any]) -> None:
    codes = sorted(r.status_code for r in responses.values())
    assert codes == [200, 409]
    winner = next(k for k, r in responses.items() if r.status_code == 200)
    loser = next(k for k, r in responses.items() if r.status_code == 409)
    assert responses[loser].json()["code"] == "ticket_stale"
    ticket.refresh_from_db()
    assert ticket.title == f"{winner} 的标题"
    events = _field_events(ticket)
    assert len(events) == 1
    assert events[0][0] == users[winner].pk
    assert f"{loser} 的标题" not in str(events[0][1])


@pytest.mark.django_db
def test_stale_patch_is_409_and_changes_nothing(org: Any, make_user: Any) -> None:
    users = {n: make_user(Role.AGENT, org.east, username=n) for n in ("甲", "乙")}
    ticket = _ticket(org, users["甲"])
    version = ticket.version
    responses = {n: _patch(ApiClient(u), ticket, f"{n} 的标题", version) for n, u in users.items()}
    _assert_one_winner(ticket, responses, users)
    assert responses["甲"].status_code == 200  # first come, first served


@pytest.mark.django_db(transaction=True)
def test_two_agents_patch_at_once_exactly_one_wins(org: Any, make_user: Any) -> None:
    _require_row_locks()
    users = {n: make_user(Role.AGENT, org.east, username=n) for n in ("甲", "乙")}
    ticket = _ticket(org, users["甲"])
    clients = {n: ApiClient(u) for n, u in users.items()}
    names = list(users)
    out = _in_threads(
        2, lambda i: _patch(clients[names[i]], ticket, f"{names[i]} 的标题", ticket.version)
    )
    assert not [r for r in out if isinstance(r, Exception)], out
    _assert_one_winner(ticket, dict(zip(names, out, strict=True)), users)


def _reply(client: UiClient, ticket: Ticket, body: str, version: int) -> Any:
    return client.post(
        f"/tickets/{ticket.pk}/reply/", {"body": body, "mode": "reply", "version": version}
    )


def _check_ui_race(ticket: Ticket, responses: dict[str, Any]) -> None:
    codes = sorted(r.status_code for r in responses.values())
    assert codes == [302, 409]
    loser = next(k for k, r in responses.items() if r.status_code == 409)
    winner = next(k for k, r in responses.items() if r.status_code == 302)
    html = responses[loser].content.decode()
    assert "Someone else changed this ticket" in html
    assert f"{loser}的回复草稿</textarea>" in html  # the stale text is kept in the form
    bodies = list(TicketEvent.objects.filter(ticket=ticket, kind="reply").values_list("body"))
    assert bodies == [(f"{winner}的回复草稿",)]


@pytest.mark.django_db
def test_stale_ui_reply_keeps_the_text_and_writes_nothing(org: Any, make_user: Any) -> None:
    users = {n: make_user(Role.AGENT, org.east, username=n) for n in ("甲", "乙")}
    ticket = _ticket(org, users["甲"])
    version = ticket.version
    responses = {
        n: _reply(UiClient(u), ticket, f"{n}的回复草稿", version) for n, u in users.items()
    }
    _check_ui_race(ticket, responses)


@pytest.mark.django_db
def test_stale_ui_details_save_is_refused_with_a_message(org: Any, make_user: Any) -> None:
    agent = make_user(Role.AGENT, org.east, username="甲")
    ticket = _ticket(org, agent)
    stale = ticket.version
    _patch(ApiClient(agent), ticket, "先改了标题", stale)
    client = UiClient(agent)
    response = client.post(
        f"/tickets/{ticket.pk}/details/",
        {"priority": "urgent", "category": "", "reference": "REF-9", "version": stale},
        follow=True,
    )
    assert "Someone else changed this ticket just now" in response.content.decode()
    ticket.refresh_from_db()
    assert (ticket.priority, ticket.reference) != ("urgent", "REF-9")
    assert len(_field_events(ticket)) == 1  # only the title change


@pytest.mark.django_db(transaction=True)
def test_two_agents_reply_at_once_one_is_told_and_keeps_text(org: Any, make_user: Any) -> None:
    _require_row_locks()
    users = {n: make_user(Role.AGENT, org.east, username=n) for n in ("甲", "乙")}
    ticket = _ticket(org, users["甲"])
    clients = {n: UiClient(u) for n, u in users.items()}
    for c in clients.values():
        c._token()  # fetch the CSRF cookie before the race
    names = list(users)
    out = _in_threads(
        2, lambda i: _reply(clients[names[i]], ticket, f"{names[i]}的回复草稿", ticket.version)
    )
    assert not [r for r in out if isinstance(r, Exception)], out
    _check_ui_race(ticket, dict(zip(names, out, strict=True)))


@pytest.mark.django_db(transaction=True)
def test_concurrent_ticket_numbers_are_unique_and_gap_free(org: Any, make_user: Any) -> None:
    _require_row_locks()
    agent = make_user(Role.AGENT, org.east)
    n = 8
    out = _in_threads(
        n,
        lambda i: (
            create_ticket(
                actor=agent,
                unit=org.shanghai,
                type="enquiry",
                channel="phone",
                title=f"并发 {i}",
                now=NOW,
            ).number
        ),
    )
    assert not [r for r in out if isinstance(r, Exception)], out
    assert sorted(out) == [f"KF20261123{i:04d}" for i in range(1, n + 1)]
    assert Ticket.objects.filter(number__startswith="KF20261123").count() == n


@pytest.mark.django_db(transaction=True)
def test_concurrent_revisit_generation_makes_one_task_per_customer(
    org: Any, make_user: Any, admin_user: Any
) -> None:
    _require_row_locks()
    agent = make_user(Role.AGENT, org.east)
    plan = save_plan(
        actor=admin_user,
        fields={
            "name": "售后回访",
            "kind": "after_resolution",
            "params": {"business_days": 1, "ticket_types": ["repair"], "sampling_rate": 1.0},
            "script": make_script(admin_user),
            "unit": org.east,
        },
        pool=[agent],
    )
    for i in range(3):
        customer = create_customer(
            actor=admin_user, unit=org.shanghai, name=f"客户{i}", phones=[f"1370000000{i}"]
        )
        t = create_ticket(
            actor=admin_user,
            unit=org.shanghai,
            type="repair",
            channel="phone",
            title=f"维修 {i}",
            customer=customer,
        )
        change_status(actor=admin_user, ticket=t, status="resolved", now=NOW - timedelta(days=10))
    out = _in_threads(4, lambda i: generate_for_plan(actor=None, plan=plan, now=NOW))
    assert not [r for r in out if isinstance(r, Exception)], out
    assert sum(out) == 3
    tasks = list(RevisitTask.objects.filter(plan=plan).values_list("customer_id", "key"))
    assert len(tasks) == 3
    assert len({c for c, _k in tasks}) == 3
