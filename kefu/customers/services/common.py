"""Shared steps of the customer archive writes: input cleaning, row lock, permission and
version checks, the version bump. Error messages never repeat the personal data entered."""

from __future__ import annotations

import re
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from kefu.core.errors import Conflict, NotFound, PermissionDenied
from kefu.core.models import OrgUnit, User
from kefu.core.permissions import Perm
from kefu.core.selectors.scope import has_perm, scope_for
from kefu.customers.models import Customer

_NON_DIGITS = re.compile(r"\D+")
_ID_NUMBER = re.compile(r"^[0-9A-Z-]*$")
MIN_PHONE_DIGITS = 5
MAX_PHONE_DIGITS = 20
MAX_PHONES = 10
MAX_TAGS = 30

STALE_CODE = "customer_stale"


def normalize_phone(raw: str) -> str:
    """'+86 138-1234-5678' → '13812345678'; landlines keep their area code digits."""
    digits = _NON_DIGITS.sub("", raw or "")
    if digits.startswith("0086"):
        digits = digits[4:]
    elif digits.startswith("86") and len(digits) == 13:
        digits = digits[2:]
    return digits[:MAX_PHONE_DIGITS]


class Errors(dict[str, str]):
    """Collects {field: message}; `text()` cleans one text field and records its error."""

    def text(self, field: str, value: Any, *, max_length: int, required: bool = False) -> str:
        if value is None:
            value = ""
        if not isinstance(value, str):
            self[field] = _("Enter text.")
            return ""
        value = value.strip()
        if "\x00" in value:
            self[field] = _("Contains characters that cannot be stored.")
            return ""
        if required and not value:
            self[field] = _("This field is required.")
        elif len(value) > max_length:
            self[field] = _("At most %(n)d characters.") % {"n": max_length}
            return ""
        return value

    def choice(self, field: str, value: Any, choices: list[str], message: str) -> str:
        if value not in choices:
            self[field] = message
            return ""
        return str(value)

    def email(self, field: str, value: Any) -> str:
        email = self.text(field, value, max_length=254)
        if email:
            try:
                validate_email(email)
            except DjangoValidationError:
                self[field] = _("Enter a valid email address.")
                return ""
        return email

    def id_number(self, field: str, value: Any) -> str:
        number = self.text(field, value, max_length=40).upper().replace(" ", "")
        if number and not _ID_NUMBER.match(number):
            self[field] = _("Use only digits, letters and dashes.")
            return ""
        return number

    def phone(self, field: str, value: Any, *, required: bool = True) -> str:
        raw = self.text(field, value, max_length=40, required=required)
        if not raw:
            return ""
        digits = _NON_DIGITS.sub("", raw)
        number = normalize_phone(raw)
        if len(number) < MIN_PHONE_DIGITS or len(digits) > MAX_PHONE_DIGITS + 4:
            self[field] = _("Enter a phone number of 5 to 20 digits.")
            return ""
        return number

    def phones(self, field: str, values: Any) -> list[str]:
        if values is None:
            return []
        if not isinstance(values, list | tuple):
            self[field] = _("Enter a list of phone numbers.")
            return []
        if len(values) > MAX_PHONES:
            self[field] = _("At most %(n)d phone numbers.") % {"n": MAX_PHONES}
            return []
        out: list[str] = []
        for raw in values:
            if isinstance(raw, str) and not raw.strip():
                continue
            number = self.phone(field, raw)
            if number and number not in out:
                out.append(number)
        return out

    def flag(self, field: str, value: Any) -> bool:
        if not isinstance(value, bool):
            self[field] = _("Choose yes or no.")
            return False
        return value


def require_edit(actor: User, unit: OrgUnit) -> None:
    """Outside the actor's scope: not found; inside it without the permission: denied."""
    if not scope_for(actor).sees_path(unit.path):
        raise NotFound()
    if not has_perm(actor, Perm.EDIT_CUSTOMERS, unit):
        raise PermissionDenied()


def lock_customer(
    actor: User, customer: Customer, *, expected_version: int | None = None
) -> Customer:
    """Inside the caller's transaction: lock the row, check scope, permission and version."""
    locked = (
        Customer.objects.select_for_update(of=("self",))
        .select_related("unit")
        .filter(pk=customer.pk)
        .first()
    )
    if locked is None:
        raise NotFound()
    require_edit(actor, locked.unit)
    if locked.erased_at is not None:  # anonymised on request: nothing personal comes back
        raise Conflict(_("This customer's personal data has been erased."), code="customer_erased")
    if expected_version is not None and locked.version != expected_version:
        raise Conflict(
            _("Someone else changed this customer. Reload and try again."),
            code=STALE_CODE,
            details={"version": locked.version},
        )
    return locked


def bump(locked: Customer, original: Customer | None = None, *fields: str) -> None:
    """Every change of the archive bumps the version (optimistic locking for the next writer)."""
    locked.version += 1
    locked.save(update_fields=["version", "updated_at", *fields])
    if original is not None and original is not locked:
        for f in Customer._meta.concrete_fields:
            setattr(original, f.attname, getattr(locked, f.attname))
