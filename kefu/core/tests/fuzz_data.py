"""Rows for the API fuzz and bad-input sweeps: a customer, a ticket, a member, a revisit
plan and script, a knowledge article, and a bearer token for a manager or an agent."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from kefu.core.choices import Role
from kefu.core.services.tokens import create_token


@dataclass
class Seed:
    token: str
    ids: dict[str, int | str]


def seed_api_data(org: Any, make_user: Any, api_as: Any, role: str) -> Seed:
    from kefu.customers.services import create_customer
    from kefu.members.services.registration import register_member
    from kefu.members.tests.factories import form, make_tiers
    from kefu.revisits.services import save_plan
    from kefu.revisits.tests.fixtures import make_script

    manager = make_user(Role.MANAGER, org.hq, username="fuzz-manager")
    agent = make_user(Role.AGENT, org.shanghai, username="fuzz-agent")
    customer = create_customer(
        actor=manager, unit=org.shanghai, name="张三", phones=["13812345678"]
    )
    make_tiers()
    member = register_member(actor=manager, unit=org.shanghai, **form(1))
    script = make_script(manager)
    plan = save_plan(
        actor=manager,
        fields={
            "name": "售后回访",
            "kind": "after_resolution",
            "params": {"business_days": 2, "ticket_types": ["repair"], "sampling_rate": 1.0},
            "script": script,
            "unit": org.east,
        },
        pool=[agent],
    )
    api = api_as(manager)
    ticket = api.post(
        "/api/v1/tickets",
        {
            "type": "repair",
            "title": "空调不制冷",
            "description": "上门检查",
            "customer_id": customer.pk,
            "unit_id": org.shanghai.pk,
        },
    )
    assert ticket.status_code == 201, ticket.content
    article = api.post(
        "/api/v1/knowledge/articles", {"title": "退货流程", "body": "七天无理由退货。"}
    )
    user = manager if role == Role.MANAGER else agent
    _token, raw = create_token(actor=None, user=user, name="fuzz")
    ids: dict[str, int | str] = {
        "unit_id": org.shanghai.pk,
        "user_id": agent.pk,
        "ticket_id": ticket.json()["id"],
        "customer_id": customer.pk,
        "member_id": member.pk,
        "plan_id": plan.pk,
        "script_id": script.pk,
        "role": Role.AGENT,
        "importer_key": "customers",
    }
    if article.status_code == 201:
        ids["article_id"] = article.json()["id"]
    return Seed(raw, ids)
