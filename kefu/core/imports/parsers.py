"""Cell parsers for import columns. Each takes a raw cell (str, int, float, bool, date,
datetime or None, as the spreadsheet reader gives it) and returns a clean value or raises
CellInvalid with a reason a person understands."""

from __future__ import annotations

import re
from datetime import date as date_type
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

from kefu.core.imports.registry import CellInvalid

_DATE_PATTERNS = (
    re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
)


def text(value: Any) -> str:
    """Any cell as trimmed text; integral floats lose their '.0' (13812345678.0)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime | date_type):
        return value.isoformat()
    return str(value).replace("\x00", "").strip()


def max_length(limit: int) -> Any:
    def parse(value: Any) -> str:
        out = text(value)
        if len(out) > limit:
            raise CellInvalid(_("At most %(n)d characters.") % {"n": limit})
        return out

    return parse


def date(value: Any) -> date_type | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date_type):
        return value
    raw = text(value)
    if not raw:
        return None
    for pattern in _DATE_PATTERNS:
        m = pattern.match(raw)
        if m:
            try:
                return date_type(int(m[1]), int(m[2]), int(m[3]))
            except ValueError:
                break
    raise CellInvalid(_("Not a date (write 2024-03-15)."))


def decimal(value: Any) -> Decimal | None:
    raw = text(value).replace(",", "").replace("¥", "").replace("￥", "")
    if not raw:
        return None
    try:
        out = Decimal(raw)
    except InvalidOperation:
        raise CellInvalid(_("Not a number.")) from None
    if not out.is_finite() or abs(out) >= Decimal("1e12"):
        raise CellInvalid(_("Not a number."))
    return out


def integer(value: Any) -> int | None:
    number = decimal(value)
    if number is None:
        return None
    if number != number.to_integral_value():
        raise CellInvalid(_("Not a whole number."))
    return int(number)


def yes_no(value: Any) -> bool:
    raw = text(value).lower()
    if raw in {"", "0", "否", "no", "n", "false", "f", "×"}:
        return False
    if raw in {"1", "是", "yes", "y", "true", "t", "√", "✓"}:
        return True
    raise CellInvalid(_("Write 是 or 否."))
