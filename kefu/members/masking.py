"""Masking of personal data in member screens and API answers: the customers' rule
(kefu.customers.privacy), so a person's data looks the same in both archives."""

from __future__ import annotations

from kefu.customers.privacy import mask_address_text, mask_email, mask_id_number, mask_phone

__all__ = ["mask_address", "mask_email", "mask_id_number", "mask_phone"]


def mask_address(value: str) -> str:
    """Province and city kept, the rest starred ("上海市****")."""
    return mask_address_text(value)
