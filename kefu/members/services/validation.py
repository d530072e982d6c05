"""Checks of the 《会员申请表》 fields shared by registration, updates and the importer."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from kefu.members.choices import Gender
from kefu.members.models import Member
from kefu.members.services.customer_link import normalize_phone

# what headquarters needs before a member is filed (已建档)
REQUIRED_FIELDS: tuple[str, ...] = ("name", "gender", "birthday", "phone", "id_number", "address")
TEXT_LIMITS = {
    "name": 100,
    "address": 300,
    "email": 254,
    "occupation": 100,
    "company": 200,
}
FORM_FIELDS: tuple[str, ...] = (
    "name",
    "gender",
    "birthday",
    "phone",
    "id_number",
    "address",
    "email",
    "occupation",
    "company",
)
_ID_RE = re.compile(r"^\d{17}[\dX]$")
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"


def id_number_ok(value: str) -> bool:
    """An 18-character resident ID number with a valid check character (GB 11643)."""
    if not _ID_RE.match(value):
        return False
    total = sum(int(c) * w for c, w in zip(value[:17], _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11] == value[17]


def mobile_ok(number: str) -> bool:
    return len(number) == 11 and number.startswith("1")


def clean_form(data: dict[str, Any], *, today: date) -> tuple[dict[str, Any], dict[str, str]]:
    """Normalise the given form fields; returns (clean values, {field: reason})."""
    out: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for key, limit in TEXT_LIMITS.items():
        if key in data:
            value = str(data[key] or "").strip()
            if len(value) > limit:
                errors[key] = _("At most %(n)d characters.") % {"n": limit}
            out[key] = value
    if "gender" in data:
        out["gender"] = str(data["gender"] or "")
        if out["gender"] and out["gender"] not in Gender.values:
            errors["gender"] = _("Choose male or female.")
    if "birthday" in data:
        out["birthday"] = data["birthday"] or None
        if out["birthday"] is not None and not (date(1900, 1, 1) <= out["birthday"] <= today):
            errors["birthday"] = _("Enter a date of birth in the past.")
    if "phone" in data:
        out["phone"] = normalize_phone(str(data["phone"] or ""))
        if out["phone"] and not mobile_ok(out["phone"]):
            errors["phone"] = _("Enter an 11-digit mobile number.")
    if "id_number" in data:
        out["id_number"] = str(data["id_number"] or "").strip().upper()
        if out["id_number"] and not id_number_ok(out["id_number"]):
            errors["id_number"] = _("Enter an 18-character ID number with a valid check digit.")
    if out.get("email") and "email" not in errors:
        try:
            validate_email(out["email"])
        except ValidationError:
            errors["email"] = _("Enter a valid email address.")
    return out, errors


def missing_fields(values: dict[str, Any]) -> list[str]:
    """The required fields that are empty, in form order."""
    return [key for key in REQUIRED_FIELDS if not values.get(key)]


def field_names(fields: list[str]) -> str:
    """The fields' names for a message ("ID number, address"), from the model."""
    return ", ".join(str(getattr(Member._meta.get_field(f), "verbose_name", f)) for f in fields)
