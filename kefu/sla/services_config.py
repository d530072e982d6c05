"""Managing SLA policies (settings pages and API): create, update, delete, reorder.

Policies apply to every unit, so changing them needs `Perm.CONFIGURE` at headquarters.
Changes apply to tickets opened afterwards; running clocks keep their due times."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from kefu.core import config_cache
from kefu.core.errors import Conflict, PermissionDenied, ValidationFailed
from kefu.core.models import User
from kefu.core.permissions import Perm
from kefu.core.selectors.scope import has_perm_at_top
from kefu.core.services.audit import diff_fields, record_audit
from kefu.customers.choices import Grade
from kefu.sla.models import SlaPolicy
from kefu.tickets.choices import Channel, Priority, TicketType
from kefu.tickets.models import Ticket

MAX_MINUTES = 366 * 24 * 60
FIELDS = (
    "name",
    "order",
    "is_active",
    "ticket_type",
    "priority",
    "customer_grade",
    "channel",
    "first_response_minutes",
    "next_response_minutes",
    "resolution_minutes",
    "business_time",
    "warn_ratio",
)
_CHOICES = {
    "ticket_type": TicketType.values,
    "priority": Priority.values,
    "customer_grade": Grade.values,
    "channel": Channel.values,
}


def require_configure(actor: User) -> None:
    if not has_perm_at_top(actor, Perm.CONFIGURE):
        raise PermissionDenied(_("Only managers at headquarters can change these settings."))


def _minutes(value: Any) -> tuple[int | None, str | None]:
    if value is None or value == "":
        return None, None
    if isinstance(value, bool) or not isinstance(value, int | str):
        return None, _("Enter a whole number of minutes.")
    try:
        number = int(value)
    except ValueError:
        return None, _("Enter a whole number of minutes.")
    if not 1 <= number <= MAX_MINUTES:
        return None, _("Between 1 minute and 366 days.")
    return number, None


def _ratio(value: Any) -> tuple[Decimal | None, str | None]:
    try:
        ratio = Decimal(str(value)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        return None, _("Enter a share between 0.05 and 0.99.")
    if not Decimal("0.05") <= ratio <= Decimal("0.99"):
        return None, _("Enter a share between 0.05 and 0.99.")
    return ratio, None


def _clean(fields: dict[str, Any], policy: SlaPolicy | None) -> dict[str, Any]:
    unknown = set(fields) - set(FIELDS)
    errors: dict[str, str] = {key: _("Unknown field.") for key in sorted(unknown)}
    out: dict[str, Any] = {}
    for key, value in fields.items():
        if key in unknown:
            continue
        if key == "name":
            name = str(value or "").strip()
            if not name or len(name) > 100:
                errors[key] = _("Enter a name of at most 100 characters.")
            elif SlaPolicy.objects.filter(name=name).exclude(pk=policy.pk if policy else 0):
                errors[key] = _("Another policy has this name.")
            out[key] = name
        elif key == "order":
            number, error = _minutes(value)
            if error or number is None:
                errors[key] = _("Enter a positive whole number.")
            out[key] = number
        elif key in ("is_active", "business_time"):
            if not isinstance(value, bool):
                errors[key] = _("Enter true or false.")
            out[key] = value
        elif key in _CHOICES:
            text = str(value or "")
            if text and text not in _CHOICES[key]:
                errors[key] = _("Not a valid choice.")
            out[key] = text
        elif key == "warn_ratio":
            out[key], error = _ratio(value)
            if error:
                errors[key] = error
        else:
            out[key], error = _minutes(value)
            if error:
                errors[key] = error
    if policy is None and "name" not in fields:
        errors["name"] = _("Enter a name.")
    if errors:
        raise ValidationFailed(details=errors)
    return out


def _snapshot(policy: SlaPolicy) -> dict[str, Any]:
    return {key: getattr(policy, key) for key in FIELDS}


def create_policy(*, actor: User, **fields: Any) -> SlaPolicy:
    require_configure(actor)
    clean = _clean(fields, None)
    with transaction.atomic():
        policy = SlaPolicy.objects.create(**clean)
        record_audit(
            actor=actor,
            action="sla_policy.create",
            obj=policy,
            changes=diff_fields({}, _snapshot(policy)),
        )
    return policy


def update_policy(*, actor: User, policy: SlaPolicy, **fields: Any) -> SlaPolicy:
    require_configure(actor)
    clean = _clean(fields, policy)
    with transaction.atomic():
        locked = SlaPolicy.objects.select_for_update().get(pk=policy.pk)
        before = _snapshot(locked)
        for key, value in clean.items():
            setattr(locked, key, value)
        locked.save()
        changes = diff_fields(before, _snapshot(locked))
        if changes:
            record_audit(actor=actor, action="sla_policy.update", obj=locked, changes=changes)
    return locked


def delete_policy(*, actor: User, policy: SlaPolicy) -> None:
    """Only a policy no ticket used; otherwise deactivate it (its history stays readable)."""
    require_configure(actor)
    with transaction.atomic():
        if Ticket.objects.filter(sla_policy=policy).exists():
            raise Conflict(_("Tickets use this policy; deactivate it instead."))
        record_audit(actor=actor, action="sla_policy.delete", obj=policy)
        policy.delete()


def reorder_policies(*, actor: User, ids: list[int]) -> None:
    """`ids` in the new matching order (10, 20, 30 …); every policy must be listed once."""
    require_configure(actor)
    with transaction.atomic():
        policies = {p.pk: p for p in SlaPolicy.objects.select_for_update()}
        if sorted(ids) != sorted(policies):
            raise ValidationFailed(details={"ids": _("List every policy exactly once.")})
        for position, pk in enumerate(ids, start=1):
            policies[pk].order = position * 10
        SlaPolicy.objects.bulk_update(policies.values(), ["order"])
        config_cache.invalidate()  # a bulk update sends no model signal
        record_audit(
            actor=actor,
            action="sla_policy.reorder",
            object_type="sla.slapolicy",
            changes={"order": ids},
        )
