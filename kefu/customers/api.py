"""Customers API: the archive (list, create, detail, PATCH, reveal, credit, contacts,
addresses, phones, tags) and phone intake's lookup. Reads are masked; reveal is logged."""

from typing import Annotated, Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate
from ninja.params import functions as params

from kefu.core.api_common import ERRORS, actor_of
from kefu.core.errors import ValidationFailed
from kefu.core.models import OrgUnit, UnitAssignment, User
from kefu.core.permissions import Perm
from kefu.core.selectors import org as org_selectors
from kefu.core.selectors.scope import has_perm, require_perm, restrict_to_scope
from kefu.core.services.audit import record_personal_data_access
from kefu.customers import selectors, services
from kefu.customers.api_pagination import CustomerPagination
from kefu.customers.models import Customer
from kefu.customers.privacy import mask_phone
from kefu.customers.schemas import (
    AddressIn,
    AddressOut,
    AddressPatch,
    ContactIn,
    ContactOut,
    ContactPatch,
    CreditChangeOut,
    CreditIn,
    CustomerDetailOut,
    CustomerIn,
    CustomerListOut,
    CustomerOut,
    CustomerPatch,
    PhoneIn,
    PhoneOut,
    RevealOut,
    TagsIn,
    TagsOut,
)

router = Router(tags=["customers"])
LOOKUP_LIMIT = 20
IfMatch = Annotated[str | None, params.Header(None, alias="If-Match")]


class LookupFilter(Schema):
    phone: str = Field(max_length=100)


class CustomerFilter(Schema):
    q: str = Field("", max_length=200)
    phone: str = Field("", max_length=100)
    tag: str = Field("", max_length=40)
    grade: str = Field("", max_length=1)
    kind: str = Field("", max_length=10)
    key_account: bool | None = None
    unit_id: int | None = Field(None, ge=1, le=2**62)


def _intake_out(actor: User, customer: Customer, open_tickets: list[Any]) -> dict[str, Any]:
    """Phone intake's shape: unmasked phones for actors who may reveal them (logged)."""
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
    customers = list(selectors.list_customers(actor, phone=filters.phone)[:LOOKUP_LIMIT])
    tickets: dict[int, list[Any]] = {c.pk: [] for c in customers}
    for t in open_tickets_of_customers(actor, list(tickets)):
        tickets[t.customer_id].append(t)  # type: ignore[index]
    out = [_intake_out(actor, c, tickets[c.pk]) for c in customers]
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


@router.get("", response={200: list[CustomerListOut], **ERRORS})
@paginate(CustomerPagination)
def list_customers(request: HttpRequest, filters: Query[CustomerFilter]) -> Any:
    require_perm(actor_of(request), Perm.VIEW_CUSTOMERS)
    data = filters.dict()
    unit = data.pop("unit_id")
    return selectors.list_customers(actor_of(request), unit=unit, **data)


def _unit(actor: User, unit_id: int | None) -> OrgUnit:
    if unit_id is not None:
        return org_selectors.get_unit(actor, unit_id)
    first = UnitAssignment.objects.filter(user=actor).select_related("unit").order_by("id").first()
    if first is None:
        raise ValidationFailed(details={"unit_id": _("Choose a unit.")})
    return first.unit


def _user(actor: User, user_id: int | None, field: str) -> User | None:
    """An active user in the actor's scope (the account manager)."""
    if user_id is None:
        return None
    people = restrict_to_scope(
        User.objects.filter(is_active=True), actor, field="assignments__unit"
    )
    user = people.filter(pk=user_id).first()
    if user is None:
        raise ValidationFailed(details={field: _("Not found.")})
    return user


def _source_unit(actor: User, unit_id: int | None) -> OrgUnit | None:
    return org_selectors.get_unit(actor, unit_id) if unit_id is not None else None


@router.post("", response={201: CustomerDetailOut, **ERRORS})
def create_customer(request: HttpRequest, payload: CustomerIn) -> Any:
    actor = actor_of(request)
    data = payload.dict(exclude={"unit_id", "account_manager_id", "source_unit_id"})
    customer = services.create_customer(
        actor=actor,
        unit=_unit(actor, payload.unit_id),
        account_manager=_user(actor, payload.account_manager_id, "account_manager_id"),
        source_unit=_source_unit(actor, payload.source_unit_id),
        **data,
    )
    return Status(201, selectors.customer_360(actor, customer.pk))


@router.get("/{customer_id}", response={200: CustomerDetailOut, **ERRORS})
def get_customer(request: HttpRequest, customer_id: int, response: HttpResponse) -> Any:
    customer = selectors.customer_360(actor_of(request), customer_id)
    response["ETag"] = f'"{customer.version}"'
    return customer


def _version(if_match: str | None, body_version: int | None) -> int | None:
    if body_version is not None:
        return body_version
    if not if_match:
        return None
    raw = if_match.strip().removeprefix("W/").strip('"')
    if not raw.isdigit() or len(raw) > 12:
        raise ValidationFailed(details={"If-Match": _("Send the customer version.")})
    return int(raw)


@router.patch("/{customer_id}", response={200: CustomerDetailOut, **ERRORS})
def patch_customer(
    request: HttpRequest,
    customer_id: int,
    payload: CustomerPatch,
    response: HttpResponse,
    if_match: IfMatch = None,
) -> Any:
    actor = actor_of(request)
    customer = selectors.get_customer(actor, customer_id)
    fields = payload.dict(exclude_unset=True)
    version = _version(if_match, fields.pop("version", None))
    if "unit_id" in fields:
        unit_id = fields.pop("unit_id")
        fields["unit"] = None if unit_id is None else org_selectors.get_unit(actor, unit_id)
    if "account_manager_id" in fields:
        fields["account_manager"] = _user(
            actor, fields.pop("account_manager_id"), "account_manager_id"
        )
    if "source_unit_id" in fields:
        fields["source_unit"] = _source_unit(actor, fields.pop("source_unit_id"))
    services.update_customer(actor=actor, customer=customer, expected_version=version, **fields)
    return get_customer(request, customer_id, response)


@router.post("/{customer_id}/reveal", response={200: RevealOut, **ERRORS})
def reveal(request: HttpRequest, customer_id: int) -> Any:
    """The unmasked personal data; 403 without the reveal permission; every call is logged."""
    actor = actor_of(request)
    return services.reveal_customer(
        actor=actor, customer=selectors.customer_360(actor, customer_id)
    )


@router.get("/{customer_id}/credit", response={200: list[CreditChangeOut], **ERRORS})
def credit_history(request: HttpRequest, customer_id: int) -> Any:
    return list(selectors.customer_360(actor_of(request), customer_id).credit_changes.all())


@router.post("/{customer_id}/credit", response={201: CreditChangeOut, **ERRORS})
def change_credit(request: HttpRequest, customer_id: int, payload: CreditIn) -> Any:
    actor = actor_of(request)
    change = services.change_credit(
        actor=actor, customer=selectors.get_customer(actor, customer_id), **payload.dict()
    )
    return Status(201, change)


@router.put("/{customer_id}/tags", response={200: TagsOut, **ERRORS})
def set_tags(request: HttpRequest, customer_id: int, payload: TagsIn) -> Any:
    actor = actor_of(request)
    customer = selectors.get_customer(actor, customer_id)
    return {"tags": services.set_tags(actor=actor, customer=customer, names=payload.tags)}


@router.post("/{customer_id}/phones", response={201: PhoneOut, **ERRORS})
def add_phone(request: HttpRequest, customer_id: int, payload: PhoneIn) -> Any:
    actor = actor_of(request)
    phone = services.add_phone(
        actor=actor, customer=selectors.get_customer(actor, customer_id), **payload.dict()
    )
    return Status(201, phone)


@router.delete("/{customer_id}/phones/{phone_id}", response={204: None, **ERRORS})
def remove_phone(request: HttpRequest, customer_id: int, phone_id: int) -> Any:
    actor = actor_of(request)
    customer = selectors.get_customer(actor, customer_id)
    services.remove_phone(actor=actor, customer=customer, phone_id=phone_id)
    return Status(204, None)


@router.post("/{customer_id}/contacts", response={201: ContactOut, **ERRORS})
def add_contact(request: HttpRequest, customer_id: int, payload: ContactIn) -> Any:
    actor = actor_of(request)
    contact = services.add_contact(
        actor=actor, customer=selectors.get_customer(actor, customer_id), **payload.dict()
    )
    return Status(201, contact)


@router.patch("/{customer_id}/contacts/{contact_id}", response={200: ContactOut, **ERRORS})
def update_contact(
    request: HttpRequest, customer_id: int, contact_id: int, payload: ContactPatch
) -> Any:
    actor = actor_of(request)
    return services.update_contact(
        actor=actor,
        customer=selectors.get_customer(actor, customer_id),
        contact_id=contact_id,
        **payload.dict(exclude_unset=True),
    )


@router.delete("/{customer_id}/contacts/{contact_id}", response={204: None, **ERRORS})
def remove_contact(request: HttpRequest, customer_id: int, contact_id: int) -> Any:
    actor = actor_of(request)
    customer = selectors.get_customer(actor, customer_id)
    services.remove_contact(actor=actor, customer=customer, contact_id=contact_id)
    return Status(204, None)


@router.post("/{customer_id}/addresses", response={201: AddressOut, **ERRORS})
def add_address(request: HttpRequest, customer_id: int, payload: AddressIn) -> Any:
    actor = actor_of(request)
    address = services.add_address(
        actor=actor, customer=selectors.get_customer(actor, customer_id), **payload.dict()
    )
    return Status(201, address)


@router.patch("/{customer_id}/addresses/{address_id}", response={200: AddressOut, **ERRORS})
def update_address(
    request: HttpRequest, customer_id: int, address_id: int, payload: AddressPatch
) -> Any:
    actor = actor_of(request)
    return services.update_address(
        actor=actor,
        customer=selectors.get_customer(actor, customer_id),
        address_id=address_id,
        **payload.dict(exclude_unset=True),
    )


@router.delete("/{customer_id}/addresses/{address_id}", response={204: None, **ERRORS})
def remove_address(request: HttpRequest, customer_id: int, address_id: int) -> Any:
    actor = actor_of(request)
    customer = selectors.get_customer(actor, customer_id)
    services.remove_address(actor=actor, customer=customer, address_id=address_id)
    return Status(204, None)
