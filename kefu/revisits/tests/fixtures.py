"""A small revisit set-up built through the services."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from kefu.core.choices import Role
from kefu.core.models import User
from kefu.customers.models import Customer
from kefu.customers.services import create_customer
from kefu.revisits.models import RevisitPlan, Script
from kefu.revisits.services import save_plan, save_script

QUESTIONS: list[dict[str, Any]] = [
    {
        "kind": "rating",
        "text": "您对本次服务的满意程度（1–5 分）？",
        "unsatisfied_followup": "非常抱歉，能说说哪里让您不满意吗？",
        "satisfied_followup": "感谢您的认可！",
    },
    {
        "kind": "choice",
        "text": "问题是否已经解决？",
        "choices": ["已解决", "部分解决", "未解决"],
        "choice_branches": {"未解决": "unsatisfied", "部分解决": "average"},
    },
    {"kind": "text", "text": "您还有什么建议？", "required": False},
]


@dataclass
class Setup:
    manager: User
    agent: User
    other: User
    customer: Customer
    script: Script
    plan: RevisitPlan


def make_script(actor: User) -> Script:
    return save_script(
        actor=actor,
        fields={
            "name": "售后回访",
            "purpose": "after_service",
            "opening": "您好，我是客服中心的回访专员，耽误您一分钟。",
            "satisfied_text": "感谢您的支持！",
            "average_text": "我们会继续改进。",
            "unsatisfied_text": "非常抱歉，我们马上为您登记处理。",
            "closing": "感谢您接听，祝您生活愉快，再见！",
        },
        questions=QUESTIONS,
    )


@pytest.fixture
def rv(org: Any, make_user: Any) -> Setup:
    manager = make_user(Role.MANAGER, org.hq, username="manager", display_name="周经理")
    agent = make_user(Role.AGENT, org.east, username="agent", display_name="王小明")
    other = make_user(Role.AGENT, org.east, username="other", display_name="李丽")
    customer = create_customer(
        actor=manager, unit=org.shanghai, name="张三", phones=["13812345678"]
    )
    script = make_script(manager)
    plan = save_plan(
        actor=manager,
        fields={
            "name": "投诉及售后回访",
            "kind": "after_resolution",
            "params": {"business_days": 2, "ticket_types": ["repair"], "sampling_rate": 1.0},
            "script": script,
            "unit": org.east,
        },
        pool=[agent, other],
    )
    return Setup(manager, agent, other, customer, script, plan)
