"""The parts of a customer's archive: phones, contacts, addresses and tags.

Public functions (add_/update_/remove_/set_) lock the customer, check permission, bump its
version and write one audit row with field names only. The `apply_*` helpers assume the
customer is already locked and checked (create_customer and update_customer use them)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from kefu.core.errors import NotFound, ValidationFailed
from kefu.core.models import User
from kefu.core.services.audit import record_audit
from kefu.customers.models import Address, Contact, Customer, CustomerPhone, CustomerTag, Tag
from kefu.customers.services.common import MAX_PHONES, MAX_TAGS, Errors, bump, lock_customer

_CONTACT_LIMITS = {"name": 100, "title": 100, "notes": 300}
_ADDRESS_LIMITS = {
    "label": 40,
    "province": 40,
    "city": 40,
    "district": 40,
    "detail": 300,
    "postcode": 10,
}


def _audit(actor: User, customer: Customer, action: str, **changes: Any) -> None:
    record_audit(actor=actor, action=action, obj=customer, unit=customer.unit, changes=changes)


# --- phones ----------------------------------------------------------------------------------


def apply_phones(customer: Customer, numbers: list[str]) -> bool:
    """Replace the phone set (numbers already normalised); True when it changed."""
    current = list(customer.phones.order_by("-is_primary", "id").values_list("number", flat=True))
    if current == numbers:
        return False
    CustomerPhone.objects.filter(customer=customer).exclude(number__in=numbers).delete()
    keep = set(current) & set(numbers)
    CustomerPhone.objects.bulk_create(
        CustomerPhone(customer=customer, number=n) for n in numbers if n not in keep
    )
    CustomerPhone.objects.filter(customer=customer).update(is_primary=False)
    if numbers:
        CustomerPhone.objects.filter(customer=customer, number=numbers[0]).update(is_primary=True)
    return True


def add_phone(
    *, actor: User, customer: Customer, number: str, label: str = "", primary: bool = False
) -> CustomerPhone:
    errors = Errors()
    digits = errors.phone("number", number)
    label = errors.text("label", label, max_length=20)
    if errors:
        raise ValidationFailed(details=dict(errors))
    with transaction.atomic():
        locked = lock_customer(actor, customer)
        existing = list(locked.phones.all())
        if any(p.number == digits for p in existing):
            raise ValidationFailed(details={"number": _("This customer already has this number.")})
        if len(existing) >= MAX_PHONES:
            raise ValidationFailed(
                details={"number": _("At most %(n)d phone numbers.") % {"n": MAX_PHONES}}
            )
        if primary:
            locked.phones.update(is_primary=False)
        phone = CustomerPhone.objects.create(
            customer=locked, number=digits, label=label, is_primary=primary or not existing
        )
        bump(locked, customer)
        _audit(actor, locked, "customer.phone_add", fields=["phones"])
    return phone


def remove_phone(*, actor: User, customer: Customer, phone_id: int) -> None:
    with transaction.atomic():
        locked = lock_customer(actor, customer)
        phone = locked.phones.filter(pk=phone_id).first()
        if phone is None:
            raise NotFound()
        phone.delete()
        if phone.is_primary:
            first = locked.phones.order_by("id").first()
            if first is not None:
                locked.phones.filter(pk=first.pk).update(is_primary=True)
        bump(locked, customer)
        _audit(actor, locked, "customer.phone_remove", fields=["phones"])


# --- contacts --------------------------------------------------------------------------------


def _clean_contact(data: dict[str, Any], *, partial: bool = False) -> dict[str, Any]:
    errors = Errors()
    out: dict[str, Any] = {}
    for key, limit in _CONTACT_LIMITS.items():
        if key in data or (key == "name" and not partial):
            out[key] = errors.text(key, data.get(key), max_length=limit, required=key == "name")
    if "phone" in data:
        out["phone"] = errors.phone("phone", data["phone"], required=False)
    if "email" in data:
        out["email"] = errors.email("email", data["email"])
    if "is_primary" in data:
        out["is_primary"] = errors.flag("is_primary", data["is_primary"])
    unknown = set(data) - {*_CONTACT_LIMITS, "phone", "email", "is_primary"}
    for key in unknown:
        errors[key] = _("Unknown field.")
    if errors:
        raise ValidationFailed(details=dict(errors))
    return out


def apply_contacts(customer: Customer, contacts: list[dict[str, Any]]) -> dict[str, Any]:
    rows = [Contact(customer=customer, **_clean_contact(c)) for c in contacts]
    if sum(1 for r in rows if r.is_primary) > 1:
        raise ValidationFailed(details={"contacts": _("Only one primary contact.")})
    Contact.objects.bulk_create(rows)
    return {"contacts": len(rows)}


def add_contact(*, actor: User, customer: Customer, **data: Any) -> Contact:
    fields = _clean_contact(data)
    with transaction.atomic():
        locked = lock_customer(actor, customer)
        if fields.get("is_primary"):
            locked.contacts.update(is_primary=False)
        contact = Contact.objects.create(customer=locked, **fields)
        bump(locked, customer)
        _audit(
            actor, locked, "customer.contact_add", fields=sorted(k for k, v in fields.items() if v)
        )
    return contact


def update_contact(*, actor: User, customer: Customer, contact_id: int, **data: Any) -> Contact:
    fields = _clean_contact(data, partial=True)
    with transaction.atomic():
        locked = lock_customer(actor, customer)
        contact = locked.contacts.filter(pk=contact_id).first()
        if contact is None:
            raise NotFound()
        changed = [k for k, v in fields.items() if getattr(contact, k) != v]
        if fields.get("is_primary"):
            locked.contacts.exclude(pk=contact.pk).update(is_primary=False)
        for key in changed:
            setattr(contact, key, fields[key])
        if changed:
            contact.save()
            bump(locked, customer)
            _audit(actor, locked, "customer.contact_update", fields=sorted(changed))
    return contact


def remove_contact(*, actor: User, customer: Customer, contact_id: int) -> None:
    with transaction.atomic():
        locked = lock_customer(actor, customer)
        deleted, _rows = locked.contacts.filter(pk=contact_id).delete()
        if not deleted:
            raise NotFound()
        bump(locked, customer)
        _audit(actor, locked, "customer.contact_remove", fields=["contacts"])


# --- addresses -------------------------------------------------------------------------------


def _clean_address(data: dict[str, Any], *, partial: bool = False) -> dict[str, Any]:
    errors = Errors()
    out: dict[str, Any] = {}
    for key, limit in _ADDRESS_LIMITS.items():
        if key in data or (key == "detail" and not partial):
            out[key] = errors.text(key, data.get(key), max_length=limit, required=key == "detail")
    if "is_default" in data:
        out["is_default"] = errors.flag("is_default", data["is_default"])
    for key in set(data) - {*_ADDRESS_LIMITS, "is_default"}:
        errors[key] = _("Unknown field.")
    if errors:
        raise ValidationFailed(details=dict(errors))
    return out


def _one_default(customer: Customer, default: Address | None = None) -> None:
    """Exactly one default address when there is any: `default`, else the oldest."""
    if default is None:
        if customer.addresses.filter(is_default=True).exists():
            return
        default = customer.addresses.order_by("id").first()
        if default is None:
            return
    customer.addresses.exclude(pk=default.pk).update(is_default=False)
    customer.addresses.filter(pk=default.pk).update(is_default=True)


def apply_addresses(customer: Customer, addresses: list[dict[str, Any]]) -> dict[str, Any]:
    rows = Address.objects.bulk_create(
        Address(customer=customer, **_clean_address(a)) for a in addresses
    )
    defaults = [r for r in rows if r.is_default]
    _one_default(customer, defaults[0] if defaults else None)
    return {"addresses": len(rows)}


def add_address(*, actor: User, customer: Customer, **data: Any) -> Address:
    fields = _clean_address(data)
    with transaction.atomic():
        locked = lock_customer(actor, customer)
        address = Address.objects.create(customer=locked, **fields)
        _one_default(locked, address if fields.get("is_default") else None)
        bump(locked, customer)
        _audit(actor, locked, "customer.address_add", fields=["addresses"])
    address.refresh_from_db()
    return address


def update_address(*, actor: User, customer: Customer, address_id: int, **data: Any) -> Address:
    fields = _clean_address(data, partial=True)
    with transaction.atomic():
        locked = lock_customer(actor, customer)
        address = locked.addresses.filter(pk=address_id).first()
        if address is None:
            raise NotFound()
        changed = [k for k, v in fields.items() if getattr(address, k) != v]
        for key in changed:
            setattr(address, key, fields[key])
        if changed:
            address.save()
            _one_default(locked, address if fields.get("is_default") else None)
            bump(locked, customer)
            _audit(actor, locked, "customer.address_update", fields=sorted(changed))
    address.refresh_from_db()
    return address


def remove_address(*, actor: User, customer: Customer, address_id: int) -> None:
    with transaction.atomic():
        locked = lock_customer(actor, customer)
        deleted, _rows = locked.addresses.filter(pk=address_id).delete()
        if not deleted:
            raise NotFound()
        _one_default(locked)
        bump(locked, customer)
        _audit(actor, locked, "customer.address_remove", fields=["addresses"])


# --- tags ------------------------------------------------------------------------------------


def _clean_tags(names: Any) -> list[str]:
    errors = Errors()
    if not isinstance(names, list | tuple):
        raise ValidationFailed(details={"tags": _("Enter a list of tag names.")})
    if len(names) > MAX_TAGS:
        raise ValidationFailed(details={"tags": _("At most %(n)d tags.") % {"n": MAX_TAGS}})
    out: list[str] = []
    for raw in names:
        name = errors.text("tags", raw, max_length=40)
        if name and name not in out:
            out.append(name)
    if errors:
        raise ValidationFailed(details=dict(errors))
    return out


def apply_tags(customer: Customer, names: Any) -> dict[str, Any]:
    """Replace the customer's tags by these names, creating missing tags."""
    wanted = _clean_tags(names)
    existing = {t.name: t for t in Tag.objects.filter(name__in=wanted)}
    for name in wanted:
        if name not in existing:
            existing[name], _created = Tag.objects.get_or_create(name=name)
    CustomerTag.objects.filter(customer=customer).exclude(tag__name__in=wanted).delete()
    have = set(CustomerTag.objects.filter(customer=customer).values_list("tag__name", flat=True))
    CustomerTag.objects.bulk_create(
        CustomerTag(customer=customer, tag=existing[n]) for n in wanted if n not in have
    )
    return {"tags": wanted}


def set_tags(*, actor: User, customer: Customer, names: list[str]) -> list[str]:
    _clean_tags(names)
    with transaction.atomic():
        locked = lock_customer(actor, customer)
        result = apply_tags(locked, names)
        bump(locked, customer)
        _audit(actor, locked, "customer.tags", **result)
    return list(result["tags"])
