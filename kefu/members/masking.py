"""Masking of personal data in member screens and API answers: the customers' rule
(kefu.customers.privacy), so a person's data looks the same in both archives."""

from kefu.customers.privacy import mask_address_text as mask_address
from kefu.customers.privacy import mask_email, mask_id_number, mask_phone

__all__ = ["mask_address", "mask_email", "mask_id_number", "mask_phone"]
