"""Plain test data for members: tiers, valid ID numbers, application forms."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from kefu.members.models import MemberTier

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def id_number(n: int = 1, born: date = date(1990, 3, 7)) -> str:
    """A valid 18-character resident ID number."""
    body = f"310101{born:%Y%m%d}{n % 1000:03d}"
    total = sum(int(c) * w for c, w in zip(body, _WEIGHTS, strict=True))
    return body + "10X98765432"[total % 11]


def make_tiers() -> list[MemberTier]:
    rows = [
        ("normal", "普通", 1, "0", "1", 12),
        ("silver", "银卡", 2, "5000", "1.5", 12),
        ("gold", "金卡", 3, "20000", "2", 24),
        ("diamond", "钻石", 4, "50000", "3", 24),
    ]
    return [
        MemberTier.objects.create(
            code=c,
            name=n,
            level=lv,
            min_spend=Decimal(ms),
            points_per_yuan=Decimal(r),
            validity_months=v,
        )
        for c, n, lv, ms, r, v in rows
    ]


def form(n: int = 1, **over: Any) -> dict[str, Any]:
    """A complete 《会员申请表》."""
    data: dict[str, Any] = {
        "name": f"张{n}",
        "phone": f"138{n:08d}",
        "gender": "female",
        "birthday": date(1990, 3, 7),
        "id_number": id_number(n),
        "address": "上海市黄浦区南京东路100号",
        "email": "",
    }
    data.update(over)
    return data
