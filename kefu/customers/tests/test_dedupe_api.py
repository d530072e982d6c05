"""The duplicates and merge API: exact shapes, scope, permissions, bad input, query counts."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kefu.core.choices import Role
from kefu.customers.choices import DuplicateStatus
from kefu.customers.models import Customer, CustomerMerge, DuplicatePair
from kefu.customers.services_dedupe import find_duplicates
from kefu.customers.tests.dedupe_fixtures import make_customer

URL = "/api/v1/customers/duplicates"
# token (with its user), scope, page, count, phones, ticket counts
LIST_QUERIES = 6


@pytest.fixture
def world(org, make_user):
    keeper = make_user(Role.RECORDS_KEEPER, org.east, display_name="档案员")
    a = make_customer(org.shanghai, "华为技术有限公司", phones=["13812345678"])
    b = make_customer(org.shanghai, "深圳华为技术有限责任公司", id_number="914403001922038216")
    c = make_customer(org.guangzhou, "宏达实业", phones=["13900001111"])
    d = make_customer(org.guangzhou, "宏达实业有限公司")
    e = make_customer(org.shanghai, "信远物流", phones=["13700002222"])
    f = make_customer(org.shanghai, "信远物流有限公司", phones=["13700002222"])
    find_duplicates(actor=None)
    return {"keeper": keeper, "a": a, "b": b, "c": c, "d": d, "e": e, "f": f}


def test_list_shows_pairs_the_actor_sees_best_first(world, api_as):
    res = api_as(world["keeper"]).get(URL)
    assert res.status_code == 200
    body = res.json()
    assert body["count"] == 2
    assert [(i["customer_a"]["id"], i["customer_b"]["id"]) for i in body["items"]] == [
        (world["e"].pk, world["f"].pk),
        (world["a"].pk, world["b"].pk),
    ]
    first = body["items"][0]
    assert first["score"] == 0.97
    assert first["reasons"] == [{"code": "same_name", "key": "信远物流"}, {"code": "same_phone"}]
    assert first["status"] == "open"
    assert first["customer_a"]["phones"] == ["137****2222"]
    second = body["items"][1]["customer_b"]
    assert second["id_number"] == "914403****8216"
    assert set(second) == {
        "id",
        "name",
        "kind",
        "unit_id",
        "unit_name",
        "grade",
        "is_key_account",
        "phones",
        "id_number",
        "tickets",
        "created_at",
    }
    assert second["unit_name"] == "上海一店"


def test_list_filters(world, api_as):
    client = api_as(world["keeper"])
    assert client.get(URL, {"min_score": 0.95}).json()["count"] == 1
    assert client.get(URL, {"status": "dismissed"}).json()["count"] == 0
    page = client.get(URL, {"limit": 1, "offset": 1}).json()
    assert (page["count"], len(page["items"])) == (2, 1)
    assert client.get(URL, {"limit": 0}).status_code == 422
    assert client.get(URL, {"status": "nonsense"}).status_code == 422


def test_agents_cannot_review_duplicates(world, api_as, make_user, org):
    agent = make_user(Role.AGENT, org.east)
    assert api_as(agent).get(URL).status_code == 403


def test_list_query_count_does_not_grow_with_the_page(world, api_as, org):
    client = api_as(world["keeper"])
    client.get(URL)  # warm caches (content types, token lookup paths)
    with CaptureQueriesContext(connection) as small:
        assert client.get(URL, {"limit": 1}).status_code == 200
    for i in range(10):
        make_customer(org.shanghai, f"重复公司{i}有限公司")
        make_customer(org.shanghai, f"重复公司{i}有限责任公司")
    find_duplicates(actor=None)
    with CaptureQueriesContext(connection) as big:
        res = client.get(URL, {"limit": 50})
    assert len(res.json()["items"]) == 12
    assert len(big.captured_queries) == len(small.captured_queries) == LIST_QUERIES, [
        q["sql"] for q in big.captured_queries
    ]


def test_merge_endpoint(world, api_as):
    keeper, a, b = world["keeper"], world["a"], world["b"]
    res = api_as(keeper).post(f"/api/v1/customers/{a.pk}/merge", {"from": [b.pk]})
    assert res.status_code == 200, res.json()
    body = res.json()
    record = CustomerMerge.objects.get()
    assert body["merge_id"] == record.pk
    assert body["merged_ids"] == [b.pk]
    assert body["moved"] == {}
    assert body["survivor"]["id"] == a.pk
    assert body["survivor"]["id_number"] == "914403****8216"
    assert not Customer.objects.filter(pk=b.pk).exists()

    history = api_as(keeper).get(f"/api/v1/customers/{a.pk}/merges").json()
    assert len(history) == 1
    assert history[0]["actor"] == "档案员"
    assert history[0]["merged_ids"] == [b.pk]
    assert history[0]["merged_names"] == ["深圳华为技术有限责任公司"]
    assert history[0]["reasons"]["pairs"][0]["reasons"] == [
        {"code": "same_name", "key": "华为技术"}
    ]


@pytest.mark.parametrize(
    ("body", "status"),
    [
        pytest.param({"from": "x"}, 422, id="not a list"),
        pytest.param({"from": ["x"]}, 422, id="not ids"),
        pytest.param({"from": []}, 422, id="empty"),
        pytest.param({}, 422, id="missing"),
        pytest.param({"from": list(range(1, 500))}, 422, id="huge list"),
        pytest.param({"from": [987654321]}, 404, id="no such customer"),
        pytest.param({"from": ["self"]}, 422, id="into itself"),
        pytest.param({"from": ["c"]}, 404, id="out of scope"),
    ],
)
def test_bad_merge_requests_change_nothing(world, api_as, body, status):
    if body.get("from") in (["self"], ["c"]):
        body = {"from": [world["a"].pk if body["from"] == ["self"] else world["c"].pk]}
    res = api_as(world["keeper"]).post(f"/api/v1/customers/{world['a'].pk}/merge", body)
    assert res.status_code == status, res.json()
    assert Customer.objects.count() == 6
    assert not CustomerMerge.objects.exists()


def test_agent_merge_is_forbidden_and_changes_nothing(world, api_as, make_user, org):
    agent = make_user(Role.AGENT, org.east)
    res = api_as(agent).post(f"/api/v1/customers/{world['a'].pk}/merge", {"from": [world["b"].pk]})
    assert res.status_code == 403
    assert res.json()["code"] == "permission_denied"
    assert Customer.objects.count() == 6


def test_dismiss_keeps_the_pair_from_returning(world, api_as):
    client = api_as(world["keeper"])
    pair = DuplicatePair.objects.get(customer_a=world["e"])
    res = client.post(f"{URL}/{pair.pk}/dismiss")
    assert res.status_code == 200
    assert res.json()["status"] == "dismissed"
    assert client.post(f"{URL}/{pair.pk}/dismiss").status_code == 409
    find_duplicates(actor=None)
    pair.refresh_from_db()
    assert pair.status == DuplicateStatus.DISMISSED
    assert pair.decided_by == world["keeper"]
    assert client.get(URL).json()["count"] == 1


def test_dismiss_out_of_scope_is_not_found(world, api_as):
    pair = DuplicatePair.objects.get(customer_a=world["c"])
    assert api_as(world["keeper"]).post(f"{URL}/{pair.pk}/dismiss").status_code == 404
    pair.refresh_from_db()
    assert pair.status == DuplicateStatus.OPEN


def test_history_of_a_hidden_customer_is_not_found(world, api_as):
    res = api_as(world["keeper"]).get(f"/api/v1/customers/{world['c'].pk}/merges")
    assert res.status_code == 404
