"""The points ledger: earn (on purchases), redeem, adjust, expire.

Every change locks the member row, writes ledger entries with the balance after them and
keeps `Member.points_balance` equal to the sum of the open lots' `remaining`. Earned and
positively adjusted points form lots; redemptions, negative adjustments and expiry consume
lots first-in first-out (soonest expiry first). A balance never goes below zero (checked
here with a clear message, and by a database constraint)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kefu.core.errors import ValidationFailed
from kefu.core.services.audit import record_audit
from kefu.members.access import require_manage, require_work_at
from kefu.members.choices import MemberStatus, PointsKind
from kefu.members.dates import add_months
from kefu.members.errors import InsufficientPoints, WrongMemberStatus
from kefu.members.locks import lock_member, locked_members
from kefu.members.models import Member, PointsEntry
from kefu.members.services.rows import update_rows

if TYPE_CHECKING:
    from kefu.core.models import User

MAX_POINTS = 10_000_000


def points_valid_until(earned_on: date) -> date:
    """Points expire at the end of the day `KEFU_MEMBER_POINTS_VALID_MONTHS` (24) later."""
    months = int(getattr(settings, "KEFU_MEMBER_POINTS_VALID_MONTHS", 24))
    return add_months(earned_on, months)


def _check_amount(points: int) -> None:
    if not 0 < abs(points) <= MAX_POINTS:
        raise ValidationFailed(
            details={"points": _("Enter a whole number from 1 to %(n)d.") % {"n": MAX_POINTS}}
        )


def _consume(member: Member, points: int) -> None:
    """Take `points` from the member's open lots, soonest expiry first (member locked)."""
    lots = list(
        PointsEntry.objects.filter(member=member, remaining__gt=0).order_by("expires_on", "id")
    )
    left = points
    touched = []
    for lot in lots:
        if left == 0:
            break
        take = min(left, lot.remaining or 0)
        lot.remaining = (lot.remaining or 0) - take
        left -= take
        touched.append(lot)
    update_rows(touched, ["remaining"])


def _refuse_overdraw(member: Member, points: int) -> None:
    if member.points_balance < points:
        raise InsufficientPoints(
            _("Only %(balance)d points available; %(points)d requested.")
            % {"balance": member.points_balance, "points": points},
            details={"balance": member.points_balance, "requested": points},
        )


@dataclass(frozen=True)
class PointsChange:
    member: Member
    entry: PointsEntry


def redeem_points(*, actor: User, member: Member, points: int, reason: str = "") -> PointsChange:
    """Spend points (gift, discount). Refused with 409 `points_insufficient` when the
    balance is too small; nothing is written then."""
    require_work_at(actor, member.unit)
    _check_amount(points)
    if points < 0:
        raise ValidationFailed(details={"points": _("Enter a positive number.")})
    with transaction.atomic():
        locked = lock_member(member.pk)
        if locked.status != MemberStatus.FILED:
            raise WrongMemberStatus(_("Only a filed member can redeem points."))
        _refuse_overdraw(locked, points)
        _consume(locked, points)
        locked.points_balance -= points
        locked.save(update_fields=["points_balance", "updated_at"])
        entry = PointsEntry.objects.create(
            member=locked,
            kind=PointsKind.REDEEM,
            points=-points,
            balance_after=locked.points_balance,
            reason=reason.strip()[:200],
            actor=actor,
        )
        record_audit(
            actor=actor,
            action="member.points.redeem",
            obj=locked,
            unit=locked.unit,
            changes={"points": -points, "balance": locked.points_balance},
        )
    return PointsChange(locked, entry)


def adjust_points(*, actor: User, member: Member, points: int, reason: str) -> PointsChange:
    """A manager's correction (reason required). Positive: a new lot; negative: taken FIFO,
    never below zero."""
    require_manage(actor, member.unit)
    _check_amount(points)
    reason = reason.strip()
    if not reason or len(reason) > 200:
        raise ValidationFailed(details={"reason": _("Give a reason (at most 200 characters).")})
    with transaction.atomic():
        locked = lock_member(member.pk)
        if points < 0:
            _refuse_overdraw(locked, -points)
            _consume(locked, -points)
        locked.points_balance += points
        locked.save(update_fields=["points_balance", "updated_at"])
        today = timezone.localdate()
        entry = PointsEntry.objects.create(
            member=locked,
            kind=PointsKind.ADJUST,
            points=points,
            balance_after=locked.points_balance,
            remaining=points if points > 0 else None,
            expires_on=points_valid_until(today) if points > 0 else None,
            reason=reason,
            actor=actor,
        )
        record_audit(
            actor=actor,
            action="member.points.adjust",
            obj=locked,
            unit=locked.unit,
            # the reason stays in the ledger (erasable), not in the append-only log
            changes={"points": points, "balance": locked.points_balance, "entry_id": entry.pk},
        )
    return PointsChange(locked, entry)


def expire_points(*, today: date | None = None, batch_size: int = 500) -> int:
    """Expire every lot whose `expires_on` has passed and that still has points: one
    `expire` entry per lot, oldest first, in batches of members. Returns the entries made.
    Running it twice on a day makes nothing the second time."""
    today = today or timezone.localdate()
    created = 0
    while True:
        member_ids = list(
            PointsEntry.objects.filter(remaining__gt=0, expires_on__lt=today)
            .values_list("member_id", flat=True)
            .distinct()
            .order_by("member_id")[:batch_size]
        )
        if not member_ids:
            return created
        created += _expire_batch(member_ids, today)


def _expire_batch(member_ids: list[int], today: date) -> int:
    with transaction.atomic():
        members = {m.pk: m for m in locked_members(member_ids)}
        lots = PointsEntry.objects.filter(
            member_id__in=member_ids, remaining__gt=0, expires_on__lt=today
        ).order_by("member_id", "expires_on", "id")
        entries: list[PointsEntry] = []
        touched: list[PointsEntry] = []
        for lot in lots:
            member = members[lot.member_id]
            left = lot.remaining or 0
            member.points_balance -= left
            entries.append(
                PointsEntry(
                    member=member,
                    kind=PointsKind.EXPIRE,
                    points=-left,
                    balance_after=member.points_balance,
                    lot=lot,
                    reason=_("Points valid until %(date)s expired.") % {"date": lot.expires_on},
                )
            )
            lot.remaining = 0
            touched.append(lot)
        update_rows(touched, ["remaining"])
        PointsEntry.objects.bulk_create(entries, batch_size=1000)
        update_rows(list(members.values()), ["points_balance"])
        record_audit(
            actor=None,
            action="member.points.expire",
            object_type="members.member",
            changes={"members": len(members), "entries": len(entries)},
        )
    return len(entries)
