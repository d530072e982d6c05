"""Registering a member at a store (《会员申请表》), correcting and resubmitting it."""

from __future__ import annotations

import secrets
from datetime import date
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kefu.core.errors import ValidationFailed
from kefu.core.services.audit import diff_fields, record_audit
from kefu.members.access import can_work_at, require_manage, require_work_at
from kefu.members.choices import MemberStatus
from kefu.members.dates import add_months
from kefu.members.errors import DuplicateCardNumber, MemberIncomplete, WrongMemberStatus
from kefu.members.models import Member, MemberTier
from kefu.members.services.customer_link import find_or_create_customer
from kefu.members.services.validation import (
    FORM_FIELDS,
    clean_form,
    field_names,
    missing_fields,
)

if TYPE_CHECKING:
    from kefu.core.models import OrgUnit, User

DEFAULT_VALIDITY_MONTHS = 12
EDITABLE_BY_STORE = (MemberStatus.PENDING, MemberStatus.RETURNED)


def entry_tier() -> MemberTier | None:
    """The lowest active tier, which new members start in."""
    return MemberTier.objects.filter(is_active=True).order_by("level").first()


def new_card_number(today: date) -> str:
    """yyyymm + 6 random digits, unused so far (12 digits, as printed on the cards)."""
    for _attempt in range(20):
        number = f"{today:%Y%m}{secrets.randbelow(10**6):06d}"
        if not Member.objects.filter(card_number=number).exists():
            return number
    raise DuplicateCardNumber()  # pragma: no cover - a full month of numbers


def _check_card(card_number: str, errors: dict[str, str], exclude: int | None = None) -> str:
    card_number = card_number.strip()
    if len(card_number) > 32:
        errors["card_number"] = _("At most %(n)d characters.") % {"n": 32}
    elif (
        card_number
        and Member.objects.filter(card_number=card_number).exclude(pk=exclude or 0).exists()
    ):
        raise DuplicateCardNumber(details={"card_number": _("This card number is in use.")})
    return card_number


def register_member(
    *,
    actor: User,
    unit: OrgUnit,
    name: str,
    phone: str,
    gender: str = "",
    birthday: date | None = None,
    id_number: str = "",
    address: str = "",
    email: str = "",
    occupation: str = "",
    company: str = "",
    card_number: str = "",
    registered_on: date | None = None,
    tier: MemberTier | None = None,
) -> Member:
    """A member registered at `unit` (a store) waits for headquarters' audit (待审核).
    Name and mobile are needed now; what else is missing is listed for the audit."""
    require_work_at(actor, unit)
    today = timezone.localdate()
    raw: dict[str, Any] = {
        "name": name,
        "phone": phone,
        "gender": gender,
        "birthday": birthday,
        "id_number": id_number,
        "address": address,
        "email": email,
        "occupation": occupation,
        "company": company,
    }
    values, errors = clean_form(raw, today=today)
    if not values["name"]:
        errors.setdefault("name", _("Enter the member's name."))
    if not values["phone"]:
        errors.setdefault("phone", _("Enter the member's mobile number."))
    card = _check_card(card_number, errors)
    if registered_on is not None and not date(1990, 1, 1) <= registered_on <= today:
        errors["registered_on"] = _("Enter a registration date that is not in the future.")
    if errors:
        raise ValidationFailed(details=errors)
    registered_on = registered_on or today
    tier = tier or entry_tier()
    months = tier.validity_months if tier is not None else DEFAULT_VALIDITY_MONTHS
    with transaction.atomic():
        customer = find_or_create_customer(
            actor=actor, unit=unit, name=values["name"], phone=values["phone"]
        )
        member = Member.objects.create(
            customer=customer,
            unit=unit,
            card_number=card or new_card_number(registered_on),
            tier=tier,
            status=MemberStatus.PENDING,
            registered_on=registered_on,
            expires_on=add_months(registered_on, months),
            missing_fields=missing_fields(values),
            registered_by=actor,
            **values,
        )
        record_audit(
            actor=actor,
            action="member.register",
            obj=member,
            unit=unit,
            changes={"card_number": member.card_number, "missing": member.missing_fields},
        )
    return member


def _require_editable(actor: User, member: Member) -> None:
    if member.status in EDITABLE_BY_STORE and can_work_at(actor, member.unit):
        return
    if member.status == MemberStatus.CANCELLED:
        raise WrongMemberStatus(_("A cancelled membership cannot be changed."))
    require_manage(actor, member.unit)


def _still_missing(member: Member, changed: set[str]) -> list[str]:
    """Empty required fields, plus the fields headquarters named that were not changed."""
    empty = missing_fields({k: getattr(member, k) for k in FORM_FIELDS})
    named = [f for f in member.missing_fields or [] if f not in empty and f not in changed]
    return [*empty, *named]


def update_member(*, actor: User, member: Member, **fields: Any) -> Member:
    """Correct the application form. The store edits pending and returned ones; headquarters
    (MANAGE_MEMBERS) edits any. Recomputes the missing fields."""
    unknown = set(fields) - set(FORM_FIELDS) - {"card_number"}
    if unknown:
        raise ValidationFailed(details={k: _("This field cannot be changed.") for k in unknown})
    _require_editable(actor, member)
    values, errors = clean_form(fields, today=timezone.localdate())
    if "name" in values and not values["name"]:
        errors["name"] = _("Enter the member's name.")
    if "phone" in values and not values["phone"]:
        errors["phone"] = _("Enter the member's mobile number.")
    if "card_number" in fields:
        values["card_number"] = _check_card(str(fields["card_number"] or ""), errors, member.pk)
        if not values["card_number"]:
            errors["card_number"] = _("Enter a card number.")
    if errors:
        raise ValidationFailed(details=errors)
    with transaction.atomic():
        locked = Member.objects.select_for_update().get(pk=member.pk)
        before = {k: getattr(locked, k) for k in values}
        for key, value in values.items():
            setattr(locked, key, value)
        locked.missing_fields = _still_missing(locked, changed=set(values))
        locked.save()
        record_audit(
            actor=actor,
            action="member.update",
            obj=locked,
            unit=member.unit,
            # field names only: the audit log cannot be erased, the member's data can
            changes={"fields": sorted(diff_fields(before, values))},
        )
    return locked


def submit_member(*, actor: User, member: Member) -> Member:
    """The store sends a returned (退回补充) form back to headquarters: pending again.
    Refused while a required field is still empty (the list says which)."""
    require_work_at(actor, member.unit)
    with transaction.atomic():
        locked = Member.objects.select_for_update().get(pk=member.pk)
        if locked.status != MemberStatus.RETURNED:
            raise WrongMemberStatus(_("Only a returned application can be resubmitted."))
        empty = missing_fields({k: getattr(locked, k) for k in FORM_FIELDS})
        if empty:
            raise MemberIncomplete(
                _("Complete the form before resubmitting it: %s.") % field_names(empty),
                details={"missing_fields": empty},
            )
        locked.status = MemberStatus.PENDING
        locked.missing_fields = []
        locked.save(update_fields=["status", "missing_fields", "updated_at"])
        record_audit(
            actor=actor,
            action="member.submit",
            obj=locked,
            unit=member.unit,
            changes={"missing": locked.missing_fields},
        )
    return locked
