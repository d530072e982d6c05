"""The tickets demo step: deterministic, every type/channel/status, complaints in every stage
whose timelines follow the state machine, numbers and counters consistent."""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from kefu.core.demo.registry import run_demo
from kefu.core.models import OrgUnit, User
from kefu.customers.models import Customer
from kefu.tickets.choices import Channel, ComplaintStage, EventKind, Status, TicketType
from kefu.tickets.demo import TICKETS_PER_SCALE, anchor_for
from kefu.tickets.models import (
    Category,
    Complaint,
    Macro,
    Queue,
    RoutingRule,
    Ticket,
    TicketCounter,
    TicketEvent,
)
from kefu.tickets.services.complaint_rules import ACTIONS

SH = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 23, 15, 30, tzinfo=SH)
HASH = make_password("x")
# later steps (revisits …) open tickets of their own; these tests are about the tickets step
TICKETS_ORDER = 200


def snapshot() -> dict[str, Any]:
    return {
        "customers": list(
            Customer.objects.order_by("id").values_list("name", "grade", "unit__code")
        ),
        "tickets": list(
            Ticket.objects.order_by("number").values_list(
                "number",
                "type",
                "channel",
                "status",
                "priority",
                "title",
                "unit__code",
                "customer__name",
                "received_at",
                "resolved_at",
                "sla_state",
                "assignee__username",
                "first_response_due",
                "version",
            )
        ),  # fmt: skip
        "events": list(
            TicketEvent.objects.order_by("ticket__number", "created_at", "id").values_list(
                "ticket__number",
                "kind",
                "created_at",
                "actor__username",
                "body",
                "is_public",
                "data__action",
                "data__from",
            )
        ),  # fmt: skip
        "complaints": list(
            Complaint.objects.order_by("ticket__number").values_list(
                "ticket__number",
                "stage",
                "stage_due",
                "stage_owner__username",
                "is_valid",
                "cause_category",
                "satisfaction",
                "in_case_library",
                "archived_at",
            )
        ),  # fmt: skip
    }


def generate(seed: int, scale: int = 1) -> dict[str, Any]:
    with transaction.atomic():
        run_demo(seed=seed, scale=scale, password_hash=HASH, last_order=TICKETS_ORDER)
        snap = snapshot()
        transaction.set_rollback(True)
    assert not OrgUnit.objects.exists()
    return snap


@time_machine.travel(NOW, tick=False)
def test_same_seed_same_tickets_another_seed_others(db: Any) -> None:
    first, again, other = generate(5), generate(5), generate(6)
    assert first == again
    assert first["tickets"] != other["tickets"]
    assert len(first["tickets"]) == TICKETS_PER_SCALE


@pytest.fixture
def demo(db: Any) -> Any:
    with time_machine.travel(NOW, tick=False):
        run_demo(seed=1, scale=1, password_hash=HASH, last_order=TICKETS_ORDER)
        yield


def test_every_type_channel_status_and_stage_appears(demo: Any) -> None:
    tickets = Ticket.objects.all()
    assert set(tickets.values_list("type", flat=True)) == set(TicketType.values)
    assert set(tickets.values_list("channel", flat=True)) == set(Channel.values)
    assert set(tickets.values_list("status", flat=True)) == set(Status.values)
    stages = Counter(Complaint.objects.values_list("stage", flat=True))
    assert set(stages) == set(ComplaintStage.values)
    assert Complaint.objects.filter(in_case_library=True, stage="archived").count() >= 5
    assert Complaint.objects.filter(is_valid=False, stage="archived").exists()
    assert Complaint.objects.count() == tickets.filter(type="complaint").count()
    assert Category.objects.filter(parent=None).count() == 5
    assert Category.objects.get(code="DAMAGE").path.count("/") == 3
    assert Queue.objects.filter(name="质量投诉").exists()
    assert RoutingRule.objects.get(name__startswith="破损").categories.count() == 2
    assert "{{ ticket.number }}" in Macro.objects.get(name="已受理").body
    assert Customer.objects.filter(kind="company", is_key_account=True).exists()


def test_complaint_timelines_follow_the_state_machine(demo: Any) -> None:
    steps: dict[int, list[dict[str, Any]]] = {}
    for ticket_id, data in (
        TicketEvent.objects.filter(kind=EventKind.COMPLAINT)
        .order_by("created_at", "id")
        .values_list("ticket_id", "data")
    ):
        steps.setdefault(ticket_id, []).append(data)
    for c in Complaint.objects.select_related("ticket"):
        stage = "register"
        for data in steps.get(c.ticket_id, []):
            assert data["from"] == stage, (c.ticket.number, data)
            assert ACTIONS[data["action"]].stage == stage
            stage = data["to"]
        assert stage == c.stage, c.ticket.number
        if c.stage == "archived":
            assert c.archived_at is not None
            assert c.stage_owner_id is None
            assert c.ticket.status in ("resolved", "closed")
        else:
            assert c.stage_owner_id is not None
            assert c.stage_due is not None
            assert c.ticket.status not in ("resolved", "closed")
        if c.stage in ("approve", "implement", "confirm"):
            assert c.remedies.exists()


def test_numbers_counters_times_and_versions(demo: Any) -> None:
    anchor = anchor_for(NOW)
    per_day: Counter[Any] = Counter()
    for number, received in Ticket.objects.values_list("number", "received_at"):
        day = timezone.localdate(received)
        assert number.startswith(f"KF{day:%Y%m%d}")
        per_day[day] += 1
        assert received < anchor
    assert dict(TicketCounter.objects.values_list("day", "last")) == dict(per_day)
    last_day = max(per_day)
    from kefu.tickets.services.intake import create_ticket

    admin = User.objects.get(username="admin")
    fresh = create_ticket(
        actor=admin,
        unit=OrgUnit.objects.get(code="HQ"),
        type="enquiry",
        channel="phone",
        title="新工单",
        now=datetime.combine(last_day, datetime.min.time(), tzinfo=SH).replace(hour=20),
    )
    assert fresh.number == f"KF{last_day:%Y%m%d}{per_day[last_day] + 1:04d}"
    events = Counter(TicketEvent.objects.filter(created_at__lte=anchor).values_list("ticket_id"))
    for t in Ticket.objects.exclude(pk=fresh.pk).only("id", "version"):
        assert t.version == events[(t.pk,)]
    assert not TicketEvent.objects.filter(created_at__gt=anchor).exclude(ticket=fresh).exists()
