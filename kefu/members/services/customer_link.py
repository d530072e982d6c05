"""The one place where members touch the customer archive: find or create the customer
behind a membership."""

from __future__ import annotations

from typing import TYPE_CHECKING

from kefu.core.permissions import Perm
from kefu.core.selectors.scope import has_perm, restrict_to_scope
from kefu.core.services.audit import record_audit
from kefu.customers.models import Customer, CustomerPhone
from kefu.customers.names import name_key
from kefu.customers.services import create_customer, normalize_phone

if TYPE_CHECKING:
    from kefu.core.models import OrgUnit, User

__all__ = ["find_or_create_customer", "normalize_phone"]


def find_or_create_customer(*, actor: User, unit: OrgUnit, name: str, phone: str) -> Customer:
    """The customer with this (normalised) phone in the actor's scope, else a new one.

    A store clerk may register members but not edit the archive (no EDIT_CUSTOMERS), so for
    them the customer is created here with the same fields and audit entry as
    `create_customer`; everyone else goes through `create_customer` itself."""
    found = (
        restrict_to_scope(Customer.objects.filter(phones__number=phone), actor)
        .order_by("id")
        .first()
    )
    if found is not None:
        return found
    if has_perm(actor, Perm.EDIT_CUSTOMERS, unit):
        return create_customer(
            actor=actor, unit=unit, name=name, phones=[phone], source="store", source_unit=unit
        )
    customer = Customer.objects.create(
        unit=unit, name=name, name_key=name_key(name, "person"), source="store", source_unit=unit
    )
    CustomerPhone.objects.create(customer=customer, number=phone, is_primary=True)
    record_audit(
        actor=actor,
        action="customer.create",
        obj=customer,
        unit=unit,
        changes={"name": name, "kind": "person", "phones": 1, "via": "members.register"},
    )
    return customer
