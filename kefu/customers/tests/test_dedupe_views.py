"""The review page and merge history: pairs side by side, htmx merge/dismiss, run now."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kefu.core.choices import Role
from kefu.core.models import AuditEvent
from kefu.customers.choices import DuplicateStatus
from kefu.customers.models import Customer, CustomerMerge, DuplicatePair
from kefu.customers.services_dedupe import find_duplicates
from kefu.customers.tests.dedupe_fixtures import make_customer

HTMX = {"HX-Request": "true"}
PAGE_QUERIES = 9  # session, user, scope, count, page, phones, tickets, 2 for the shell


@pytest.fixture
def world(org, make_user):
    keeper = make_user(Role.RECORDS_KEEPER, org.east, display_name="档案员")
    a = make_customer(org.shanghai, "华为技术有限公司", phones=["13812345678"])
    b = make_customer(org.shanghai, "华为技术有限责任公司", id_number="914403001922038216")
    c = make_customer(org.guangzhou, "宏达实业", phones=["13900001111"])
    d = make_customer(org.guangzhou, "宏达实业有限公司")
    find_duplicates(actor=None)
    return {"keeper": keeper, "a": a, "b": b, "c": c, "d": d}


def _login(client, user):
    client.force_login(user)
    return client


def test_review_page_shows_pairs_side_by_side(world, client):
    res = _login(client, world["keeper"]).get(reverse("customers:duplicates"))
    assert res.status_code == 200
    html = res.content.decode()
    assert "华为技术有限公司" in html
    assert "华为技术有限责任公司" in html
    assert "宏达实业" not in html  # 广州 is outside the keeper's region
    assert "138****5678" in html
    assert "13812345678" not in html
    assert "914403****8216" in html
    assert "914403001922038216" not in html
    assert html.count('name="survivor"') == 2
    assert 'data-pair="' in html


def test_review_page_query_count_is_flat(world, client, org):
    client = _login(client, world["keeper"])
    client.get(reverse("customers:duplicates"))  # (warm: the org tree, loaded once)
    with CaptureQueriesContext(connection) as small:
        client.get(reverse("customers:duplicates"))
    for i in range(8):
        make_customer(org.shanghai, f"重复公司{i}有限公司", phones=[f"1380000{i:04d}"])
        make_customer(org.shanghai, f"重复公司{i}集团")
    find_duplicates(actor=None)
    with CaptureQueriesContext(connection) as big:
        res = client.get(reverse("customers:duplicates"))
    assert res.content.decode().count('name="survivor"') == 18
    assert len(big.captured_queries) == len(small.captured_queries) == PAGE_QUERIES, [
        q["sql"] for q in big.captured_queries
    ]


def test_agents_get_403(world, client, make_user, org):
    agent = make_user(Role.AGENT, org.east)
    res = _login(client, agent).get(reverse("customers:duplicates"))
    assert res.status_code == 403


def test_htmx_merge_removes_the_row_and_toasts(world, client):
    a, b = world["a"], world["b"]
    pair = DuplicatePair.objects.get(customer_a=a)
    res = _login(client, world["keeper"]).post(
        reverse("customers:duplicate_merge", args=[pair.pk]), {"survivor": a.pk}, headers=HTMX
    )
    assert res.status_code == 200
    html = res.content.decode()
    assert 'hx-swap-oob="true"' in html
    assert "华为技术有限责任公司" in html
    assert "HX-Reswap" not in res
    assert not Customer.objects.filter(pk=b.pk).exists()
    assert CustomerMerge.objects.get().survivor == a


def test_merge_without_a_survivor_keeps_the_row(world, client):
    pair = DuplicatePair.objects.get(customer_a=world["a"])
    res = _login(client, world["keeper"]).post(
        reverse("customers:duplicate_merge", args=[pair.pk]), {"survivor": "x"}, headers=HTMX
    )
    assert res["HX-Reswap"] == "none"
    assert Customer.objects.count() == 4


def test_htmx_dismiss(world, client):
    pair = DuplicatePair.objects.get(customer_a=world["a"])
    res = _login(client, world["keeper"]).post(
        reverse("customers:duplicate_dismiss", args=[pair.pk]), headers=HTMX
    )
    assert res.status_code == 200
    pair.refresh_from_db()
    assert pair.status == DuplicateStatus.DISMISSED


def test_merge_without_htmx_redirects_with_a_message(world, client):
    pair = DuplicatePair.objects.get(customer_a=world["a"])
    res = _login(client, world["keeper"]).post(
        reverse("customers:duplicate_merge", args=[pair.pk]), {"survivor": world["b"].pk}
    )
    assert res.status_code == 302
    assert res["Location"] == reverse("customers:duplicates")
    assert Customer.objects.filter(pk=world["b"].pk).exists()
    assert not Customer.objects.filter(pk=world["a"].pk).exists()


def test_out_of_scope_pair_is_404(world, client):
    pair = DuplicatePair.objects.get(customer_a=world["c"])
    res = _login(client, world["keeper"]).post(
        reverse("customers:duplicate_merge", args=[pair.pk]), {"survivor": world["c"].pk}
    )
    assert res.status_code == 404
    assert Customer.objects.count() == 4


def test_run_now_queues_the_finder(world, client, org, django_capture_on_commit_callbacks):
    make_customer(org.shanghai, "信远物流")
    make_customer(org.shanghai, "信远物流有限公司")
    client = _login(client, world["keeper"])
    with django_capture_on_commit_callbacks(execute=True) as queued:
        res = client.post(reverse("customers:duplicates_run"), headers=HTMX)
    assert res.status_code == 200
    assert len(queued) == 1
    assert DuplicatePair.objects.count() == 3  # tests run queued tasks at once
    run = AuditEvent.objects.filter(action="customer.find_duplicates").latest("id")
    assert run.actor == world["keeper"]


def test_history_explains_each_merge(world, client):
    pair = DuplicatePair.objects.get(customer_a=world["a"])
    client = _login(client, world["keeper"])
    client.post(reverse("customers:duplicate_merge", args=[pair.pk]), {"survivor": world["a"].pk})
    res = client.get(reverse("customers:merge_history"))
    assert res.status_code == 200
    html = res.content.decode()
    assert "档案员" in html
    assert "华为技术有限责任公司" in html
    assert "90%" in html
