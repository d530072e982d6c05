"""A small workbench world: two regions, agents, a manager, a few tickets."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from kefu.core.choices import Role
from kefu.customers.services import create_customer
from kefu.tickets.services.intake import create_ticket


def make_ticket(actor: Any, unit: Any, title: str = "查询运单", **kw: Any) -> Any:
    kw.setdefault("type", "enquiry")
    kw.setdefault("channel", "phone")
    return create_ticket(actor=actor, unit=unit, title=title, **kw)


@pytest.fixture(name="bench")
def bench_fixture(org: Any, make_user: Any) -> dict[str, Any]:
    agent = make_user(Role.AGENT, org.east, display_name="王小明")
    other = make_user(Role.AGENT, org.east, display_name="李丽")
    supervisor = make_user(Role.SUPERVISOR, org.east, display_name="赵主管")
    south = make_user(Role.AGENT, org.south, display_name="陈南")
    manager = make_user(Role.MANAGER, org.hq, display_name="周经理")
    customer = create_customer(
        actor=agent, unit=org.shanghai, name="张三", phones=["138 1234 5678"]
    )
    a = make_ticket(
        agent,
        org.shanghai,
        "外箱破损",
        customer=customer,
        contact_phone="13812345678",
        department=org.cs_east,
    )
    b = make_ticket(agent, org.east, "发票咨询", type="query")
    c = make_ticket(south, org.guangzhou, "广州投诉", type="complaint")
    return {
        "agent": agent,
        "other": other,
        "supervisor": supervisor,
        "south": south,
        "manager": manager,
        "customer": customer,
        "a": a,
        "b": b,
        "c": c,
    }


def url(name: str, *args: Any) -> str:
    return reverse(name, args=args or None)


__all__ = ["bench_fixture", "make_ticket", "url"]
