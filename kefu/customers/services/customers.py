"""Create and update a customer (客户档案). Audit rows name the fields that changed, never
the personal data (phones, ID numbers, addresses, e-mail) themselves."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from kefu.core.errors import ValidationFailed
from kefu.core.models import OrgUnit, User
from kefu.core.services.audit import record_audit
from kefu.customers.choices import CustomerKind, Grade, Source
from kefu.customers.models import Customer, CustomerPhone
from kefu.customers.names import name_key
from kefu.customers.services.common import Errors, bump, lock_customer, require_edit
from kefu.customers.services.parts import (
    apply_addresses,
    apply_contacts,
    apply_phones,
    apply_tags,
)

# values safe to show in the audit log; every other field is logged by name only
_PLAIN_FIELDS = ("kind", "grade", "is_key_account", "source", "unit", "source_unit")
_TEXT_LIMITS = {"name": 200, "address": 300, "notes": 5000}
_PATCHABLE = {
    *_TEXT_LIMITS,
    *_PLAIN_FIELDS,
    "email",
    "id_number",
    "account_manager",
    "phones",
    "tags",
}


def _clean_fields(data: dict[str, Any], errors: Errors) -> dict[str, Any]:
    """Validate the plain fields present in `data` (both create and PATCH use this)."""
    out: dict[str, Any] = {}
    for key, limit in _TEXT_LIMITS.items():
        if key in data:
            out[key] = errors.text(key, data[key], max_length=limit, required=key == "name")
    if "kind" in data:
        out["kind"] = errors.choice(
            "kind", data["kind"], CustomerKind.values, _("Choose person or company.")
        )
    if "grade" in data:
        out["grade"] = errors.choice(
            "grade", data["grade"], Grade.values, _("Choose a grade from A to D.")
        )
    if "source" in data:
        out["source"] = errors.choice(
            "source", data["source"] or "", ["", *Source.values], _("Choose a source.")
        )
    if "email" in data:
        out["email"] = errors.email("email", data["email"])
    if "id_number" in data:
        out["id_number"] = errors.id_number("id_number", data["id_number"])
    if "is_key_account" in data:
        out["is_key_account"] = errors.flag("is_key_account", data["is_key_account"])
    for key in ("account_manager", "source_unit", "unit"):
        if key in data:
            out[key] = data[key]
    return out


def create_customer(
    *,
    actor: User,
    unit: OrgUnit,
    name: str,
    kind: str = CustomerKind.PERSON,
    phones: list[str] | None = None,
    email: str = "",
    grade: str = Grade.C,
    is_key_account: bool = False,
    account_manager: User | None = None,
    address: str = "",
    id_number: str = "",
    notes: str = "",
    source: str = "",
    source_unit: OrgUnit | None = None,
    contacts: list[dict[str, Any]] | None = None,
    addresses: list[dict[str, Any]] | None = None,
    tags: list[str] | None = None,
) -> Customer:
    """A person or company with its phones, contacts, addresses and tags in one step."""
    require_edit(actor, unit)
    errors = Errors()
    fields = _clean_fields(
        {
            "name": name,
            "kind": kind,
            "grade": grade,
            "email": email,
            "id_number": id_number,
            "address": address,
            "notes": notes,
            "source": source,
            "is_key_account": is_key_account,
        },
        errors,
    )
    numbers = errors.phones("phones", phones)
    if errors:
        raise ValidationFailed(details=dict(errors))
    with transaction.atomic():
        customer = Customer.objects.create(
            unit=unit,
            name_key=name_key(fields["name"], fields["kind"]),
            account_manager=account_manager,
            source_unit=source_unit,
            **fields,
        )
        CustomerPhone.objects.bulk_create(
            CustomerPhone(customer=customer, number=n, is_primary=i == 0)
            for i, n in enumerate(numbers)
        )
        parts = []
        if contacts:
            parts.append(apply_contacts(customer, contacts))
        if addresses:
            parts.append(apply_addresses(customer, addresses))
        if tags:
            parts.append(apply_tags(customer, tags))
        record_audit(
            actor=actor,
            action="customer.create",
            obj=customer,
            unit=unit,
            changes={
                "kind": customer.kind,
                "grade": customer.grade,
                "phones": len(numbers),
                "fields": sorted(k for k, v in fields.items() if v not in ("", False)),
                **{k: v for part in parts for k, v in part.items()},
            },
        )
    return customer


def update_customer(
    *,
    actor: User,
    customer: Customer,
    expected_version: int | None = None,
    **changes: Any,
) -> Customer:
    """PATCH: only the given fields change; `phones` and `tags` replace the whole set.
    With `expected_version` a concurrent change raises Conflict(code="customer_stale")."""
    unknown = set(changes) - _PATCHABLE
    if unknown:
        raise ValidationFailed(details={k: _("Unknown field.") for k in sorted(unknown)})
    errors = Errors()
    fields = _clean_fields(changes, errors)
    for key in ("phones", "tags", "unit"):
        if key in changes and changes[key] is None:  # an empty list clears; null is a mistake
            errors[key] = _("This field cannot be empty.")
    numbers = (
        errors.phones("phones", changes["phones"]) if changes.get("phones") is not None else None
    )
    if errors:
        raise ValidationFailed(details=dict(errors))
    with transaction.atomic():
        locked = lock_customer(actor, customer, expected_version=expected_version)
        if "unit" in fields and fields["unit"].pk != locked.unit_id:
            require_edit(actor, fields["unit"])
        changed = _apply_fields(locked, fields)
        audit: dict[str, Any] = {}
        if numbers is not None and apply_phones(locked, numbers):
            changed.append("phones")
        if "tags" in changes:
            before = sorted(locked.tag_links.values_list("tag__name", flat=True))
            result = apply_tags(locked, changes["tags"])
            if sorted(result["tags"]) != before:
                audit.update(result)
                changed.append("tags")
        if not changed:
            return customer
        bump(locked, customer, *[f for f in changed if f not in {"phones", "tags"}])
        for key in _PLAIN_FIELDS:
            if key in fields and key in changed:
                audit[key] = getattr(locked, f"{key}_id" if key.endswith("unit") else key)
        record_audit(
            actor=actor,
            action="customer.update",
            obj=locked,
            unit=locked.unit,
            changes={"fields": sorted(f for f in changed if f != "name_key"), **audit},
        )
    return customer


def _apply_fields(locked: Customer, fields: dict[str, Any]) -> list[str]:
    changed: list[str] = []
    for key, value in fields.items():
        current = getattr(locked, f"{key}_id") if key in _FK_FIELDS else getattr(locked, key)
        new = value.pk if key in _FK_FIELDS and value is not None else value
        if current != new:
            setattr(locked, key, value)
            changed.append(key)
    if "name" in changed or "kind" in changed:
        locked.name_key = name_key(locked.name, locked.kind)
        changed.append("name_key")
    return changed


_FK_FIELDS = {"unit", "account_manager", "source_unit"}
