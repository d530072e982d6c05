"""Test helpers for the surveys app: tickets built through the tickets services."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from kefu.tickets.services import work
from kefu.tickets.services.intake import create_ticket

SH = ZoneInfo("Asia/Shanghai")


def at(y: int, m: int, d: int, h: int = 10) -> datetime:
    return datetime(y, m, d, h, 0, tzinfo=SH)


def make_ticket(actor: Any, unit: Any, *, resolved: bool = False, **kw: Any) -> Any:
    kw.setdefault("type", "enquiry")
    kw.setdefault("channel", "phone")
    kw.setdefault("title", "查询订单")
    kw.setdefault("contact_phone", "13800138000")
    kw.setdefault("contact_email", "kehu@example.com")
    ticket = create_ticket(actor=actor, unit=unit, **kw)
    if resolved:
        work.assign_ticket(actor=actor, ticket=ticket, assignee=actor)
        ticket = work.change_status(actor=actor, ticket=ticket, status="resolved")
    return ticket
