"""Customer archive writes (issue 4 extends this: contacts, credit, merge …)."""

from __future__ import annotations

import re

from django.db import transaction
from django.utils.translation import gettext as _

from kefu.core.errors import PermissionDenied, ValidationFailed
from kefu.core.models import OrgUnit, User
from kefu.core.permissions import Perm
from kefu.core.selectors.scope import has_perm
from kefu.core.services.audit import record_audit
from kefu.customers.choices import CustomerKind, Grade
from kefu.customers.models import Customer, CustomerPhone
from kefu.customers.names import name_key

_NON_DIGITS = re.compile(r"\D+")


def normalize_phone(raw: str) -> str:
    """'+86 138-1234-5678' → '13812345678'; landlines keep their area code digits."""
    digits = _NON_DIGITS.sub("", raw or "")
    if digits.startswith("0086"):
        digits = digits[4:]
    elif digits.startswith("86") and len(digits) == 13:
        digits = digits[2:]
    return digits[:20]


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
    address: str = "",
) -> Customer:
    if not has_perm(actor, Perm.EDIT_CUSTOMERS, unit):
        raise PermissionDenied()
    errors: dict[str, str] = {}
    name = name.strip()
    if not name:
        errors["name"] = _("Enter a name.")
    elif len(name) > 200:
        errors["name"] = _("At most 200 characters.")
    if kind not in CustomerKind.values:
        errors["kind"] = _("Choose person or company.")
    if grade not in Grade.values:
        errors["grade"] = _("Choose a grade from A to D.")
    numbers = [n for n in (normalize_phone(p) for p in phones or []) if n]
    if phones and not numbers:
        errors["phones"] = _("Enter a phone number with digits.")
    if errors:
        raise ValidationFailed(details=errors)
    with transaction.atomic():
        customer = Customer.objects.create(
            unit=unit,
            name=name,
            name_key=name_key(name, kind),
            kind=kind,
            email=email.strip(),
            grade=grade,
            is_key_account=is_key_account,
            address=address.strip(),
        )
        CustomerPhone.objects.bulk_create(
            [
                CustomerPhone(customer=customer, number=n, is_primary=(i == 0))
                for i, n in enumerate(dict.fromkeys(numbers))
            ]
        )
        record_audit(
            actor=actor,
            action="customer.create",
            obj=customer,
            unit=unit,
            changes={"name": name, "kind": kind, "phones": len(numbers)},
        )
    return customer
