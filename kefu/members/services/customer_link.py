"""The one place where members touch the customer archive: find or create the customer
behind a membership."""

from __future__ import annotations

from typing import TYPE_CHECKING

from kefu.core.selectors.scope import restrict_to_scope
from kefu.customers.models import Customer
from kefu.customers.services import create_customer, normalize_phone

if TYPE_CHECKING:
    from kefu.core.models import OrgUnit, User

__all__ = ["find_or_create_customer", "normalize_phone"]


def find_or_create_customer(*, actor: User, unit: OrgUnit, name: str, phone: str) -> Customer:
    """The customer with this (normalised) phone in the actor's scope, else a new one
    (created through the archive's own service, so the same checks and audit apply)."""
    found = (
        restrict_to_scope(Customer.objects.filter(phones__number=phone), actor)
        .order_by("id")
        .first()
    )
    if found is not None:
        return found
    return create_customer(
        actor=actor, unit=unit, name=name, phones=[phone], source="store", source_unit=unit
    )
