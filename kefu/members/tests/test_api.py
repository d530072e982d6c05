from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from kefu.core.models import AuditEvent
from kefu.members.models import Member, PointsEntry, Purchase
from kefu.members.services.greetings import create_birthday_greetings
from kefu.members.tests.factories import form, id_number

BASE = "/api/v1/members"


def _body(n=1, **over):
    data = form(n, **over)
    data["birthday"] = data["birthday"].isoformat() if data["birthday"] else None
    return data


@pytest.fixture
def as_clerk(api_as, clerk):
    return api_as(clerk)


@pytest.fixture
def as_keeper(api_as, keeper):
    return api_as(keeper)


def test_register_audit_file_over_the_api(org, tiers, as_clerk, as_keeper):
    r = as_clerk.post(BASE, _body(1, id_number="", address=""))
    assert r.status_code == 201, r.json()
    member = r.json()
    assert member["status"] == "pending"
    assert member["phone"] == "138****0001"
    assert member["missing_fields"] == ["id_number", "address"]
    assert member["unit_id"] == org.shanghai.pk

    r = as_keeper.post(f"{BASE}/{member['id']}/file")
    assert r.status_code == 422
    assert r.json()["code"] == "member_incomplete"
    assert r.json()["details"] == {"missing_fields": ["id_number", "address"]}

    r = as_keeper.post(f"{BASE}/{member['id']}/return", {"reason": "缺身份证"})
    assert (r.status_code, r.json()["status"]) == (200, "returned")
    assert as_clerk.post(f"{BASE}/{member['id']}/file").json()["code"] == "permission_denied"

    r = as_clerk.patch(
        f"{BASE}/{member['id']}", {"id_number": id_number(1), "address": "上海市黄浦区南京路1号"}
    )
    assert (r.status_code, r.json()["missing_fields"]) == (200, [])
    assert r.json()["id_number"] == "310101****" + id_number(1)[-4:]
    assert r.json()["address"] == "上海市****"
    assert as_clerk.post(f"{BASE}/{member['id']}/submit").json()["status"] == "pending"
    r = as_keeper.post(f"{BASE}/{member['id']}/file")
    assert (r.status_code, r.json()["status"]) == (200, "filed")


def test_reveal_needs_permission_and_is_logged(org, filed, as_clerk, as_keeper):
    assert as_clerk.get(f"{BASE}/{filed.pk}", {"reveal": "true"}).status_code == 403
    r = as_keeper.get(f"{BASE}/{filed.pk}", {"reveal": "true"})
    assert r.json()["phone"] == "13800000001"
    assert r.json()["id_number"] == id_number(1)
    assert r.json()["revealed"] is True
    assert AuditEvent.objects.filter(object_id=str(filed.pk), action__contains="reveal").exists()
    # lists are masked for everyone, the revealing role included
    rows = as_keeper.get(BASE).json()["items"]
    assert [row["phone"] for row in rows] == ["138****0001"]


def test_points_purchases_and_ledger(org, filed, as_clerk, as_keeper):
    r = as_clerk.post(
        f"{BASE}/purchases", {"member_id": filed.pk, "amount": "88.80", "receipt_number": "S1"}
    )
    assert r.status_code == 201, r.json()
    assert (r.json()["points_earned"], r.json()["unit_name"]) == (88, "上海一店")
    dup = as_clerk.post(
        f"{BASE}/purchases", {"member_id": filed.pk, "amount": "1", "receipt_number": "S1"}
    )
    assert (dup.status_code, dup.json()["code"]) == (409, "purchase_duplicate_receipt")
    r = as_clerk.post(f"{BASE}/{filed.pk}/points/redeem", {"points": 80, "reason": "礼品"})
    assert (r.status_code, r.json()["balance"]) == (201, 8)
    r = as_clerk.post(f"{BASE}/{filed.pk}/points/redeem", {"points": 9})
    assert (r.status_code, r.json()["code"]) == (409, "points_insufficient")
    assert r.json()["details"] == {"balance": 8, "requested": 9}
    assert (
        as_clerk.post(f"{BASE}/{filed.pk}/points/adjust", {"points": 5, "reason": "x"}).status_code
        == 403
    )
    r = as_keeper.post(f"{BASE}/{filed.pk}/points/adjust", {"points": -8, "reason": "更正"})
    assert r.json()["balance"] == 0
    ledger = as_clerk.get(f"{BASE}/{filed.pk}/points").json()
    assert [e["kind"] for e in ledger["items"]] == ["adjust", "redeem", "earn"]
    assert ledger["count"] == 3
    listed = as_clerk.get(f"{BASE}/purchases", {"member": filed.pk}).json()
    assert [p["receipt_number"] for p in listed["items"]] == ["S1"]


def test_purchase_time_without_zone_is_local_time(org, filed, as_clerk):
    r = as_clerk.post(
        f"{BASE}/purchases",
        {"member_id": filed.pk, "amount": "10", "purchased_at": "2026-01-02T10:00:00"},
    )
    assert r.status_code == 201, r.json()
    assert r.json()["purchased_at"].startswith("2026-01-02T10:00:00")


def test_expiring_and_greetings_lists(org, filed, as_clerk):
    today = timezone.localdate()
    Member.objects.filter(pk=filed.pk).update(
        expires_on=today + timedelta(days=10), birthday=today.replace(year=1990)
    )
    assert [m["id"] for m in as_clerk.get(f"{BASE}/expiring").json()["items"]] == [filed.pk]
    assert as_clerk.get(f"{BASE}/expiring", {"days": 5}).json()["count"] == 0
    create_birthday_greetings(today=today)
    items = as_clerk.get(f"{BASE}/greetings").json()["items"]
    assert [(g["member_id"], g["phone"]) for g in items] == [(filed.pk, "138****0001")]
    other = (today - timedelta(days=1)).isoformat()
    assert as_clerk.get(f"{BASE}/greetings", {"date": other}).json()["count"] == 0


def test_tiers_are_managed_by_headquarters(org, tiers, as_clerk, as_keeper):
    assert [t["code"] for t in as_clerk.get(f"{BASE}/tiers").json()] == [
        "normal",
        "silver",
        "gold",
        "diamond",
    ]
    body = {"code": "vip", "name": "至尊", "level": 5, "min_spend": "100000"}
    assert as_clerk.post(f"{BASE}/tiers", body).status_code == 403
    r = as_keeper.post(f"{BASE}/tiers", body)
    assert (r.status_code, r.json()["points_per_yuan"]) == (201, "1.00")
    assert as_keeper.post(f"{BASE}/tiers", body).status_code == 422


def test_clerk_of_another_store_sees_nothing(org, filed, api_as, gz_clerk):
    client = api_as(gz_clerk)
    assert client.get(BASE).json() == {"items": [], "count": 0}
    assert client.get(f"{BASE}/{filed.pk}").status_code == 404
    r = client.post(f"{BASE}/purchases", {"member_id": filed.pk, "amount": "1"})
    assert r.status_code == 404
    assert Purchase.objects.count() == 0


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("post", "", {"name": "x"}),
        ("post", "", {"name": "x", "phone": "1", "birthday": "not-a-date"}),
        ("post", "", {"name": "x", "phone": "13800000009", "unit_id": 99999}),
        ("post", "", {"name": "x" * 300, "phone": "13800000009"}),
        ("post", "", {"name": "x", "phone": "13800000009", "gender": "?"}),
        ("get", "/999999999999999", None),
        ("get", "/999999", None),
        ("patch", "/{id}", {"birthday": "1990-13-01"}),
        ("patch", "/{id}", {"status": "filed", "phone": ""}),
        ("post", "/{id}/points/redeem", {"points": "many"}),
        ("post", "/{id}/points/redeem", {"points": 10**20}),
        ("post", "/{id}/points/redeem", {"points": 0}),
        ("post", "/{id}/points/adjust", {"points": 5}),
        ("post", "/{id}/return", {"missing_fields": ["nonsense"]}),
        ("post", "/{id}/submit", None),
        ("post", "/purchases", {"member_id": "{id}", "amount": "abc"}),
        ("post", "/purchases", {"member_id": "{id}", "amount": "-5"}),
        ("post", "/purchases", {"member_id": "{id}", "amount": "1e400"}),
        ("post", "/purchases", {"member_id": "{id}", "amount": "1.001"}),
        ("post", "/purchases", {"member_id": 10**12, "amount": "1"}),
        ("get", "/expiring?days=-1", None),
        ("get", "/expiring?days=abc", None),
        ("get", "/greetings?date=2026-02-30", None),
        ("get", "?limit=100000", None),
        ("get", "?unit=abc", None),
        ("get", "?status=unknown", None),
        ("post", "/tiers", {"code": "", "name": "", "level": 1}),
        ("patch", "/tiers/999999999999", {"code": "a", "name": "b", "level": 1}),
    ],
)
def test_bad_input_is_a_4xx_with_code_and_message(org, filed, as_keeper, method, path, body):
    path = path.replace("{id}", str(filed.pk))
    if isinstance(body, dict):
        body = {
            k: (int(v.replace("{id}", str(filed.pk))) if v == "{id}" else v)
            for k, v in body.items()
        }
    before = (PointsEntry.objects.count(), Purchase.objects.count(), Member.objects.count())
    r = getattr(as_keeper, method)(BASE + path, body)
    assert 400 <= r.status_code < 500, (r.status_code, r.content[:300])
    assert {"code", "message", "details"} <= set(r.json())
    after = (PointsEntry.objects.count(), Purchase.objects.count(), Member.objects.count())
    assert after == before


def test_member_list_query_count(org, tiers, clerk, as_keeper, django_assert_num_queries):
    from kefu.members.services.registration import register_member

    for i in range(1, 8):
        register_member(actor=clerk, unit=org.shanghai, **form(i))
    as_keeper.get(BASE)  # the token's first use is recorded once
    with django_assert_num_queries(4) as ctx:  # token, scope, page, count
        r = as_keeper.get(BASE)
    assert r.json()["count"] == 7
    for i in range(8, 15):
        register_member(actor=clerk, unit=org.shanghai, **form(i))
    with django_assert_num_queries(len(ctx.captured_queries)):
        assert as_keeper.get(BASE).json()["count"] == 14


def test_purchase_list_query_count(org, filed, clerk, as_keeper, django_assert_num_queries):
    from decimal import Decimal

    from kefu.members.services.purchases import record_purchase

    for i in range(5):
        record_purchase(actor=clerk, member=filed, amount=Decimal(10 + i))
    as_keeper.get(f"{BASE}/purchases")  # the token's first use is recorded once
    with django_assert_num_queries(4) as ctx:
        assert as_keeper.get(f"{BASE}/purchases").json()["count"] == 5
    for i in range(5):
        record_purchase(actor=clerk, member=filed, amount=Decimal(20 + i))
    with django_assert_num_queries(len(ctx.captured_queries)):
        assert as_keeper.get(f"{BASE}/purchases").json()["count"] == 10


def test_expiring_and_greeting_lists_query_counts(
    org, tiers, clerk, keeper, as_keeper, django_assert_num_queries
):
    from kefu.members.services.audit import file_member
    from kefu.members.services.registration import register_member

    today = timezone.localdate()

    def add(n):
        for i in range(n):
            m = register_member(
                actor=clerk, unit=org.shanghai, **form(100 + Member.objects.count() + i)
            )
            file_member(actor=keeper, member=m)
        Member.objects.update(
            expires_on=today + timedelta(days=5), birthday=today.replace(year=1990)
        )
        create_birthday_greetings(today=today)

    add(3)
    as_keeper.get(f"{BASE}/expiring")
    with django_assert_num_queries(4) as exp:
        assert as_keeper.get(f"{BASE}/expiring").json()["count"] == 3
    with django_assert_num_queries(4) as gr:
        assert as_keeper.get(f"{BASE}/greetings").json()["count"] == 3
    add(4)
    with django_assert_num_queries(len(exp.captured_queries)):
        assert as_keeper.get(f"{BASE}/expiring").json()["count"] == 7
    with django_assert_num_queries(len(gr.captured_queries)):
        assert as_keeper.get(f"{BASE}/greetings").json()["count"] == 7


def test_renew_and_cancel_over_the_api(org, filed, as_clerk, as_keeper):
    before = filed.expires_on
    r = as_clerk.post(f"{BASE}/{filed.pk}/renew", {"months": 6})
    assert r.status_code == 200
    from kefu.members.dates import add_months

    assert r.json()["expires_on"] == add_months(before, 6).isoformat()
    assert as_clerk.post(f"{BASE}/{filed.pk}/cancel", {"reason": "x"}).status_code == 403
    r = as_keeper.post(f"{BASE}/{filed.pk}/cancel", {"reason": "本人申请"})
    assert r.json()["status"] == "cancelled"
    r = as_clerk.post(f"{BASE}/{filed.pk}/renew", {})
    assert (r.status_code, r.json()["code"]) == (409, "member_wrong_status")
