"""Tier settings (headquarters)."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from kefu.core.errors import PermissionDenied, ValidationFailed
from kefu.core.services.audit import diff_fields, record_audit
from kefu.members.access import can_manage_tiers
from kefu.members.models import MemberTier

if TYPE_CHECKING:
    from kefu.core.models import User

FIELDS = ("code", "name", "level", "min_spend", "points_per_yuan", "validity_months", "is_active")


def _others(pk: int | None) -> QuerySet[MemberTier]:
    qs = MemberTier.objects.all()
    return qs if pk is None else qs.exclude(pk=pk)


def _clean(values: dict[str, Any], pk: int | None) -> dict[str, Any]:
    errors: dict[str, str] = {}
    out = dict(values)
    if "code" in out:
        out["code"] = str(out["code"]).strip()
        if not out["code"] or len(out["code"]) > 20:
            errors["code"] = _("Enter a code of at most 20 characters.")
        elif _others(pk).filter(code=out["code"]).exists():
            errors["code"] = _("This code is in use.")
    if "name" in out:
        out["name"] = str(out["name"]).strip()
        if not out["name"] or len(out["name"]) > 40:
            errors["name"] = _("Enter a name of at most 40 characters.")
    if "level" in out:
        if not 0 <= out["level"] <= 100:
            errors["level"] = _("Between 0 and 100.")
        elif _others(pk).filter(level=out["level"]).exists():
            errors["level"] = _("Another tier has this level.")
    for key, top in (("min_spend", Decimal("1e12")), ("points_per_yuan", Decimal("1000"))):
        if key in out and not Decimal(0) <= out[key] < top:
            errors[key] = _("Enter a number from 0.")
    if "validity_months" in out and not 1 <= out["validity_months"] <= 120:
        errors["validity_months"] = _("Between 1 and 120 months.")
    if errors:
        raise ValidationFailed(details=errors)
    return out


def save_tier(*, actor: User, tier: MemberTier | None = None, **values: Any) -> MemberTier:
    """Create a tier (tier=None) or change one."""
    if not can_manage_tiers(actor):
        raise PermissionDenied()
    unknown = set(values) - set(FIELDS)
    if unknown:
        raise ValidationFailed(details={k: _("Unknown field.") for k in unknown})
    if tier is None and not {"code", "name", "level"} <= set(values):
        raise ValidationFailed(details={"code": _("Code, name and level are required.")})
    clean = _clean(values, tier.pk if tier is not None else None)
    with transaction.atomic():
        if tier is None:
            saved = MemberTier.objects.create(**clean)
            saved.refresh_from_db()  # decimals as stored (1 → 1.00)
            changes: dict[str, Any] = {k: str(v) for k, v in clean.items()}
        else:
            saved = MemberTier.objects.select_for_update().get(pk=tier.pk)
            before = {k: getattr(saved, k) for k in clean}
            for key, value in clean.items():
                setattr(saved, key, value)
            saved.save()
            changes = diff_fields(before, clean)
        record_audit(actor=actor, action="member.tier.save", obj=saved, changes=changes)
    return saved
