"""Merging customers: every linked row moves, collisions resolve, nothing points at a merged id."""

from __future__ import annotations

from datetime import date

import pytest

from kefu.core.choices import Role
from kefu.core.errors import NotFound, PermissionDenied, ValidationFailed
from kefu.core.models import AuditEvent, UnitAssignment
from kefu.core.selectors.scope import forget_scope
from kefu.customers.choices import DuplicateStatus
from kefu.customers.models import (
    Address,
    Contact,
    CreditChange,
    Customer,
    CustomerAlias,
    CustomerMerge,
    CustomerPhone,
    CustomerTag,
    DuplicatePair,
    Tag,
)
from kefu.customers.services_dedupe import find_duplicates
from kefu.customers.services_merge import _unique_sets, customer_relations, merge_customers
from kefu.customers.tests.dedupe_fixtures import make_customer
from kefu.members.models import Member
from kefu.tickets.models import Ticket
from kefu.tickets.services.intake import create_ticket


def _ticket(actor, customer, title="发票咨询"):
    return create_ticket(
        actor=actor,
        unit=customer.unit,
        title=title,
        type="enquiry",
        channel="phone",
        customer=customer,
    )


@pytest.fixture
def two(org, admin_user):
    vip, ordinary = Tag.objects.create(name="VIP"), Tag.objects.create(name="经销商")
    keep = make_customer(
        org.shanghai, "华为技术有限公司", phones=["075528780808", "13800000001"], grade="B"
    )
    gone = make_customer(
        org.shanghai,
        "深圳华为技术有限责任公司",
        phones=["13800000001", "13800000002"],
        email="it@huawei.example",
        id_number="914403001922038216",
        address="深圳市龙岗区坂田",
        grade="A",
        is_key_account=True,
    )
    CustomerTag.objects.create(customer=keep, tag=vip)
    CustomerTag.objects.create(customer=gone, tag=vip)
    CustomerTag.objects.create(customer=gone, tag=ordinary)
    Contact.objects.create(customer=gone, name="李经理", phone="13900000000")
    Address.objects.create(customer=gone, detail="坂田华为基地", is_default=True)
    CreditChange.objects.create(
        customer=gone, new_level="AA", reason="年审", effective_on=date(2026, 1, 5)
    )
    CustomerAlias.objects.create(customer=gone, name="华为", name_key="华为")
    tickets = [_ticket(admin_user, gone, f"工单{i}") for i in range(3)]
    _ticket(admin_user, keep)
    find_duplicates(actor=None)
    return keep, gone, tickets


def test_merge_moves_every_linked_row_and_keeps_the_names(two, admin_user):
    keep, gone, tickets = two
    gone_id = gone.pk

    record = merge_customers(actor=admin_user, survivor=keep, merged=[gone])

    assert not Customer.objects.filter(pk=gone_id).exists()
    assert set(Ticket.objects.filter(customer=keep).values_list("pk", flat=True)) >= {
        t.pk for t in tickets
    }
    assert Ticket.objects.filter(customer=keep).count() == 4
    assert sorted(CustomerPhone.objects.filter(customer=keep).values_list("number", flat=True)) == [
        "075528780808",
        "13800000001",
        "13800000002",
    ]
    assert CustomerPhone.objects.filter(customer=keep, is_primary=True).count() == 1
    assert sorted(
        CustomerTag.objects.filter(customer=keep).values_list("tag__name", flat=True)
    ) == [
        "VIP",
        "经销商",
    ]
    assert Contact.objects.get(customer=keep).name == "李经理"
    assert Address.objects.get(customer=keep).detail == "坂田华为基地"
    assert CreditChange.objects.get(customer=keep).new_level == "AA"
    aliases = CustomerAlias.objects.filter(customer=keep).order_by("id")
    assert [(a.name, a.name_key, a.old_customer_id, a.merge_id) for a in aliases] == [
        ("华为", "华为", None, None),
        ("深圳华为技术有限责任公司", "华为技术", gone_id, record.pk),
    ]
    assert record.moved == {
        "customers.customerphone": 1,
        "customers.customertag": 1,
        "customers.contact": 1,
        "customers.address": 1,
        "customers.creditchange": 1,
        "customers.customeralias": 1,
        "tickets.ticket": 3,
    }
    assert record.merged_ids == [gone_id]
    assert record.snapshots[0]["name"] == "深圳华为技术有限责任公司"
    assert record.snapshots[0]["phones"] == ["13800000001", "13800000002"]
    assert record.reasons["pairs"][0]["customer_ids"] == [keep.pk, gone_id]
    assert not DuplicatePair.objects.exists()


def test_survivor_takes_empty_fields_and_the_better_grade(two, admin_user):
    keep, gone, _ = two
    merge_customers(actor=admin_user, survivor=keep, merged=[gone])
    keep.refresh_from_db()
    assert (keep.email, keep.id_number, keep.address) == (
        "it@huawei.example",
        "914403001922038216",
        "深圳市龙岗区坂田",
    )
    assert (keep.grade, keep.is_key_account, keep.version) == ("A", True, 2)


def test_nothing_points_at_a_merged_id_afterwards(two, admin_user, org):
    keep, gone, _ = two
    third = make_customer(org.shanghai, "华为技术", phones=["13800000002"])
    _ticket(admin_user, third)
    member = Member.objects.create(  # a later app's foreign key, unknown to the merge code
        customer=third,
        unit=org.shanghai,
        card_number="M0001",
        name="华为技术",
        phone="13800000002",
        registered_on=date(2026, 3, 1),
    )
    merged_ids = [gone.pk, third.pk]

    record = merge_customers(actor=admin_user, survivor=keep, merged=[gone, third])

    relations = customer_relations()
    assert {r.related_model._meta.label_lower for r in relations} >= {
        "tickets.ticket",
        "customers.customerphone",
        "customers.duplicatepair",
        "customers.customermerge",
    }
    for rel in relations:
        rows = rel.related_model._base_manager.filter(**{f"{rel.field.attname}__in": merged_ids})
        assert not rows.exists(), rel
    member.refresh_from_db()
    assert member.customer_id == keep.pk
    assert record.moved["members.member"] == 1


def test_audit_has_ids_and_counts_but_no_personal_data(two, admin_user):
    keep, gone, _ = two
    gone_id = gone.pk
    record = merge_customers(actor=admin_user, survivor=keep, merged=[gone])
    event = AuditEvent.objects.get(action="customer.merge")
    assert event.changes == {"merged_ids": [gone_id], "moved": record.moved, "merge_id": record.pk}
    assert "13800000002" not in str(event.changes)
    assert "it@huawei.example" not in str(event.changes)


def test_a_former_survivor_brings_its_history_along(two, admin_user, org):
    keep, gone, _ = two
    older = make_customer(org.shanghai, "华为技术（集团）")
    first = merge_customers(actor=admin_user, survivor=gone, merged=[older])
    gone_id = gone.pk
    merge_customers(actor=admin_user, survivor=keep, merged=[Customer.objects.get(pk=gone_id)])
    first.refresh_from_db()
    assert first.survivor_id == keep.pk


def test_an_agent_cannot_merge_and_nothing_changes(two, make_user, org):
    keep, gone, _ = two
    agent = make_user(Role.AGENT, org.shanghai)
    with pytest.raises(PermissionDenied):
        merge_customers(actor=agent, survivor=keep, merged=[gone])
    assert Customer.objects.filter(pk=gone.pk).exists()
    assert not CustomerMerge.objects.exists()
    assert Ticket.objects.filter(customer=gone).count() == 3
    assert DuplicatePair.objects.filter(status=DuplicateStatus.OPEN).count() == 1


def test_a_keeper_in_another_region_gets_not_found(two, make_user, org):
    keep, gone, _ = two
    keeper = make_user(Role.RECORDS_KEEPER, org.south)
    with pytest.raises(NotFound):
        merge_customers(actor=keeper, survivor=keep, merged=[gone])
    assert Customer.objects.filter(pk=gone.pk).exists()


def test_a_keeper_needs_the_permission_at_every_customer(two, make_user, org):
    keep, gone, _ = two
    far = make_customer(org.guangzhou, "华为技术")
    keeper = make_user(Role.RECORDS_KEEPER, org.east)
    with pytest.raises(NotFound):  # 广州 is outside the keeper's region
        merge_customers(actor=keeper, survivor=keep, merged=[gone, far])
    UnitAssignment.objects.create(user=keeper, unit=org.south, role=Role.AGENT)
    forget_scope(keeper)
    with pytest.raises(PermissionDenied):  # seen there, but only as an agent
        merge_customers(actor=keeper, survivor=keep, merged=[gone, far])
    assert Customer.objects.filter(pk__in=[gone.pk, far.pk]).count() == 2


@pytest.mark.parametrize(
    ("which", "code"),
    [
        pytest.param("self", "merge_into_itself", id="into itself"),
        pytest.param("twice", "validation_error", id="listed twice"),
        pytest.param("none", "validation_error", id="empty list"),
    ],
)
def test_bad_merges_are_refused(two, admin_user, which, code):
    keep, gone, _ = two
    merged = {"self": [keep], "twice": [gone, gone], "none": []}[which]
    with pytest.raises(ValidationFailed) as err:
        merge_customers(actor=admin_user, survivor=keep, merged=merged)
    assert err.value.code == code
    assert Customer.objects.filter(pk=gone.pk).exists()
    assert not CustomerMerge.objects.exists()


def test_unique_rules_are_read_from_the_model():
    fk = CustomerPhone._meta.get_field("customer")
    assert list(_unique_sets(CustomerPhone, fk)) == [(["customer_id", "number"], None)]
    assert list(_unique_sets(Contact, Contact._meta.get_field("customer"))) == []


def test_two_merged_customers_sharing_a_phone_keep_one_row(two, admin_user, org):
    keep, gone, _ = two
    third = make_customer(org.shanghai, "华为技术", phones=["13800000002", "13800000003"])
    merge_customers(actor=admin_user, survivor=keep, merged=[gone, third])
    assert sorted(CustomerPhone.objects.filter(customer=keep).values_list("number", flat=True)) == [
        "075528780808",
        "13800000001",
        "13800000002",
        "13800000003",
    ]
