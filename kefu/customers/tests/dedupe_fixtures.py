"""Plain customers for the duplicate finder and merge tests (rows as the services write them)."""

from __future__ import annotations

from typing import Any

from kefu.core.models import OrgUnit
from kefu.customers.models import Customer, CustomerPhone
from kefu.customers.names import name_key


def make_customer(
    unit: OrgUnit,
    name: str,
    *,
    kind: str = "company",
    phones: tuple[str, ...] | list[str] = (),
    **fields: Any,
) -> Customer:
    customer = Customer.objects.create(
        unit=unit, name=name, kind=kind, name_key=name_key(name, kind), **fields
    )
    CustomerPhone.objects.bulk_create(
        [
            CustomerPhone(customer=customer, number=n, is_primary=(i == 0))
            for i, n in enumerate(phones)
        ]
    )
    return customer
