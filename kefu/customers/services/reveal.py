"""Reveal a customer's personal data (显示): only for actors holding the reveal permission at
the customer's unit, and every reveal is logged with the field names (never the values)."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from kefu.core.errors import NotFound, PermissionDenied
from kefu.core.models import User
from kefu.core.selectors.scope import scope_for
from kefu.core.services.audit import record_personal_data_access
from kefu.customers.models import Customer
from kefu.customers.privacy import can_reveal, full_address


def reveal_customer(*, actor: User, customer: Customer) -> dict[str, Any]:
    """The unmasked phones, e-mail, ID number, addresses and contact phones of `customer`
    (its phones, contacts and addresses should be prefetched)."""
    if not scope_for(actor).sees_path(customer.unit.path):
        raise NotFound()
    if not can_reveal(actor, customer):
        raise PermissionDenied()
    data: dict[str, Any] = {
        "phones": [{"id": p.pk, "number": p.number} for p in customer.phones.all()],
        "email": customer.email,
        "id_number": customer.id_number,
        "address": customer.address,
        "addresses": [{"id": a.pk, "address": full_address(a)} for a in customer.addresses.all()],
        "contacts": [
            {"id": c.pk, "name": c.name, "phone": c.phone, "email": c.email}
            for c in customer.contacts.all()
        ],
    }
    fields = [k for k in ("phones", "email", "id_number", "address", "addresses") if data[k]]
    if any(c["phone"] or c["email"] for c in data["contacts"]):
        fields.append("contacts")
    with transaction.atomic():
        record_personal_data_access(
            actor=actor,
            kind="reveal",
            obj=customer,
            unit=customer.unit,
            fields=fields or ["none"],
            rows=1,
        )
    return data
