from __future__ import annotations

from datetime import date

import pytest

from kefu.core.errors import PermissionDenied, ValidationFailed
from kefu.core.models import AuditEvent
from kefu.customers.models import Customer
from kefu.members.choices import MemberStatus
from kefu.members.dates import add_months
from kefu.members.errors import DuplicateCardNumber, MemberIncomplete, WrongMemberStatus
from kefu.members.models import Member
from kefu.members.services.audit import cancel_member, file_member, renew_member, return_member
from kefu.members.services.registration import register_member, submit_member, update_member
from kefu.members.tests.factories import form


def test_store_registers_a_pending_member_and_a_new_customer(org, tiers, clerk):
    member = register_member(actor=clerk, unit=org.shanghai, **form(1, phone="+86 138-0000-0001"))
    assert member.status == MemberStatus.PENDING
    assert member.phone == "13800000001"
    assert member.missing_fields == []
    assert member.tier == tiers[0]
    assert len(member.card_number) == 12
    assert member.customer.name == "张1"
    assert list(member.customer.phones.values_list("number", flat=True)) == ["13800000001"]
    assert member.expires_on == add_months(member.registered_on, 12)
    assert AuditEvent.objects.filter(action="member.register", object_id=str(member.pk)).exists()


def test_registration_links_the_existing_customer_with_that_phone(org, tiers, clerk):
    first = register_member(actor=clerk, unit=org.shanghai, **form(1))
    second = register_member(actor=clerk, unit=org.shanghai, **form(1, card_number="C-2"))
    assert second.customer_id == first.customer_id
    assert Customer.objects.count() == 1


def test_registration_lists_missing_fields_but_needs_name_and_phone(org, tiers, clerk):
    member = register_member(actor=clerk, unit=org.shanghai, name="李四", phone="13900000000")
    assert member.missing_fields == ["gender", "birthday", "id_number", "address"]
    with pytest.raises(ValidationFailed) as exc:
        register_member(actor=clerk, unit=org.shanghai, name=" ", phone="12")
    assert set(exc.value.details) == {"name", "phone"}


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("id_number", "310101199003070010"),  # wrong check digit
        ("gender", "x"),
        ("birthday", date(2999, 1, 1)),
        ("email", "not-an-email"),
        ("phone", "021-5555"),
    ],
)
def test_registration_refuses_bad_fields_and_writes_nothing(org, tiers, clerk, field, value):
    with pytest.raises(ValidationFailed) as exc:
        register_member(actor=clerk, unit=org.shanghai, **form(1, **{field: value}))
    assert list(exc.value.details) == [field]
    assert Member.objects.count() == 0
    assert Customer.objects.count() == 0


def test_clerk_cannot_register_at_another_store(org, tiers, clerk):
    with pytest.raises(PermissionDenied):
        register_member(actor=clerk, unit=org.guangzhou, **form(1))
    assert Member.objects.count() == 0


def test_duplicate_card_number_is_refused(org, tiers, clerk):
    register_member(actor=clerk, unit=org.shanghai, **form(1, card_number="888"))
    with pytest.raises(DuplicateCardNumber):
        register_member(actor=clerk, unit=org.shanghai, **form(2, card_number="888"))


def test_audit_flow_return_complete_resubmit_file(org, tiers, clerk, keeper):
    member = register_member(
        actor=clerk, unit=org.shanghai, **form(1, id_number="", address="", birthday=None)
    )
    assert member.missing_fields == ["birthday", "id_number", "address"]
    with pytest.raises(MemberIncomplete) as exc:
        file_member(actor=keeper, member=member)
    assert exc.value.details == {"missing_fields": ["birthday", "id_number", "address"]}
    member.refresh_from_db()
    assert member.status == MemberStatus.PENDING

    returned = return_member(actor=keeper, member=member, reason="请补充身份证复印件")
    assert returned.status == MemberStatus.RETURNED
    assert returned.missing_fields == ["birthday", "id_number", "address"]
    assert returned.return_reason == "请补充身份证复印件"
    assert returned.audited_by == keeper

    completed = update_member(
        actor=clerk,
        member=returned,
        id_number=form(1)["id_number"],
        address="上海市黄浦区",
        birthday=date(1990, 3, 7),
    )
    assert completed.missing_fields == []
    assert completed.status == MemberStatus.RETURNED
    resubmitted = submit_member(actor=clerk, member=completed)
    assert resubmitted.status == MemberStatus.PENDING
    done = file_member(actor=keeper, member=resubmitted)
    assert done.status == MemberStatus.FILED
    assert done.missing_fields == []
    assert done.return_reason == ""
    actions = list(
        AuditEvent.objects.filter(object_id=str(member.pk), action__startswith="member.")
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == [
        "member.register",
        "member.return",
        "member.update",
        "member.submit",
        "member.file",
    ]


def test_return_names_extra_fields_and_needs_a_reason_when_complete(org, tiers, clerk, keeper):
    member = register_member(actor=clerk, unit=org.shanghai, **form(1))
    with pytest.raises(ValidationFailed):
        return_member(actor=keeper, member=member)
    out = return_member(actor=keeper, member=member, missing=["email"], reason="")
    assert out.missing_fields == ["email"]


def test_clerk_cannot_audit_and_keeper_cannot_resubmit_pending(org, tiers, clerk, keeper):
    member = register_member(actor=clerk, unit=org.shanghai, **form(1))
    with pytest.raises(PermissionDenied):
        file_member(actor=clerk, member=member)
    with pytest.raises(PermissionDenied):
        return_member(actor=clerk, member=member, reason="x")
    with pytest.raises(WrongMemberStatus):
        submit_member(actor=clerk, member=member)
    member.refresh_from_db()
    assert member.status == MemberStatus.PENDING


def test_store_cannot_edit_a_filed_member_but_hq_can(org, filed, clerk, keeper):
    with pytest.raises(PermissionDenied):
        update_member(actor=clerk, member=filed, address="新地址")
    out = update_member(actor=keeper, member=filed, address="上海市徐汇区")
    assert out.address == "上海市徐汇区"
    with pytest.raises(ValidationFailed):
        update_member(actor=keeper, member=filed, status="filed")


def test_renew_extends_from_expiry_and_cancel_needs_reason(org, filed, clerk, keeper):
    before = filed.expires_on
    renewed = renew_member(actor=clerk, member=filed)
    assert renewed.expires_on == add_months(before, 12)
    with pytest.raises(ValidationFailed):
        cancel_member(actor=keeper, member=filed, reason=" ")
    cancelled = cancel_member(actor=keeper, member=filed, reason="本人申请注销")
    assert cancelled.status == MemberStatus.CANCELLED
    with pytest.raises(WrongMemberStatus):
        renew_member(actor=clerk, member=cancelled)


def test_fields_named_by_hq_stay_listed_until_changed(org, tiers, clerk, keeper):
    member = register_member(actor=clerk, unit=org.shanghai, **form(1))
    returned = return_member(actor=keeper, member=member, missing=["email", "address"])
    assert returned.missing_fields == ["email", "address"]
    edited = update_member(actor=clerk, member=returned, email="a@example.com")
    assert edited.missing_fields == ["address"]
    edited = update_member(actor=clerk, member=edited, address="上海市静安区")
    assert edited.missing_fields == []


def test_registration_date_cannot_lie_in_the_future(org, tiers, clerk):
    with pytest.raises(ValidationFailed) as exc:
        register_member(actor=clerk, unit=org.shanghai, **form(1), registered_on=date(2999, 1, 1))
    assert list(exc.value.details) == ["registered_on"]


def test_resubmitting_an_incomplete_form_is_refused(org, tiers, clerk, keeper):
    member = register_member(actor=clerk, unit=org.shanghai, **form(1, address=""))
    returned = return_member(actor=keeper, member=member, reason="缺地址")
    with pytest.raises(MemberIncomplete) as exc:
        submit_member(actor=clerk, member=returned)
    assert exc.value.details == {"missing_fields": ["address"]}
    returned.refresh_from_db()
    assert returned.status == MemberStatus.RETURNED
