"""Purchases: one from the record form or API, many from an import. Both go through
`record_purchases`, which writes the purchases, the earned points lots and the members'
new totals and tiers in a few bulk statements."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from decimal import ROUND_FLOOR, Decimal
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kefu.core.errors import ValidationFailed
from kefu.core.services.audit import record_audit
from kefu.members.access import require_work_at
from kefu.members.choices import MemberStatus, PointsKind, PurchaseSource
from kefu.members.errors import DuplicateReceipt, WrongMemberStatus
from kefu.members.locks import locked_members
from kefu.members.models import Member, MemberTier, PointsEntry, Purchase
from kefu.members.services.points import points_valid_until
from kefu.members.services.rows import update_rows

if TYPE_CHECKING:
    from kefu.core.models import OrgUnit, User

MAX_AMOUNT = Decimal("100000000")
TEXT_LIMITS = {"receipt_number": 64, "notes": 300, "items": 2000}


@dataclass(frozen=True)
class PurchaseRow:
    member_id: int
    unit: OrgUnit
    amount: Decimal
    purchased_at: datetime
    receipt_number: str = ""
    items: str = ""
    notes: str = ""


def points_for(amount: Decimal, tier: MemberTier | None) -> int:
    """amount × the tier's points per yuan, rounded down."""
    if tier is None:
        return 0
    return int((amount * tier.points_per_yuan).to_integral_value(rounding=ROUND_FLOOR))


def tier_for_spend(
    tiers: Sequence[MemberTier], current: MemberTier | None, spend: Decimal
) -> MemberTier | None:
    """The highest active tier whose threshold `spend` reaches; never a lower one."""
    best = current
    for tier in tiers:
        if tier.min_spend <= spend and (best is None or tier.level > best.level):
            best = tier
    return best


def _row_errors(i: int, row: PurchaseRow, now: datetime, many: bool) -> dict[str, str]:
    prefix = f"{i}." if many else ""
    errors: dict[str, str] = {}
    if not Decimal("0") < row.amount < MAX_AMOUNT:
        errors[prefix + "amount"] = _("Enter an amount above zero.")
    elif row.amount != row.amount.quantize(Decimal("0.01")):
        errors[prefix + "amount"] = _("At most two decimal places.")
    if row.purchased_at > now + timedelta(days=1):
        errors[prefix + "purchased_at"] = _("The purchase date lies in the future.")
    for key, limit in TEXT_LIMITS.items():
        if len(getattr(row, key)) > limit:
            errors[prefix + key] = _("At most %(n)d characters.") % {"n": limit}
    return errors


def _check_rows(actor: User, rows: Sequence[PurchaseRow]) -> None:
    checked: set[int] = set()
    for row in rows:
        if row.unit.pk not in checked:
            require_work_at(actor, row.unit)
            checked.add(row.unit.pk)
    now = timezone.now()
    errors: dict[str, str] = {}
    for i, row in enumerate(rows):
        errors.update(_row_errors(i, row, now, len(rows) > 1))
    if errors:
        raise ValidationFailed(details=errors)
    keys = [(r.unit.pk, r.receipt_number) for r in rows if r.receipt_number]
    if not keys:
        return
    dupes = {k for k, n in Counter(keys).items() if n > 1}
    wanted = set(keys)
    existing = Purchase.objects.filter(
        unit_id__in={k[0] for k in keys}, receipt_number__in={k[1] for k in keys}
    ).values_list("unit_id", "receipt_number")
    dupes |= {k for k in existing if k in wanted}
    if dupes:
        raise DuplicateReceipt(details={"receipt_numbers": sorted(r for _u, r in dupes)})


def _aware(row: PurchaseRow) -> PurchaseRow:
    """A date-time without a zone is local time."""
    if timezone.is_aware(row.purchased_at):
        return row
    return replace(row, purchased_at=timezone.make_aware(row.purchased_at))


def record_purchases(
    *,
    actor: User,
    rows: Sequence[PurchaseRow],
    source: str = PurchaseSource.MANUAL,
) -> list[Purchase]:
    """Record purchases (in input order returned): points at each member's tier rate at the
    time of the purchase (oldest first), lifetime spend, tier upgrades. Receipt numbers must
    be new per store; a cancelled member is refused."""
    if not rows:
        return []
    rows = [_aware(r) for r in rows]
    _check_rows(actor, rows)
    tiers = list(MemberTier.objects.filter(is_active=True).order_by("level"))
    with transaction.atomic():
        members = {m.pk: m for m in locked_members(r.member_id for r in rows)}
        if len(members) != len({r.member_id for r in rows}):
            raise ValidationFailed(details={"member_id": _("Member not found.")})
        if any(m.status == MemberStatus.CANCELLED for m in members.values()):
            raise WrongMemberStatus(_("A cancelled member cannot collect purchases."))
        before = {pk: m.tier_id for pk, m in members.items()}
        order = sorted(range(len(rows)), key=lambda i: (rows[i].member_id, rows[i].purchased_at))
        purchases: list[Purchase | None] = [None] * len(rows)
        balances: dict[int, int] = {}
        for i in order:
            row, member = rows[i], members[rows[i].member_id]
            earned = points_for(row.amount, member.tier)
            member.lifetime_spend += row.amount
            member.points_balance += earned
            balances[i] = member.points_balance
            member.tier = tier_for_spend(tiers, member.tier, member.lifetime_spend)
            purchases[i] = Purchase(
                member=member,
                unit=row.unit,
                purchased_at=row.purchased_at,
                amount=row.amount,
                receipt_number=row.receipt_number,
                items=row.items,
                notes=row.notes,
                points_earned=earned,
                source=source,
                created_by=actor,
            )
        made = Purchase.objects.bulk_create([p for p in purchases if p is not None], 1000)
        _write_ledger(actor, made, balances, order)
        update_rows(list(members.values()), ["points_balance", "lifetime_spend", "tier"])
        _audit(actor, made, members, before, source)
    return made


def _write_ledger(
    actor: User, made: list[Purchase], balances: dict[int, int], order: list[int]
) -> None:
    """Earn lots in the order they were applied, so each member's ledger reads in time."""
    PointsEntry.objects.bulk_create(
        [
            PointsEntry(
                member=p.member,
                kind=PointsKind.EARN,
                points=p.points_earned,
                balance_after=balances[i],
                remaining=p.points_earned,
                expires_on=points_valid_until(timezone.localdate(p.purchased_at)),
                purchase=p,
                actor=actor,
            )
            for i, p in ((i, made[i]) for i in order)
            if p.points_earned > 0
        ],
        batch_size=1000,
    )


def _audit(
    actor: User,
    made: list[Purchase],
    members: dict[int, Member],
    before: dict[int, int | None],
    source: str,
) -> None:
    if len(made) == 1:
        p = made[0]
        record_audit(
            actor=actor,
            action="member.purchase",
            obj=p.member,
            unit=p.unit,
            changes={"amount": str(p.amount), "points": p.points_earned, "purchase": p.pk},
        )
    else:
        record_audit(
            actor=actor,
            action="member.purchases",
            object_type="members.purchase",
            changes={"purchases": len(made), "members": len(members), "source": source},
        )
    for pk, member in members.items():
        if member.tier_id != before[pk] and member.tier is not None:
            record_audit(
                actor=actor,
                action="member.tier_upgrade",
                obj=member,
                unit=member.unit,
                changes={"tier": [before[pk], member.tier_id]},
            )


def record_purchase(
    *,
    actor: User,
    member: Member,
    amount: Decimal,
    purchased_at: datetime | None = None,
    unit: OrgUnit | None = None,
    receipt_number: str = "",
    items: str = "",
    notes: str = "",
) -> Purchase:
    """One purchase (the record form, the API). The store defaults to the member's."""
    row = PurchaseRow(
        member_id=member.pk,
        unit=unit or member.unit,
        amount=amount,
        purchased_at=purchased_at or timezone.now(),
        receipt_number=receipt_number.strip(),
        items=items.strip(),
        notes=notes.strip(),
    )
    return record_purchases(actor=actor, rows=[row])[0]
