"""Bulk registration of members (the member register import): customers found by phone or
created, members, opening points lots — a few statements per batch."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kefu.core.errors import ValidationFailed
from kefu.core.selectors.scope import restrict_to_scope
from kefu.core.services.audit import record_audit
from kefu.customers.choices import CustomerKind, Source
from kefu.customers.models import Customer, CustomerPhone
from kefu.customers.names import name_key
from kefu.members.access import require_manage
from kefu.members.choices import MemberStatus, PointsKind
from kefu.members.dates import add_months
from kefu.members.errors import DuplicateCardNumber
from kefu.members.models import Member, MemberTier, PointsEntry
from kefu.members.services.points import points_valid_until
from kefu.members.services.registration import DEFAULT_VALIDITY_MONTHS, entry_tier
from kefu.members.services.validation import missing_fields

if TYPE_CHECKING:
    from kefu.core.models import OrgUnit, User


@dataclass
class MemberRow:
    """A clean row of the member register (fields already checked)."""

    unit: OrgUnit
    card_number: str
    name: str
    phone: str
    gender: str = ""
    birthday: date | None = None
    id_number: str = ""
    address: str = ""
    email: str = ""
    occupation: str = ""
    company: str = ""
    registered_on: date | None = None
    expires_on: date | None = None
    tier: MemberTier | None = None
    status: str = ""  # empty: filed when complete, else pending
    points: int = 0  # opening balance


def _customers(actor: User, rows: Sequence[MemberRow]) -> dict[str, int]:
    """phone → customer id: existing customers (in the actor's scope) or new ones."""
    phones = {r.phone for r in rows}
    found = dict(
        restrict_to_scope(
            CustomerPhone.objects.filter(number__in=phones), actor, field="customer__unit"
        )
        .order_by("customer_id")
        .values_list("number", "customer_id")
    )
    new_rows = {r.phone: r for r in rows if r.phone not in found}
    made = Customer.objects.bulk_create(
        [
            Customer(
                unit=r.unit,
                name=r.name,
                name_key=name_key(r.name, CustomerKind.PERSON),
                kind=CustomerKind.PERSON,
                source=Source.IMPORT,
                source_unit=r.unit,
                email=r.email,
                id_number=r.id_number,
                address=r.address,
            )
            for r in new_rows.values()
        ],
        batch_size=1000,
    )
    CustomerPhone.objects.bulk_create(
        [
            CustomerPhone(customer=c, number=phone, is_primary=True)
            for c, phone in zip(made, new_rows, strict=True)
        ],
        batch_size=1000,
    )
    found.update({phone: c.pk for c, phone in zip(made, new_rows, strict=True)})
    return found


def _member(row: MemberRow, customer_id: int, default: MemberTier | None, actor: User) -> Member:
    today = timezone.localdate()
    tier = row.tier or default
    registered = row.registered_on or today
    term = tier.validity_months if tier is not None else DEFAULT_VALIDITY_MONTHS
    values = {k: getattr(row, k) for k in ("name", "gender", "birthday", "phone", "id_number")}
    values["address"] = row.address
    missing = missing_fields(values)
    status = row.status or (MemberStatus.PENDING if missing else MemberStatus.FILED)
    return Member(
        customer_id=customer_id,
        unit=row.unit,
        card_number=row.card_number,
        tier=tier,
        status=status,
        email=row.email,
        occupation=row.occupation,
        company=row.company,
        registered_on=registered,
        expires_on=row.expires_on or add_months(registered, term),
        missing_fields=missing,
        registered_by=actor,
        audited_by=actor if status == MemberStatus.FILED else None,
        audited_at=timezone.now() if status == MemberStatus.FILED else None,
        points_balance=max(row.points, 0),
        **values,
    )


def import_members(*, actor: User, rows: Sequence[MemberRow]) -> list[Member]:
    """Register many members at once (headquarters' import of a store's register). Card
    numbers must be new; a complete row without a status is filed directly."""
    for unit in {r.unit.pk: r.unit for r in rows}.values():
        require_manage(actor, unit)
    cards = [r.card_number for r in rows]
    if len(set(cards)) != len(cards) or any(not c for c in cards):
        raise ValidationFailed(details={"card_number": _("Card numbers must be unique.")})
    taken = list(Member.objects.filter(card_number__in=cards).values_list("card_number", flat=True))
    if taken:
        raise DuplicateCardNumber(details={"card_numbers": sorted(taken)[:20]})
    default = entry_tier()
    today = timezone.localdate()
    with transaction.atomic():
        customers = _customers(actor, rows)
        members = Member.objects.bulk_create(
            [_member(r, customers[r.phone], default, actor) for r in rows], batch_size=1000
        )
        PointsEntry.objects.bulk_create(
            [
                PointsEntry(
                    member=m,
                    kind=PointsKind.ADJUST,
                    points=m.points_balance,
                    balance_after=m.points_balance,
                    remaining=m.points_balance,
                    expires_on=points_valid_until(today),
                    reason=_("Opening balance (import)"),
                    actor=actor,
                )
                for m in members
                if m.points_balance > 0
            ],
            batch_size=1000,
        )
        record_audit(
            actor=actor,
            action="member.import",
            object_type="members.member",
            changes={
                "members": len(members),
                "filed": sum(1 for m in members if m.status == MemberStatus.FILED),
            },
        )
    return members
