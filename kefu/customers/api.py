"""Customers API for phone intake: who is calling (with their open tickets), quick create."""

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status

from kefu.core.api_common import ERRORS, actor_of
from kefu.core.models import OrgUnit, UnitAssignment, User
from kefu.core.permissions import Perm
from kefu.core.selectors import org as org_selectors
from kefu.core.selectors.scope import has_perm
from kefu.core.services.audit import record_personal_data_access
from kefu.customers import services
from kefu.customers.models import Customer
from kefu.customers.schemas import CustomerIn, CustomerOut
from kefu.customers.selectors import get_customer, list_customers, mask_phone

router = Router(tags=["customers"])
LOOKUP_LIMIT = 20


class LookupFilter(Schema):
    phone: str


def _out(actor: User, customer: Customer, open_tickets: list[Any]) -> dict[str, Any]:
    reveal = has_perm(actor, Perm.REVEAL_PERSONAL_DATA, customer.unit)
    numbers = [p.number for p in customer.phones.all()]
    return {
        "id": customer.pk,
        "name": customer.name,
        "kind": customer.kind,
        "grade": customer.grade,
        "is_key_account": customer.is_key_account,
        "unit_id": customer.unit_id,
        "phones": numbers if reveal else [mask_phone(n) for n in numbers],
        "open_tickets": open_tickets,
    }


@router.get("/lookup", response={200: list[CustomerOut], **ERRORS})
def lookup(request: HttpRequest, filters: Query[LookupFilter]) -> Any:
    """Customers with this phone number, each with their open tickets (newest first)."""
    from kefu.tickets.selectors import open_tickets_of_customers

    actor = actor_of(request)
    customers = list(
        list_customers(actor, phone=filters.phone).select_related("unit")[:LOOKUP_LIMIT]
    )
    tickets: dict[int, list[Any]] = {c.pk: [] for c in customers}
    for t in open_tickets_of_customers(actor, list(tickets)):
        tickets[t.customer_id].append(t)  # type: ignore[index]
    out = [_out(actor, c, tickets[c.pk]) for c in customers]
    revealed = [c for c in customers if has_perm(actor, Perm.REVEAL_PERSONAL_DATA, c.unit)]
    if revealed:
        record_personal_data_access(
            actor=actor,
            kind="reveal",
            object_type="customers.customer",
            fields=["phones"],
            rows=len(revealed),
        )
    return out


def _unit(actor: User, unit_id: int | None) -> OrgUnit:
    if unit_id is not None:
        return org_selectors.get_unit(actor, unit_id)
    first = UnitAssignment.objects.filter(user=actor).select_related("unit").order_by("id").first()
    if first is None:
        from kefu.core.errors import ValidationFailed

        raise ValidationFailed(details={"unit_id": "Choose a unit."})
    return first.unit


@router.post("", response={201: CustomerOut, **ERRORS})
def create_customer(request: HttpRequest, payload: CustomerIn) -> Any:
    actor = actor_of(request)
    customer = services.create_customer(
        actor=actor,
        unit=_unit(actor, payload.unit_id),
        name=payload.name,
        kind=payload.kind,
        phones=payload.phones,
        email=payload.email,
    )
    fresh = get_customer(actor, customer.pk)
    return Status(201, _out(actor, fresh, []))
