"""Headquarters' completeness audit: return an incomplete form, file a complete one (已建档),
cancel a membership, renew one."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kefu.core.errors import ValidationFailed
from kefu.core.services.audit import record_audit
from kefu.members.access import require_manage, require_work_at
from kefu.members.choices import MemberStatus
from kefu.members.dates import add_months
from kefu.members.errors import MemberIncomplete, WrongMemberStatus
from kefu.members.models import Member
from kefu.members.services.registration import DEFAULT_VALIDITY_MONTHS
from kefu.members.services.validation import FORM_FIELDS, field_names, missing_fields

if TYPE_CHECKING:
    from kefu.core.models import User


def _lock(member: Member) -> Member:
    return Member.objects.select_for_update(of=("self",)).select_related("tier").get(pk=member.pk)


def _missing(member: Member) -> list[str]:
    return missing_fields({k: getattr(member, k) for k in FORM_FIELDS})


def return_member(
    *, actor: User, member: Member, reason: str = "", missing: list[str] | None = None
) -> Member:
    """Send a pending form back to the store (退回补充) with what is missing and why.
    The missing list is the empty required fields plus any the auditor names."""
    require_manage(actor, member.unit)
    reason = reason.strip()
    extra = list(missing or [])
    unknown = [f for f in extra if f not in FORM_FIELDS]
    if unknown:
        raise ValidationFailed(details={"missing_fields": _("Unknown fields: %s") % unknown})
    if len(reason) > 1000:
        raise ValidationFailed(details={"reason": _("At most %(n)d characters.") % {"n": 1000}})
    with transaction.atomic():
        locked = _lock(member)
        if locked.status != MemberStatus.PENDING:
            raise WrongMemberStatus(_("Only an application waiting for audit can be returned."))
        listed = list(dict.fromkeys([*_missing(locked), *extra]))
        if not listed and not reason:
            raise ValidationFailed(
                details={"reason": _("Say what the store must complete or correct.")}
            )
        locked.status = MemberStatus.RETURNED
        locked.missing_fields = listed
        locked.return_reason = reason
        locked.audited_by = actor
        locked.audited_at = timezone.now()
        locked.save()
        record_audit(
            actor=actor,
            action="member.return",
            obj=locked,
            unit=member.unit,
            changes={"missing": listed, "reason": reason},
        )
    return locked


def file_member(*, actor: User, member: Member) -> Member:
    """File a complete form (已建档). An incomplete one is refused with the missing list."""
    require_manage(actor, member.unit)
    with transaction.atomic():
        locked = _lock(member)
        if locked.status != MemberStatus.PENDING:
            raise WrongMemberStatus(_("Only an application waiting for audit can be filed."))
        missing = _missing(locked)
        if missing:
            raise MemberIncomplete(
                _("The form is incomplete: %s.") % field_names(missing),
                details={"missing_fields": missing},
            )
        locked.status = MemberStatus.FILED
        locked.missing_fields = []
        locked.return_reason = ""
        locked.audited_by = actor
        locked.audited_at = timezone.now()
        locked.save()
        record_audit(actor=actor, action="member.file", obj=locked, unit=member.unit)
    return locked


def cancel_member(*, actor: User, member: Member, reason: str) -> Member:
    require_manage(actor, member.unit)
    reason = reason.strip()
    if not reason or len(reason) > 1000:
        raise ValidationFailed(details={"reason": _("Give a reason (at most 1000 characters).")})
    with transaction.atomic():
        locked = _lock(member)
        if locked.status == MemberStatus.CANCELLED:
            raise WrongMemberStatus(_("The membership is already cancelled."))
        before = locked.status
        locked.status = MemberStatus.CANCELLED
        locked.save(update_fields=["status", "updated_at"])
        record_audit(
            actor=actor,
            action="member.cancel",
            obj=locked,
            unit=member.unit,
            changes={"status": [before, locked.status], "reason": reason},
        )
    return locked


def renew_member(*, actor: User, member: Member, months: int | None = None) -> Member:
    """Extend a filed membership by its tier's term (or `months`), from the later of today
    and the current expiry date."""
    require_work_at(actor, member.unit)
    if months is not None and not 1 <= months <= 120:
        raise ValidationFailed(details={"months": _("Between 1 and 120 months.")})
    with transaction.atomic():
        locked = _lock(member)
        if locked.status != MemberStatus.FILED:
            raise WrongMemberStatus(_("Only a filed membership can be renewed."))
        term = months or (
            locked.tier.validity_months if locked.tier is not None else DEFAULT_VALIDITY_MONTHS
        )
        start = max(locked.expires_on or timezone.localdate(), timezone.localdate())
        before = locked.expires_on
        locked.expires_on = add_months(start, term)
        locked.save(update_fields=["expires_on", "updated_at"])
        record_audit(
            actor=actor,
            action="member.renew",
            obj=locked,
            unit=member.unit,
            changes={"expires_on": [str(before), str(locked.expires_on)]},
        )
    return locked
