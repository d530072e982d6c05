"""A customer's personal data on request: a full copy (export_personal_data) and erasure
(erase_personal_data: tickets and financial records kept, personal fields anonymised).

Every part comes from a provider in kefu.customers.personal_data_registry (the archive's
own part and one per app). Both actions are audited with counts only, never values.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kefu.core.errors import Conflict, DomainError, NotFound, PermissionDenied, ValidationFailed
from kefu.core.logging import scrub
from kefu.core.models import User
from kefu.core.permissions import Perm
from kefu.core.selectors.scope import has_perm, scope_for
from kefu.core.services.audit import record_audit
from kefu.customers.models import Customer
from kefu.customers.personal_data_registry import personal_data_providers

ERASED_CODE = "customer_erased"
MASK = "***"
MIN_KNOWN_VALUE = 2  # a one-character value would mask every occurrence of that character
MAX_REASON = 500


class ConfirmNameMismatch(DomainError):
    code = "confirm_name_mismatch"
    status_code = 400
    default_message = "The name typed does not match the customer's name."


def erased_conflict() -> Conflict:
    return Conflict(_("This customer's personal data has already been erased."), code=ERASED_CODE)


class TextRedactor:
    """Masks the customer's known values (names, phones, e-mails, ID numbers, addresses)
    wherever they occur, then any mobile number, ID number or e-mail left in the text
    (kefu.core.logging.scrub: the log filter's patterns)."""

    def __init__(self, values: Iterable[str]) -> None:
        known = {v.strip() for v in values if v and len(v.strip()) >= MIN_KNOWN_VALUE}
        ordered = sorted(known, key=len, reverse=True)  # longest first: "张三丰" before "张三"
        self._pattern = (
            re.compile("|".join(re.escape(v) for v in ordered), re.IGNORECASE) if ordered else None
        )

    def text(self, value: str) -> str:
        if not value:
            return value
        if self._pattern is not None:
            value = self._pattern.sub(MASK, value)
        return scrub(value)

    def data(self, value: Any) -> Any:
        """The same for every string inside JSON data."""
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, dict):
            return {k: self.data(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self.data(v) for v in value]
        return value


def _require(actor: User, customer: Customer, perm: Perm) -> None:
    if not scope_for(actor).sees_path(customer.unit.path):
        raise NotFound()
    if not has_perm(actor, perm, customer.unit):
        raise PermissionDenied()


def _plain(value: Any) -> Any:
    """JSON-safe values (times in ISO 8601 local time, money as text)."""
    if isinstance(value, datetime):
        return timezone.localtime(value).isoformat() if timezone.is_aware(value) else value
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def export_personal_data(*, actor: User, customer: Customer) -> dict[str, Any]:
    """Everything kefu holds about `customer`, unmasked, as {"parts": [{key, label, tables,
    counts}]}. Needs `personal_data.export` at the customer's unit; audited (counts only)."""
    _require(actor, customer, Perm.EXPORT_PERSONAL_DATA)
    parts: list[dict[str, Any]] = []
    for provider in personal_data_providers():
        tables = {name: _plain(rows) for name, rows in provider.exporter(customer).items()}
        parts.append(
            {
                "key": provider.key,
                "label": str(provider.label),
                "tables": tables,
                "counts": {name: len(rows) for name, rows in tables.items()},
            }
        )
    with transaction.atomic():
        record_audit(
            actor=actor,
            action="personal_data.export",
            obj=customer,
            unit=customer.unit,
            changes={"parts": {p["key"]: p["counts"] for p in parts}},
        )
    return {
        "customer_id": customer.pk,
        "generated_at": timezone.localtime().isoformat(),
        "erased": customer.erased_at is not None,
        "parts": parts,
    }


def erase_personal_data(
    *, actor: User, customer: Customer, reason: str, confirm_name: str
) -> dict[str, dict[str, int]]:
    """Anonymise `customer` in one transaction; returns {part: {table: rows changed}}.

    Needs `personal_data.erase` at the customer's unit and the customer's current name typed
    again. A second erase is refused (409 customer_erased)."""
    reason = (reason or "").strip()
    if not reason or len(reason) > MAX_REASON or "\x00" in reason:
        message = _("Enter the reason (at most %(n)d characters).") % {"n": MAX_REASON}
        raise ValidationFailed(details={"reason": message})
    with transaction.atomic():
        locked = (
            Customer.objects.select_for_update(of=("self",))
            .select_related("unit")
            .filter(pk=customer.pk)
            .first()
        )
        if locked is None:
            raise NotFound()
        _require(actor, locked, Perm.ERASE_PERSONAL_DATA)
        if locked.erased_at is not None:
            raise erased_conflict()
        if (confirm_name or "").strip() != locked.name.strip():
            message = _("The name typed does not match the customer's name; type it exactly.")
            raise ConfirmNameMismatch(message, details={"confirm_name": message})
        redactor = TextRedactor(_known_values(locked))
        counts = {p.key: p.eraser(locked, redactor) for p in personal_data_providers()}
        locked.erased_at = timezone.now()
        locked.erased_by = actor
        locked.version += 1
        locked.save(update_fields=["erased_at", "erased_by", "version", "updated_at"])
        record_audit(
            actor=actor,
            action="personal_data.erase",
            obj=locked,
            unit=locked.unit,
            changes={"reason": redactor.text(reason), "counts": counts},
        )
    for f in Customer._meta.concrete_fields:
        setattr(customer, f.attname, getattr(locked, f.attname))
    return counts


def _known_values(customer: Customer) -> list[str]:
    values = [customer.name, customer.email, customer.id_number, customer.address]
    values += list(customer.phones.values_list("number", flat=True))
    values += list(customer.aliases.values_list("name", flat=True))
    for contact in customer.contacts.all():
        values += [contact.name, contact.phone, contact.email]
    for a in customer.addresses.all():
        values += [a.detail, f"{a.province}{a.city}{a.district}{a.detail}"]
    for provider in personal_data_providers():
        if provider.known_values is not None:
            values += list(provider.known_values(customer))
    return values
