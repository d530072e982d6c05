"""Masking and reveal: everything is masked by default; reveal needs the permission at the
customer's unit and is logged with field names only (no digits of the data anywhere)."""

import pytest

from kefu.core.models import AuditEvent
from kefu.customers.privacy import mask_address, mask_email, mask_id_number, mask_phone
from kefu.customers.selectors import mask_phone as mask_phone_from_selectors
from kefu.customers.tests.archive_fixtures import *  # noqa: F403

URL = "/api/v1/customers"


@pytest.mark.parametrize(
    ("raw", "masked"),
    [("13812345678", "138****5678"), ("02155550000", "021****0000"), ("12345", "*****"), ("", "")],
)
def test_mask_phone(raw, masked):
    assert mask_phone(raw) == masked
    assert mask_phone_from_selectors is mask_phone


@pytest.mark.parametrize(
    ("raw", "masked"),
    [
        ("110101199001011234", "110101****1234"),
        ("91310000MA1FL0XX1A", "913100****XX1A"),
        ("1234567890", "**********"),
        ("123", "***"),
        ("", ""),
    ],
)
def test_mask_id_number(raw, masked):
    assert mask_id_number(raw) == masked


@pytest.mark.parametrize(
    ("raw", "masked"),
    [
        ("广东省深圳市南山区科技园1号", "广东省深圳市****"),
        ("上海市浦东新区世纪大道100号", "上海市****"),
        ("内蒙古自治区呼和浩特市新城区", "内蒙古自治区呼和浩特市****"),
        ("世纪大道100号", "****"),
        ("", ""),
    ],
)
def test_mask_address_text(raw, masked):
    assert mask_address(raw) == masked


@pytest.mark.parametrize(
    ("raw", "masked"),
    [("zhang.san@example.com", "z***@example.com"), ("bad", "****"), ("", "")],
)
def test_mask_email(raw, masked):
    assert mask_email(raw) == masked


@pytest.mark.django_db
def test_agent_sees_masked_and_cannot_reveal(rich_customer, east_agent, api_as):
    client = api_as(east_agent)
    body = client.get(f"{URL}/{rich_customer.pk}").json()
    assert body["phones"] == ["138****5678", "021****0000"]
    r = client.post(f"{URL}/{rich_customer.pk}/reveal")
    assert (r.status_code, r.json()["code"]) == (403, "permission_denied")
    assert not AuditEvent.objects.filter(action="personal_data.reveal").exists()


@pytest.mark.django_db
@pytest.mark.parametrize("role_fixture", ["supervisor", "keeper"])
def test_permitted_roles_reveal_and_it_is_logged(rich_customer, api_as, request, role_fixture):
    actor = request.getfixturevalue(role_fixture)
    client = api_as(actor)
    # masked until revealed, even for permitted roles
    assert client.get(f"{URL}/{rich_customer.pk}").json()["phones"][0] == "138****5678"
    assert client.get(URL).json()["items"][0]["phones"][0] == "138****5678"
    assert not AuditEvent.objects.filter(action="personal_data.reveal").exists()
    r = client.post(f"{URL}/{rich_customer.pk}/reveal")
    assert r.status_code == 200, r.content
    body = r.json()
    assert [p["number"] for p in body["phones"]] == ["13812345678", "02155550000"]
    assert body["id_number"] == "91310000MA1FL0XX1A"
    assert body["email"] == "buyer@huadong.example.com"
    assert body["addresses"][0]["address"] == "上海市上海市浦东新区世纪大道100号"
    assert body["contacts"][0]["phone"] == "13900001111"
    event = AuditEvent.objects.get(action="personal_data.reveal")
    assert event.actor == actor
    assert event.object_id == str(rich_customer.pk)
    assert event.changes == {
        "fields": sorted(["address", "addresses", "contacts", "email", "id_number", "phones"]),
        "rows": 1,
    }
    row = " ".join(
        str(v) for v in (event.changes, event.object_repr, event.actor_label, event.object_type)
    )
    for secret in ("5678", "1234", "0000", "1111", "91310000", "世纪大道", "buyer"):
        assert secret not in row


@pytest.mark.django_db
def test_reveal_needs_permission_at_the_customers_unit(org, rich_customer, make_user, api_as):
    south_supervisor = make_user("supervisor", org.south)
    r = api_as(south_supervisor).post(f"{URL}/{rich_customer.pk}/reveal")
    assert r.status_code == 404
    assert not AuditEvent.objects.filter(action="personal_data.reveal").exists()


@pytest.mark.django_db
def test_no_personal_data_in_any_audit_row(rich_customer, east_agent, api_as):
    client = api_as(east_agent)
    client.patch(
        f"{URL}/{rich_customer.pk}",
        {
            "id_number": "110101199001019876",
            "phones": ["13722223333"],
            "address": "北京市朝阳区某路",
        },
    )
    client.post(f"{URL}/{rich_customer.pk}/contacts", {"name": "甲", "phone": "13544445555"})
    text = " ".join(str(e.changes) for e in AuditEvent.objects.all())
    for secret in ("9876", "3333", "5555", "朝阳区", "5678"):
        assert secret not in text
