"""Masking of personal data (手机号 / 身份证号 / 地址 / 邮箱) and who may reveal it.

Every screen and API read shows masked values, even to roles that may reveal them: the
unmasked values come only from an explicit reveal, which is logged
(`record_personal_data_access(kind="reveal")`). Pure functions; no database access.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from kefu.core.permissions import Perm
from kefu.core.selectors.scope import has_perm

if TYPE_CHECKING:
    from kefu.core.models import User
    from kefu.customers.models import Address, Customer

STARS = "****"
# "广东省深圳市…", "上海市浦东新区…", "内蒙古自治区呼和浩特市…": province and city are kept
_REGION_PREFIX = re.compile(
    r"^(?:[^省市区县\d]{2,8}?(?:省|自治区|特别行政区))?(?:[^省市区县\d]{2,8}?(?:市|州|盟|地区))?"
)


def mask_phone(number: str) -> str:
    """138****5678 — the first three and last four digits."""
    if len(number) < 7:
        return "*" * len(number)
    return f"{number[:3]}{STARS}{number[-4:]}"


def mask_id_number(value: str) -> str:
    """440301****1234 → first six and last four characters; short numbers all stars."""
    value = value.strip()
    if len(value) <= 10:
        return "*" * len(value)
    return f"{value[:6]}{STARS}{value[-4:]}"


def mask_email(value: str) -> str:
    """z***@example.com — the first character of the name and the domain."""
    value = value.strip()
    if not value:
        return ""
    name, at, domain = value.partition("@")
    if not at:
        return STARS
    return f"{name[:1]}***@{domain}"


def mask_address_text(text: str) -> str:
    """Keep the province and city at the start of a free-text address, star the rest."""
    text = text.strip()
    if not text:
        return ""
    match = _REGION_PREFIX.match(text)
    prefix = match.group(0) if match else ""
    return f"{prefix}{STARS}" if prefix != text else text


def mask_address(address: Address | str) -> str:
    """An Address row (province and city kept) or a free-text address, masked."""
    if isinstance(address, str):
        return mask_address_text(address)
    prefix = f"{address.province}{address.city}"
    if not prefix:
        return STARS
    return f"{prefix}{STARS}"


def full_address(address: Address) -> str:
    return f"{address.province}{address.city}{address.district}{address.detail}"


def can_reveal(actor: User | Any, customer: Customer) -> bool:
    """Whether the actor may reveal this customer's personal data (at the customer's unit)."""
    return has_perm(actor, Perm.REVEAL_PERSONAL_DATA, customer.unit)
