"""Masking of personal data in member screens and API answers (same rule as customers)."""

from __future__ import annotations

from kefu.customers.selectors import mask_phone

__all__ = ["mask_address", "mask_id_number", "mask_phone"]


def mask_id_number(value: str) -> str:
    """110101199003071234 → 110101****1234 (first 6 + **** + last 4)."""
    if not value:
        return ""
    if len(value) <= 10:
        return "*" * len(value)
    return f"{value[:6]}****{value[-4:]}"


def mask_address(value: str) -> str:
    """Keep the first 6 characters (province and city), hide the street."""
    if not value:
        return ""
    if len(value) <= 6:
        return value[:2] + "****"
    return f"{value[:6]}****"
