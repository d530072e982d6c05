"""Customer reads, scoped to the actor's units: the archive list (search by name, alias,
normalised name, phone of the customer or its contacts, tag …) and the 360° page."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, Q, QuerySet

from kefu.core.errors import NotFound
from kefu.core.models import OrgUnit, User
from kefu.core.permissions import Perm
from kefu.core.selectors.scope import has_perm, restrict_to_scope, scope_for
from kefu.customers.choices import CustomerKind
from kefu.customers.models import (
    Contact,
    CreditChange,
    Customer,
    CustomerAlias,
    CustomerMerge,
    CustomerPhone,
    CustomerTag,
)
from kefu.customers.names import company_key, person_key
from kefu.customers.privacy import mask_phone
from kefu.customers.services.common import MIN_PHONE_DIGITS, normalize_phone

__all__ = ["customer_360", "get_customer", "list_customers", "mask_phone", "phone_matches"]

MAX_QUERY = 200
MERGED_CODE = "customer_merged"
_PHONE_CHARS = set("0123456789+-() ")


def phone_prefetch() -> Prefetch[Any]:
    return Prefetch("phones", queryset=CustomerPhone.objects.order_by("-is_primary", "id"))


def tag_prefetch() -> Prefetch[Any]:
    return Prefetch("tag_links", queryset=CustomerTag.objects.select_related("tag"))


def _any_of(*id_querysets: QuerySet[Any]) -> Q:
    """pk IN (a UNION b …): each branch uses its own index (an OR of subqueries would make
    PostgreSQL scan every customer)."""
    first, *rest = id_querysets
    return Q(pk__in=first.union(*rest) if rest else first)


def phone_matches(raw: str) -> Q | None:
    """Customers having this number themselves or on one of their contacts (None: no digits)."""
    number = normalize_phone(raw)
    if not number:
        return None
    return _any_of(
        CustomerPhone.objects.filter(number=number).values("customer_id"),
        Contact.objects.filter(phone=number).values("customer_id"),
    )


def _name_matches(q: str) -> Q:
    """Part of the name, part of a former name (alias), the exact normalised name, and for
    phone-like input any phone of the customer or its contacts."""
    keys = sorted({k for k in (person_key(q), company_key(q)) if k})
    branches: list[QuerySet[Any]] = [
        Customer.objects.filter(name__icontains=q).values("id"),
        CustomerAlias.objects.filter(name__icontains=q).values("customer_id"),
    ]
    if keys:
        branches.append(Customer.objects.filter(name_key__in=keys).values("id"))
    if set(q) <= _PHONE_CHARS and len(normalize_phone(q)) >= MIN_PHONE_DIGITS:
        number = normalize_phone(q)
        branches.append(CustomerPhone.objects.filter(number=number).values("customer_id"))
        branches.append(Contact.objects.filter(phone=number).values("customer_id"))
    return _any_of(*branches)


def list_customers(
    actor: User,
    *,
    q: str = "",
    phone: str = "",
    tag: str = "",
    grade: str = "",
    kind: str = "",
    key_account: bool | None = None,
    unit: OrgUnit | int | None = None,
) -> QuerySet[Customer]:
    """The customers the actor may see, newest first, with unit, manager, phones and tags.
    Nobody without the customers permission (a department handler) sees any."""
    base = Customer.objects.all()
    if not has_perm(actor, Perm.VIEW_CUSTOMERS):
        base = base.none()
    qs = (
        restrict_to_scope(base, actor)
        .select_related("unit", "account_manager")
        .prefetch_related(phone_prefetch(), tag_prefetch())
    )
    q = q.strip()[:MAX_QUERY]
    if phone:
        cond = phone_matches(phone)
        if cond is None:
            return qs.none()
        qs = qs.filter(cond)
    if q:
        qs = qs.filter(_name_matches(q))
    if tag:
        qs = qs.filter(pk__in=CustomerTag.objects.filter(tag__name=tag).values("customer_id"))
    if grade:
        qs = qs.filter(grade=grade)
    if kind:
        qs = qs.filter(kind=kind)
    if key_account is not None:
        qs = qs.filter(is_key_account=key_account)
    if unit is not None:
        qs = _in_unit(qs, unit)
    return qs.order_by("-id")


def _in_unit(qs: QuerySet[Customer], unit: OrgUnit | int) -> QuerySet[Customer]:
    """The unit and every unit below it."""
    if isinstance(unit, OrgUnit):
        path: str | None = unit.path
    else:
        path = OrgUnit.objects.filter(pk=unit).values_list("path", flat=True).first()
    if path is None:
        return qs.none()
    return qs.filter(unit__path__startswith=path)


def _not_found(actor: User, customer_id: int) -> NotFound:
    """A merged customer's old id says where it went (when the survivor is visible)."""
    alias = (
        CustomerAlias.objects.filter(old_customer_id=customer_id)
        .select_related("customer__unit")
        .first()
    )
    if alias is not None and scope_for(actor).sees_path(alias.customer.unit.path):
        return NotFound(
            "This customer was merged into another one.",
            code=MERGED_CODE,
            details={"merged_into": alias.customer_id},
        )
    return NotFound()


def get_customer(actor: User, customer_id: int) -> Customer:
    customer = list_customers(actor).filter(pk=customer_id).first()
    if customer is None:
        raise _not_found(actor, customer_id)
    return customer


def customer_360(actor: User, customer_id: int) -> Customer:
    """One customer with everything its page shows (contacts, addresses, credit history,
    aliases, merges into it) in a fixed number of queries."""
    customer = (
        list_customers(actor)
        .select_related("source_unit")
        .prefetch_related(
            "contacts",
            "addresses",
            "aliases",
            Prefetch(
                "credit_changes",
                queryset=CreditChange.objects.select_related("actor").order_by(
                    "-effective_on", "-id"
                ),
            ),
            Prefetch("merges", queryset=CustomerMerge.objects.select_related("actor")),
        )
        .filter(pk=customer_id)
        .first()
    )
    if customer is None:
        raise _not_found(actor, customer_id)
    return customer


def tag_names() -> list[str]:
    from kefu.customers.models import Tag

    return list(Tag.objects.order_by("name").values_list("name", flat=True)[:500])


def kind_label(kind: str) -> str:
    return str(CustomerKind(kind).label) if kind in CustomerKind.values else kind
