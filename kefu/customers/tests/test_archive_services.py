"""Customer archive services: create, update (PATCH + optimistic lock), phones, contacts,
addresses, tags, credit; audit rows name fields, never personal data."""

from datetime import date

import pytest

from kefu.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from kefu.core.models import AuditEvent
from kefu.customers import services
from kefu.customers.models import (
    Address,
    Contact,
    CreditChange,
    Customer,
    CustomerPhone,
    CustomerTag,
    Tag,
)
from kefu.customers.names import name_key
from kefu.customers.tests.archive_fixtures import *  # noqa: F403

pytestmark = pytest.mark.django_db


def _audit_text(customer):
    rows = AuditEvent.objects.filter(object_type="customers.customer", object_id=str(customer.pk))
    return " ".join(str(r.changes) + r.object_repr for r in rows)


def test_create_with_everything(rich_customer, org):
    c = Customer.objects.get(pk=rich_customer.pk)
    assert c.name_key == name_key("上海华东贸易有限公司", "company") == "华东贸易"
    assert list(c.phones.order_by("-is_primary", "id").values_list("number", "is_primary")) == [
        ("13812345678", True),
        ("02155550000", False),
    ]
    assert c.contacts.get().phone == "13900001111"
    assert c.addresses.get().is_default is True
    assert sorted(c.tag_links.values_list("tag__name", flat=True)) == ["VIP", "批发"]
    assert (c.grade, c.is_key_account, c.source, c.source_unit_id) == (
        "A",
        True,
        "store",
        org.shanghai.pk,
    )
    assert c.version == 1
    event = AuditEvent.objects.get(action="customer.create", object_id=str(c.pk))
    assert event.changes["phones"] == 2
    assert event.changes["tags"] == ["VIP", "批发"]
    text = _audit_text(c)
    for secret in ("5678", "13812345678", "91310000", "世纪大道", "buyer@"):
        assert secret not in text


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"name": "  "}, "name"),
        ({"name": "x" * 201}, "name"),
        ({"name": "a\x00b"}, "name"),
        ({"kind": "robot"}, "kind"),
        ({"grade": "Z"}, "grade"),
        ({"email": "not-an-email"}, "email"),
        ({"id_number": "12<script>"}, "id_number"),
        ({"phones": ["12"]}, "phones"),
        ({"phones": ["1" * 40]}, "phones"),
        ({"source": "moon"}, "source"),
    ],
)
def test_create_rejects_bad_input(org, east_agent, kwargs, field):
    args = {"name": "张三", **kwargs}
    with pytest.raises(ValidationFailed) as exc:
        services.create_customer(actor=east_agent, unit=org.shanghai, **args)
    assert field in exc.value.details
    assert Customer.objects.count() == 0


def test_create_outside_scope_or_without_permission(org, south_agent, make_user):
    with pytest.raises(NotFound):
        services.create_customer(actor=south_agent, unit=org.shanghai, name="张三")
    auditor = make_user("auditor", org.east)
    with pytest.raises(PermissionDenied):
        services.create_customer(actor=auditor, unit=org.shanghai, name="张三")
    assert Customer.objects.count() == 0


def test_update_patch_semantics_bumps_version_and_renames_key(rich_customer, east_agent):
    services.update_customer(actor=east_agent, customer=rich_customer, name="深圳华南科技有限公司")
    c = Customer.objects.get(pk=rich_customer.pk)
    assert c.name_key == "华南科技"
    assert c.version == 2
    assert c.grade == "A"  # untouched
    assert rich_customer.version == 2  # the caller's instance is synced
    services.update_customer(actor=east_agent, customer=c, grade="A")  # no change
    assert Customer.objects.get(pk=c.pk).version == 2
    services.update_customer(
        actor=east_agent, customer=c, id_number="110101199001011234", grade="B", expected_version=2
    )
    event = AuditEvent.objects.filter(action="customer.update").latest("id")
    assert event.changes == {"fields": ["grade", "id_number"], "grade": "B"}
    assert "1234" not in str(event.changes)


def test_update_stale_version_conflicts_and_changes_nothing(rich_customer, east_agent):
    with pytest.raises(Conflict) as exc:
        services.update_customer(
            actor=east_agent, customer=rich_customer, grade="D", expected_version=7
        )
    assert exc.value.code == "customer_stale"
    assert exc.value.details == {"version": 1}
    assert Customer.objects.get(pk=rich_customer.pk).grade == "A"


def test_update_replaces_phones_and_tags(rich_customer, east_agent):
    services.update_customer(
        actor=east_agent,
        customer=rich_customer,
        phones=["021-5555-0000", "0086 137 0000 0000"],
        tags=["VIP", "新"],
    )
    c = Customer.objects.get(pk=rich_customer.pk)
    assert list(c.phones.order_by("-is_primary", "id").values_list("number", flat=True)) == [
        "02155550000",
        "13700000000",
    ]
    assert sorted(c.tag_links.values_list("tag__name", flat=True)) == ["VIP", "新"]
    assert Tag.objects.filter(name="批发").exists()  # tags stay for other customers


def test_update_rejects_unknown_field(rich_customer, east_agent):
    with pytest.raises(ValidationFailed) as exc:
        services.update_customer(actor=east_agent, customer=rich_customer, version=3)
    assert set(exc.value.details) == {"version"}


def test_phones_add_and_remove(rich_customer, east_agent):
    phone = services.add_phone(actor=east_agent, customer=rich_customer, number="+86 136 0000 9999")
    assert phone.number == "13600009999"
    with pytest.raises(ValidationFailed):
        services.add_phone(actor=east_agent, customer=rich_customer, number="136-0000-9999")
    primary = rich_customer.phones.get(is_primary=True)
    services.remove_phone(actor=east_agent, customer=rich_customer, phone_id=primary.pk)
    assert rich_customer.phones.filter(is_primary=True).count() == 1
    with pytest.raises(NotFound):
        services.remove_phone(actor=east_agent, customer=rich_customer, phone_id=primary.pk)
    assert Customer.objects.get(pk=rich_customer.pk).version == 3
    assert "9999" not in _audit_text(rich_customer)


def test_contacts_crud_keeps_one_primary(rich_customer, east_agent):
    c2 = services.add_contact(
        actor=east_agent,
        customer=rich_customer,
        name="李会计",
        phone="(021) 6666-7777",
        is_primary=True,
    )
    assert c2.phone == "02166667777"
    assert list(Contact.objects.filter(customer=rich_customer, is_primary=True)) == [c2]
    services.update_contact(
        actor=east_agent, customer=rich_customer, contact_id=c2.pk, title="财务", email="li@x.cn"
    )
    c2.refresh_from_db()
    assert (c2.title, c2.email) == ("财务", "li@x.cn")
    with pytest.raises(ValidationFailed):
        services.update_contact(
            actor=east_agent, customer=rich_customer, contact_id=c2.pk, email="bad"
        )
    services.remove_contact(actor=east_agent, customer=rich_customer, contact_id=c2.pk)
    assert not Contact.objects.filter(pk=c2.pk).exists()
    assert "7777" not in _audit_text(rich_customer)


def test_addresses_keep_exactly_one_default(rich_customer, east_agent):
    first = rich_customer.addresses.get()
    second = services.add_address(
        actor=east_agent,
        customer=rich_customer,
        province="浙江省",
        city="杭州市",
        detail="西湖路1号",
        is_default=True,
    )
    assert list(Address.objects.filter(customer=rich_customer, is_default=True)) == [second]
    services.update_address(
        actor=east_agent, customer=rich_customer, address_id=first.pk, is_default=True
    )
    assert list(Address.objects.filter(customer=rich_customer, is_default=True)) == [first]
    services.remove_address(actor=east_agent, customer=rich_customer, address_id=first.pk)
    second.refresh_from_db()
    assert second.is_default is True
    with pytest.raises(ValidationFailed) as exc:
        services.add_address(actor=east_agent, customer=rich_customer, detail="")
    assert "detail" in exc.value.details
    assert "西湖路" not in _audit_text(rich_customer)


def test_set_tags_creates_by_name(rich_customer, east_agent):
    assert services.set_tags(
        actor=east_agent, customer=rich_customer, names=[" 新客 ", "VIP", "新客"]
    ) == ["新客", "VIP"]
    assert CustomerTag.objects.filter(customer=rich_customer).count() == 2
    with pytest.raises(ValidationFailed):
        services.set_tags(actor=east_agent, customer=rich_customer, names=["x" * 41])


def test_credit_change_writes_history(rich_customer, east_agent):
    change = services.change_credit(
        actor=east_agent,
        customer=rich_customer,
        level="AA",
        score=720,
        reason="按时回款",
        effective_on=date(2026, 11, 1),
    )
    assert (change.old_level, change.new_level, change.old_score, change.new_score) == (
        "",
        "AA",
        None,
        720,
    )
    services.change_credit(actor=east_agent, customer=rich_customer, score=650, reason="逾期")
    c = Customer.objects.get(pk=rich_customer.pk)
    assert (c.credit_level, c.credit_score, c.version) == ("AA", 650, 3)
    assert CreditChange.objects.filter(customer=c).count() == 2


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"reason": "x"}, "level"),
        ({"level": "Z", "reason": "x"}, "level"),
        ({"score": 1001, "reason": "x"}, "score"),
        ({"score": -1, "reason": "x"}, "score"),
        ({"level": "A", "reason": " "}, "reason"),
    ],
)
def test_credit_change_validation(rich_customer, east_agent, kwargs, field):
    with pytest.raises(ValidationFailed) as exc:
        services.change_credit(actor=east_agent, customer=rich_customer, **kwargs)
    assert field in exc.value.details
    assert CreditChange.objects.count() == 0


def test_other_region_cannot_write(rich_customer, south_agent):
    with pytest.raises(NotFound):
        services.update_customer(actor=south_agent, customer=rich_customer, grade="D")
    with pytest.raises(NotFound):
        services.add_phone(actor=south_agent, customer=rich_customer, number="13600000000")
    assert CustomerPhone.objects.filter(number="13600000000").count() == 0
