"""Customer reads, scoped to the actor's units."""

from __future__ import annotations

from django.db.models import QuerySet

from kefu.core.errors import NotFound
from kefu.core.models import User
from kefu.core.selectors.scope import restrict_to_scope
from kefu.customers.models import Customer
from kefu.customers.services import normalize_phone


def list_customers(actor: User, *, q: str = "", phone: str = "") -> QuerySet[Customer]:
    qs = restrict_to_scope(Customer.objects.all(), actor).prefetch_related("phones")
    if phone:
        number = normalize_phone(phone)
        if not number:
            return qs.none()
        qs = qs.filter(phones__number=number)
    if q:
        qs = qs.filter(name__icontains=q)
    return qs.distinct().order_by("-id")


def get_customer(actor: User, customer_id: int) -> Customer:
    customer = list_customers(actor).filter(pk=customer_id).first()
    if customer is None:
        raise NotFound()
    return customer


def mask_phone(number: str) -> str:
    """138****5678 — shown to roles without the reveal permission."""
    if len(number) < 7:
        return "*" * len(number)
    return f"{number[:3]}****{number[-4:]}"
