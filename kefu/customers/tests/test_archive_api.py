"""Customers API: list shape and filters, create, detail (masked), PATCH with optimistic
locking, merged ids, sub-resources, scope, bad input, query counts."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kefu.core.models import AuditEvent
from kefu.customers import services
from kefu.customers.models import Customer, CustomerAlias, CustomerMerge
from kefu.customers.tests.archive_fixtures import *  # noqa: F403

pytestmark = pytest.mark.django_db
URL = "/api/v1/customers"


def _ids(r):
    assert r.status_code == 200, r.content
    return [item["id"] for item in r.json()["items"]]


@pytest.fixture
def people(org, east_agent):
    a = services.create_customer(
        actor=east_agent,
        unit=org.shanghai,
        name="张三",
        phones=["13800001111"],
        tags=["VIP"],
        grade="A",
    )
    b = services.create_customer(
        actor=east_agent,
        unit=org.east,
        name="杭州西湖茶业有限公司",
        kind="company",
        contacts=[{"name": "李四", "phone": "021-6666-7777"}],
        is_key_account=True,
    )
    return a, b


def test_list_shape_is_the_tickets_shape(people, east_agent, api_as):
    a, b = people
    r = api_as(east_agent).get(URL)
    body = r.json()
    assert set(body) == {"count", "items", "next_after"}
    assert body["count"] == 2
    assert [i["id"] for i in body["items"]] == [b.pk, a.pk]
    item = body["items"][1]
    assert item["phones"] == ["138****1111"]
    assert item["tags"] == ["VIP"]
    assert item["unit_name"] == "上海一店"
    assert item["version"] == 1


@pytest.mark.parametrize(
    "phone", ["13800001111", "+86 138 0000 1111", "138-0000-1111", "0086 13800001111"]
)
def test_phone_filter_normalises(people, east_agent, api_as, phone):
    assert _ids(api_as(east_agent).get(URL, {"phone": phone})) == [people[0].pk]


def test_phone_filter_matches_contact_phones(people, east_agent, api_as):
    assert _ids(api_as(east_agent).get(URL, {"phone": "(021) 6666 7777"})) == [people[1].pk]
    assert _ids(api_as(east_agent).get(URL, {"phone": "abc"})) == []


def test_filters(people, org, east_agent, api_as):
    a, b = people
    client = api_as(east_agent)
    assert _ids(client.get(URL, {"tag": "VIP"})) == [a.pk]
    assert _ids(client.get(URL, {"grade": "A"})) == [a.pk]
    assert _ids(client.get(URL, {"kind": "company"})) == [b.pk]
    assert _ids(client.get(URL, {"key_account": "true"})) == [b.pk]
    assert _ids(client.get(URL, {"unit_id": org.shanghai.pk})) == [a.pk]
    assert _ids(client.get(URL, {"unit_id": org.east.pk})) == [b.pk, a.pk]
    assert _ids(client.get(URL, {"q": "西湖"})) == [b.pk]
    # exact normalised name: region and legal suffix stripped
    assert _ids(client.get(URL, {"q": "浙江杭州西湖茶业股份有限公司"})) == [b.pk]
    assert _ids(client.get(URL, {"q": "138 0000 1111"})) == [a.pk]


def test_alias_search_and_merged_id(people, east_agent, api_as):
    a, b = people
    merge = CustomerMerge.objects.create(survivor=b, merged_ids=[999_999])
    CustomerAlias.objects.create(
        customer=b, name="老字号茶庄", old_customer_id=999_999, merge=merge
    )
    client = api_as(east_agent)
    assert _ids(client.get(URL, {"q": "老字号"})) == [b.pk]
    r = client.get(f"{URL}/999999")
    assert r.status_code == 404
    assert r.json()["code"] == "customer_merged"
    assert r.json()["details"] == {"merged_into": b.pk}


def test_merged_id_of_invisible_survivor_is_plain_404(people, south_agent, api_as):
    b = people[1]
    CustomerAlias.objects.create(customer=b, name="x", old_customer_id=888_888)
    r = api_as(south_agent).get(f"{URL}/888888")
    assert (r.status_code, r.json()["code"]) == (404, "not_found")


def test_pagination_offset_and_keyset(org, east_agent, api_as):
    made = [
        services.create_customer(actor=east_agent, unit=org.shanghai, name=f"客户{i}")
        for i in range(5)
    ]
    newest_first = [c.pk for c in reversed(made)]
    client = api_as(east_agent)
    r = client.get(URL, {"limit": 2, "offset": 2})
    assert _ids(r) == newest_first[2:4]
    assert r.json()["count"] == 5
    first = client.get(URL, {"limit": 2}).json()
    second = client.get(URL, {"limit": 2, "after": first["next_after"]}).json()
    third = client.get(URL, {"limit": 2, "after": second["next_after"]}).json()
    assert [i["id"] for i in first["items"] + second["items"] + third["items"]] == newest_first
    assert third["next_after"] is None


def test_list_query_count_is_constant(org, east_agent, api_as):
    client = api_as(east_agent)

    def count():
        client.get(URL)  # warm the token and session caches
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(URL).status_code == 200
        return len(ctx.captured_queries)

    services.create_customer(actor=east_agent, unit=org.shanghai, name="一", phones=["13800000001"])
    few = count()
    for i in range(6):
        services.create_customer(
            actor=east_agent,
            unit=org.shanghai,
            name=f"多{i}",
            phones=[f"1380000010{i}"],
            tags=["VIP", f"t{i}"],
        )
    assert count() == few == 6  # token, scope, count, page, phones, tags


def test_create_keeps_phone_intake_shape_and_extends(org, east_agent, api_as):
    r = api_as(east_agent).post(
        URL,
        {
            "name": "新公司",
            "kind": "company",
            "phones": ["138 0000 2222"],
            "unit_id": org.shanghai.pk,
            "grade": "B",
            "email": "a@b.cn",
            "id_number": "91310000MA1FL0XX1A",
            "tags": ["新"],
            "contacts": [{"name": "赵", "phone": "13900002222"}],
            "addresses": [{"province": "上海市", "city": "上海市", "detail": "某路1号"}],
            "source": "phone",
        },
    )
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["phones"] == ["138****2222"]
    assert body["email"] == "a***@b.cn"
    assert body["id_number"] == "913100****XX1A"
    assert body["contacts"][0]["phone"] == "139****2222"
    assert body["addresses"][0]["address"] == "上海市上海市****"
    assert body["tags"] == ["新"]
    assert body["open_tickets"] == []
    assert Customer.objects.get(pk=body["id"]).name_key == "新公司"


def test_detail_is_masked_for_every_role(rich_customer, supervisor, api_as):
    r = api_as(supervisor).get(f"{URL}/{rich_customer.pk}")
    assert r.status_code == 200
    assert r["ETag"] == '"1"'
    body = r.json()
    assert body["phones"] == ["138****5678", "021****0000"]
    assert body["id_number"] == "913100****X1A".replace("X1A", "XX1A")
    assert body["address"] == "上海市****"
    assert "13812345678" not in r.content.decode()


def test_patch_partial_and_optimistic_lock(rich_customer, east_agent, api_as):
    client = api_as(east_agent)
    url = f"{URL}/{rich_customer.pk}"
    r = client.patch(url, {"grade": "B"}, **{"If-Match": '"1"'})
    assert r.status_code == 200, r.content
    assert (r.json()["grade"], r.json()["version"], r.json()["name"]) == (
        "B",
        2,
        rich_customer.name,
    )
    r = client.patch(url, {"grade": "C"}, **{"If-Match": '"1"'})
    assert (r.status_code, r.json()["code"]) == (409, "customer_stale")
    r = client.patch(url, {"grade": "C", "version": 1})
    assert (r.status_code, r.json()["code"]) == (409, "customer_stale")
    assert client.patch(url, {"grade": "C"}, **{"If-Match": "abc"}).status_code == 422
    assert Customer.objects.get(pk=rich_customer.pk).grade == "B"
    r = client.patch(url, {"tags": ["甲", "乙"], "phones": ["13711112222"], "version": 2})
    assert r.status_code == 200
    assert (r.json()["tags"], r.json()["phones"]) == (["甲", "乙"], ["137****2222"])


def test_scope_other_region_gets_404(rich_customer, south_agent, api_as):
    client = api_as(south_agent)
    url = f"{URL}/{rich_customer.pk}"
    assert client.get(url).status_code == 404
    assert client.patch(url, {"grade": "D"}).status_code == 404
    assert client.post(f"{url}/reveal").status_code == 404
    assert client.post(f"{url}/credit", {"level": "C", "reason": "x"}).status_code == 404
    assert _ids(client.get(URL)) == []
    assert Customer.objects.get(pk=rich_customer.pk).grade == "A"


def test_credit_endpoint(rich_customer, east_agent, api_as):
    client = api_as(east_agent)
    url = f"{URL}/{rich_customer.pk}/credit"
    r = client.post(
        url, {"level": "AA", "score": 800, "reason": "大客户", "effective_on": "2026-11-01"}
    )
    assert r.status_code == 201, r.content
    assert (r.json()["new_level"], r.json()["new_score"]) == ("AA", 800)
    assert client.post(url, {"score": 5000, "reason": "x"}).status_code == 422
    assert client.post(url, {"level": "AA"}).status_code == 422
    assert [c["new_level"] for c in client.get(url).json()] == ["AA"]
    assert client.get(f"{URL}/{rich_customer.pk}").json()["credit_level"] == "AA"


def test_sub_resources(rich_customer, east_agent, api_as):
    client = api_as(east_agent)
    base = f"{URL}/{rich_customer.pk}"
    r = client.post(f"{base}/contacts", {"name": "钱", "phone": "+86 135 1111 2222"})
    assert (r.status_code, r.json()["phone"]) == (201, "135****2222")
    contact_id = r.json()["id"]
    r = client.patch(f"{base}/contacts/{contact_id}", {"title": "经理"})
    assert (r.status_code, r.json()["title"]) == (200, "经理")
    assert client.delete(f"{base}/contacts/{contact_id}").status_code == 204
    assert client.delete(f"{base}/contacts/{contact_id}").status_code == 404
    r = client.post(
        f"{base}/addresses",
        {"province": "江苏省", "city": "南京市", "detail": "中山路1号", "is_default": True},
    )
    assert (r.status_code, r.json()["address"], r.json()["is_default"]) == (
        201,
        "江苏省南京市****",
        True,
    )
    assert client.delete(f"{base}/addresses/{r.json()['id']}").status_code == 204
    r = client.post(f"{base}/phones", {"number": "136 0000 3333"})
    assert (r.status_code, r.json()["number"]) == (201, "136****3333")
    assert client.delete(f"{base}/phones/{r.json()['id']}").status_code == 204
    r = client._call("put", f"{base}/tags", {"tags": ["A类", "A类", "回访"]})
    assert r.json() == {"tags": ["A类", "回访"]}


BAD_BODIES = [
    {"name": 123},
    {"name": ["x"]},
    {"name": "x" * 100_000},
    {"name": "a\x00b"},
    {"name": "x", "phones": "13800000000"},
    {"name": "x", "phones": ["1" * 5000]},
    {"name": "x", "unit_id": "abc"},
    {"name": "x", "unit_id": 2**70},
    {"name": "x", "grade": "'; DROP TABLE customers_customer; --"},
    {"name": "x", "email": "<script>@x"},
    {"name": "x", "id_number": "1' OR '1'='1"},
    {"name": "x", "contacts": [{"name": "\x00"}]},
    {"name": "x", "tags": ["\x00"]},
    {"name": "x", "is_key_account": "maybe"},
    {"name": "x", "account_manager_id": 999999},
]


@pytest.mark.parametrize("body", BAD_BODIES)
def test_bad_create_bodies_are_4xx(org, east_agent, api_as, body):
    body = {"unit_id": org.shanghai.pk, **body}
    r = api_as(east_agent).post(URL, body)
    assert 400 <= r.status_code < 500, r.content
    assert Customer.objects.count() == 0


@pytest.mark.parametrize(
    "params",
    [
        {"q": "x" * 5000},
        {"q": "\x00"},
        {"q": "%' OR 1=1 --"},
        {"phone": "\x00\x00"},
        {"unit_id": "abc"},
        {"unit_id": "99999999999999999999999"},
        {"limit": "0"},
        {"limit": "100000"},
        {"offset": "-1"},
        {"after": "zz"},
        {"key_account": "perhaps"},
    ],
)
def test_bad_list_params_are_4xx_or_empty(rich_customer, east_agent, api_as, params):
    r = api_as(east_agent).get(URL, params)
    assert r.status_code in {200, 400, 422}, r.content
    if r.status_code == 200:
        assert r.json()["items"] == []


@pytest.mark.parametrize(
    "body",
    [
        {"grade": 5},
        {"name": "\x00"},
        {"version": "x"},
        {"phones": [None]},
        {"unit_id": 2**70},
        {"tags": "VIP"},
        {"email": "x" * 300},
        {"phones": None},
        {"tags": None},
        {"unit_id": None},
        {"name": None},
        {"is_key_account": None},
    ],
)
def test_bad_patch_bodies_are_4xx(rich_customer, east_agent, api_as, body):
    r = api_as(east_agent).patch(f"{URL}/{rich_customer.pk}", body)
    assert 400 <= r.status_code < 500, r.content
    assert Customer.objects.get(pk=rich_customer.pk).version == 1


def test_huge_id_in_path_is_4xx(east_agent, api_as, org):
    assert api_as(east_agent).get(f"{URL}/99999999999999999999999").status_code in {400, 404, 422}


def test_lookup_still_reveals_to_permitted_roles(rich_customer, keeper, east_agent, api_as):
    r = api_as(east_agent).get(f"{URL}/lookup", {"phone": "138-1234-5678"})
    assert r.json()[0]["phones"] == ["138****5678", "021****0000"]
    r = api_as(keeper).get(f"{URL}/lookup", {"phone": "138-1234-5678"})
    assert r.json()[0]["phones"] == ["13812345678", "02155550000"]
    assert AuditEvent.objects.filter(action="personal_data.reveal").count() == 1


def test_account_manager_must_be_in_scope(rich_customer, east_agent, south_agent, api_as):
    client = api_as(east_agent)
    url = f"{URL}/{rich_customer.pk}"
    r = client.patch(url, {"account_manager_id": south_agent.pk})
    assert (r.status_code, list(r.json()["details"])) == (422, ["account_manager_id"])
    r = client.patch(url, {"account_manager_id": east_agent.pk, "is_key_account": True})
    assert (r.status_code, r.json()["account_manager_name"]) == (200, "east_agent")
    r = client.patch(url, {"account_manager_id": None})
    assert (r.status_code, r.json()["account_manager_id"]) == (200, None)
