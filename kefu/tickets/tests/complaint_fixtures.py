"""People and complaint tickets for the complaint closed-loop tests."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation

from kefu.core.choices import Role
from kefu.core.models import User
from kefu.tickets.models import Ticket
from kefu.tickets.services.complaint_rules import ACTIONS
from kefu.tickets.services.complaints import transition
from kefu.tickets.services.intake import create_ticket

SH = ZoneInfo("Asia/Shanghai")
MONDAY_10 = datetime(2026, 11, 23, 10, 0, tzinfo=SH)


@dataclass
class People:
    org: Any
    agent: User
    handler: User
    store_manager: User
    region_manager: User
    hq_manager: User
    south_handler: User

    def complaint(
        self, *, unit: Any = None, title: str = "收到的商品外箱破损", actor: User | None = None
    ) -> Ticket:
        return create_ticket(
            actor=actor or self.agent,
            unit=unit or self.org.shanghai,
            type="complaint",
            channel="phone",
            title=title,
            description="客户来电：收到的微波炉外箱破损，要求换货。",
            contact_name="王女士",
            contact_phone="13800138000",
            now=MONDAY_10,
        )

    def step(self, ticket: Ticket, action: str, actor: User | None = None, **fields: Any) -> Any:
        return transition(
            actor=actor or self.handler,
            ticket=ticket,
            action=action,
            fields=fields,
            now=MONDAY_10,
        )

    def to_stage(self, ticket: Ticket, stage: str, *, cost: str = "300.00") -> None:
        """Walk the happy path until the complaint stands in `stage`."""
        path: list[tuple[str, str, dict[str, Any]]] = [
            ("judge", "register", {"demand": "换一台新的"}),
            ("investigate", "judge", {"valid": True, "note": "属实"}),
            (
                "propose",
                "investigate",
                {
                    "responsible_department_id": self.org.quality_hq.pk,
                    "responsible_person": "李质检",
                    "root_cause": "包装泡沫不足",
                    "cause_category": "quality",
                },
            ),
            ("__propose", "propose_remedy",
             {"kind": "replacement", "description": "换新", "cost": cost}),
            ("approve", "submit_for_approval", {}),
            ("implement", "approve", {}),
            ("confirm", "implement", {"note": "已换新", "penalty": "质量部扣分 2 分"}),
            ("revisit", "customer_accepts", {"note": "客户接受"}),
            ("summarise", "record_revisit", {"satisfaction": 5, "note": "满意"}),
            ("archived", "summarise", {"summary": "包装改进", "add_to_case_library": True}),
        ]  # fmt: skip
        steps = {action: fields for _reached, action, fields in path}
        for _n in range(len(path) + 1):
            ticket.refresh_from_db()
            current = ticket.complaint.stage
            if current == stage:
                return
            action = next(a for a in steps if ACTIONS[a].stage == current)
            proposed = ticket.complaint.remedies.filter(status="proposed")
            if action == "propose_remedy" and proposed.exists():
                action = "submit_for_approval"
            fields = steps[action]
            if action == "approve":
                fields = {"remedy_id": proposed.get().pk}
            actor = self.hq_manager if action == "approve" else self.handler
            self.step(ticket, action, actor, **fields)
        raise AssertionError(f"stage {stage} not reached")


@pytest.fixture
def english() -> Any:
    """Messages in English so tests can compare them (the UI default is zh-hans)."""
    with translation.override("en"):
        yield


@pytest.fixture
def people(org: Any, make_user: Any) -> People:
    return People(
        org=org,
        agent=make_user(Role.AGENT, org.east, username="agent"),
        handler=make_user(Role.COMPLAINT_HANDLER, org.east, username="handler"),
        store_manager=make_user(Role.MANAGER, org.shanghai, username="store_mgr"),
        region_manager=make_user(Role.MANAGER, org.east, username="region_mgr"),
        hq_manager=make_user(Role.MANAGER, org.hq, username="hq_mgr"),
        south_handler=make_user(Role.COMPLAINT_HANDLER, org.south, username="south"),
    )
