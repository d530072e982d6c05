"""Customer archive writes. Other apps import `create_customer` and `normalize_phone` from
here; the functions live in the modules by area (customers, parts, credit)."""

from kefu.customers.services.common import normalize_phone
from kefu.customers.services.credit import change_credit
from kefu.customers.services.customers import create_customer, update_customer
from kefu.customers.services.parts import (
    add_address,
    add_contact,
    add_phone,
    remove_address,
    remove_contact,
    remove_phone,
    set_tags,
    update_address,
    update_contact,
)
from kefu.customers.services.reveal import reveal_customer

__all__ = [
    "add_address",
    "add_contact",
    "add_phone",
    "change_credit",
    "create_customer",
    "normalize_phone",
    "remove_address",
    "remove_contact",
    "remove_phone",
    "reveal_customer",
    "set_tags",
    "update_address",
    "update_contact",
    "update_customer",
]
