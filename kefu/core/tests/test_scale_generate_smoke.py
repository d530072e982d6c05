"""The scale generator (bench/generate.py) at a tiny size: counts, consistency, and the app
working on the generated data afterwards (no timing assertions)."""

from __future__ import annotations

import os
from typing import Any

import pytest
from django.core.management import call_command
from django.db.models import Count, Sum
from django.test import Client

from bench import generate
from kefu.core.models import User
from kefu.core.tests.fixtures import ApiClient
from kefu.customers.models import Customer, CustomerPhone
from kefu.members.models import Member, Purchase
from kefu.tickets.models import Ticket, TicketCounter, TicketEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo() -> dict[str, int]:
    with open(os.devnull, "w") as out:
        call_command("demo", seed=1, scale=1, stdout=out)
    return {
        "tickets": Ticket.objects.count(),
        "events": TicketEvent.objects.count(),
        "customers": Customer.objects.count(),
        "members": Member.objects.count(),
        "purchases": Purchase.objects.count(),
        "max_ticket_pk": Ticket.objects.order_by("-pk").values_list("pk", flat=True)[0],
    }


def max_demo_pk(demo: dict[str, int]) -> int:
    return int(demo["max_ticket_pk"])


def _generate(**extra: Any) -> dict[str, Any]:
    sizes = {"tickets_n": 300, "customers_n": 200, "members_n": 40, "purchases_n": 1000}
    return generate.run(**{**sizes, "events": 3, "long": 4, "quiet": True, **extra})


def test_generates_the_asked_rows_consistently(demo: dict[str, int]) -> None:
    out = _generate()
    assert (out["tickets"], out["events"]) == (304, 300 * 3 + 4 * 50)
    assert (out["customers"], out["members"], out["purchases"]) == (200, 40, 1000)
    assert Ticket.objects.count() == demo["tickets"] + 304
    assert TicketEvent.objects.count() == demo["events"] + 1100
    assert Customer.objects.count() == demo["customers"] + 200
    assert CustomerPhone.objects.filter(customer__members__isnull=True).exists()
    assert Purchase.objects.count() == demo["purchases"] + 1000
    generated = Member.objects.filter(card_number__startswith="M").annotate(
        spent=Sum("purchases__amount")
    )
    assert generated.count() == 40
    assert all(m.lifetime_spend == (m.spent or 0) for m in generated)
    numbers = list(Ticket.objects.values_list("number", flat=True))
    assert len(numbers) == len(set(numbers))
    for counter in TicketCounter.objects.all():  # every counter is at its day's last number
        day_numbers = [n for n in numbers if n[2:10] == f"{counter.day:%Y%m%d}"]
        assert max(int(n[10:]) for n in day_numbers) == counter.last
    long = Ticket.objects.filter(reference="BENCH-50EVENTS").annotate(n=Count("events"))
    assert [t.n for t in long] == [50] * 4
    made = Ticket.objects.exclude(reference="BENCH-50EVENTS").filter(pk__gt=max_demo_pk(demo))
    closed = made.filter(status="closed").count()
    assert closed > 200  # three years of work: mostly finished
    assert made.values("unit").distinct().count() > 5  # spread over the stores


def test_refuses_a_second_run_unless_appending(demo: dict[str, int]) -> None:
    _generate(customers_n=0, members_n=0, purchases_n=0)
    with pytest.raises(SystemExit, match="--append"):
        _generate(customers_n=0, members_n=0, purchases_n=0)
    again = _generate(customers_n=50, members_n=0, purchases_n=0, tickets_n=100, append=True)
    assert (again["tickets"], again["customers"]) == (104, 50)
    numbers = list(Ticket.objects.values_list("number", flat=True))
    assert len(numbers) == len(set(numbers))


def test_the_app_lists_opens_and_creates_tickets_afterwards(demo: dict[str, int]) -> None:
    _generate()
    agent = User.objects.get(username="aftersales")
    api = ApiClient(agent)
    listed = api.get("/api/v1/tickets", {"status": "open", "limit": 25})
    assert listed.status_code == 200
    listed_ids = {item["id"] for item in listed.json()["items"]}
    long_ids = set(Ticket.objects.filter(reference="BENCH-50EVENTS").values_list("pk", flat=True))
    assert long_ids & listed_ids  # open, due soonest, in the agent's scope
    ticket = Ticket.objects.filter(reference="BENCH-50EVENTS", id__in=listed_ids).first()
    assert ticket is not None
    browser = Client()
    browser.force_login(agent)
    page = browser.get(f"/tickets/{ticket.pk}/")
    assert page.status_code == 200
    assert ticket.number in page.content.decode()
    before = Ticket.objects.count()
    made = api.post("/api/v1/tickets", {"type": "enquiry", "title": "咨询发票开具"})
    assert made.status_code == 201, made.content
    assert Ticket.objects.count() == before + 1
    assert Ticket.objects.filter(number=made.json()["number"]).count() == 1


def _index_definitions() -> list[tuple[str, str]]:
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = ANY(%s) "
                "ORDER BY indexname",
                [list(generate.BIG_TABLES)],
            )
        else:
            cursor.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index' ORDER BY name")
        return list(cursor.fetchall())


def test_dropped_indexes_come_back_exactly(demo: dict[str, int]) -> None:
    before = _index_definitions()
    out = _generate(drop_indexes=True)
    assert out["tickets"] == 304
    assert _index_definitions() == before


def test_query_profile_runs_every_read_workload(demo: dict[str, int], capsys: Any) -> None:
    from bench import query_profile

    _generate()
    done = query_profile.run([], explain=True)
    assert done == ["queue-api", "queue-page", "detail", "dashboard", "search"]
    out = capsys.readouterr().out
    assert out.count(": 200, ") == 5  # every workload answered 200


def test_search_bench_index_and_scan_agree(demo: dict[str, int], capsys: Any) -> None:
    from bench import search_bench

    _generate()
    results = search_bench.run(["发票", "漏水", "不存在词"], runs=1)
    for word in ("发票", "漏水", "不存在词"):
        assert results[f"{word}/search"]["matches"] == results[f"{word}/scan"]["matches"]
    assert results["发票/search"]["matches"] > 0
    assert results["不存在词/search"]["matches"] == 0
