"""The complaint closed loop: every path, every refusal writes nothing."""

from __future__ import annotations

import threading
from datetime import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection, connections

from kefu.core.errors import NotFound, PermissionDenied, ValidationFailed
from kefu.core.models import AuditEvent
from kefu.tickets.choices import ComplaintStage, EventKind, Status
from kefu.tickets.errors import TransitionRefused
from kefu.tickets.models import Remedy, Ticket, TicketEvent
from kefu.tickets.services.complaint_rules import (
    ACTIONS,
    ApprovalLimitExceeded,
    approval_limit,
    find_approver,
    stage_actions,
)
from kefu.tickets.services.complaints import allowed_actions, transition
from kefu.tickets.tests.complaint_fixtures import MONDAY_10, SH, People, english, people

__all__ = ["english", "people"]

pytestmark = pytest.mark.usefixtures("english")

S = ComplaintStage


def _complaint_events(ticket: Any) -> list[tuple[str, str, str]]:
    return [
        (e.data["action"], e.data["from"], e.data["to"])
        for e in TicketEvent.objects.filter(ticket=ticket, kind=EventKind.COMPLAINT).order_by("id")
    ]


def test_full_happy_path_to_the_case_library(people: People) -> None:
    p, org = people, people.org
    t = p.complaint()
    assert t.version == 1
    assert allowed_actions(ticket=t, actor=p.handler) == ["register"]
    assert allowed_actions(ticket=t, actor=p.agent) == []
    c = p.step(t, "register", demand="换一台新的")
    assert (c.stage, c.demand, c.stage_owner, t.version) == (S.JUDGE, "换一台新的", p.handler, 2)
    # 4 business hours from Monday 10:00 (09–12, 13–18): 15:00 the same day
    assert c.stage_due == datetime(2026, 11, 23, 15, 0, tzinfo=SH)
    c = p.step(t, "judge", valid=True, note="属实")
    assert (c.stage, c.is_valid) == (S.INVESTIGATE, True)
    c = p.step(
        t,
        "investigate",
        responsible_department_id=org.quality_hq.pk,
        responsible_person="李质检",
        root_cause="包装泡沫不足",
        cause_category="quality",
    )
    assert (c.stage, c.responsible_department, c.cause_category) == (
        S.PROPOSE,
        org.quality_hq,
        "quality",
    )
    p.step(t, "propose_remedy", kind="replacement", description="换新机", cost="300")
    p.step(t, "propose_remedy", kind="compensation", description="补偿 100 元", cost=100)
    c = p.step(t, "submit_for_approval")
    assert c.stage == S.APPROVE
    assert c.stage_owner == p.store_manager  # nearest approver whose authority covers ¥300
    replacement = Remedy.objects.get(kind="replacement")
    assert allowed_actions(ticket=t, actor=p.store_manager) == ["approve", "reject_remedies"]
    assert allowed_actions(ticket=t, actor=p.handler) == []
    c = p.step(t, "approve", p.store_manager, remedy_id=replacement.pk)
    assert c.stage == S.IMPLEMENT
    assert c.stage_owner == p.handler
    assert dict(Remedy.objects.values_list("kind", "status")) == {
        "replacement": "approved",
        "compensation": "rejected",
    }
    c = p.step(t, "implement", note="已上门换新", penalty="质量部扣 2 分")
    assert (c.stage, c.penalty) == (S.CONFIRM, "质量部扣 2 分")
    c = p.step(t, "customer_accepts", note="客户认可")
    assert (c.stage, c.customer_accepted) == (S.REVISIT, True)
    c = p.step(t, "record_revisit", satisfaction=5, note="很满意")
    assert (c.stage, c.satisfaction) == (S.SUMMARISE, 5)
    c = p.step(t, "summarise", summary="包装改进", evaluation="处理及时", add_to_case_library=True)
    assert (c.stage, c.in_case_library, c.archived_at) == (S.ARCHIVED, True, MONDAY_10)
    assert (c.stage_owner, c.stage_due) == (None, None)
    assert allowed_actions(ticket=t, actor=p.hq_manager) == []
    t.refresh_from_db()
    assert (t.status, t.resolved_at, t.version) == (Status.RESOLVED, MONDAY_10, 13)
    assert _complaint_events(t) == [
        ("register", "register", "judge"),
        ("judge", "judge", "investigate"),
        ("investigate", "investigate", "propose"),
        ("propose_remedy", "propose", "propose"),
        ("propose_remedy", "propose", "propose"),
        ("submit_for_approval", "propose", "approve"),
        ("approve", "approve", "implement"),
        ("implement", "implement", "confirm"),
        ("customer_accepts", "confirm", "revisit"),
        ("record_revisit", "revisit", "summarise"),
        ("summarise", "summarise", "archived"),
    ]
    investigate = TicketEvent.objects.get(ticket=t, data__action="investigate")
    assert investigate.data["accountable"] == "factory_manager"
    assert investigate.actor == p.handler
    statuses = TicketEvent.objects.filter(ticket=t, kind=EventKind.STATUS).order_by("id")
    assert [(e.data, e.body, e.actor) for e in statuses] == [
        ({"from": "new", "to": "open"}, "Complaint handling started.", p.handler),
        ({"from": "open", "to": "resolved"}, "Complaint archived.", p.handler),
    ]
    audit = AuditEvent.objects.filter(action__startswith="complaint.").count()
    assert audit == 11


def test_the_first_step_puts_a_new_complaint_in_progress(people: People) -> None:
    t = people.complaint()
    assert (t.status, t.version) == (Status.NEW, 1)
    last_event = TicketEvent.objects.latest("id").pk
    last_audit = AuditEvent.objects.latest("id").pk
    people.step(t, "register", demand="换新")
    assert (t.status, t.version) == (Status.OPEN, 2)
    t.refresh_from_db()
    assert (t.status, t.version) == (Status.OPEN, 2)
    events = TicketEvent.objects.filter(ticket=t, pk__gt=last_event).order_by("id")
    assert [(e.kind, e.data["from"], e.data["to"], e.actor) for e in events] == [
        (EventKind.COMPLAINT, "register", "judge", people.handler),
        (EventKind.STATUS, "new", "open", people.handler),
    ]
    audits = AuditEvent.objects.filter(pk__gt=last_audit).order_by("id")
    register = {"action": "register", "from": "register", "to": "judge", "fields": ["demand"]}
    assert [(a.action, a.changes) for a in audits] == [
        ("complaint.register", register),
        ("ticket.status", {"status": ["new", "open"]}),
    ]
    people.step(t, "judge", valid=True, note="属实")  # already open: no second status event
    assert TicketEvent.objects.filter(ticket=t, kind=EventKind.STATUS).count() == 1
    assert (t.status, t.version) == (Status.OPEN, 3)


def test_not_upheld_goes_to_revisit_with_a_tactful_reply(people: People) -> None:
    t = people.complaint()
    people.step(t, "register", demand="赔偿一万元")
    with pytest.raises(ValidationFailed) as exc:
        people.step(t, "judge", valid=False, note="不属实")
    assert exc.value.details == {"tactful_reply": "This field is required."}
    c = people.step(t, "judge", valid=False, note="不属实", tactful_reply="非常理解您的心情……")
    assert (c.stage, c.is_valid, c.tactful_reply) == (S.REVISIT, False, "非常理解您的心情……")
    c = people.step(t, "record_revisit", satisfaction=3)
    c = people.step(t, "summarise", summary="不成立，已婉转答复")
    assert (c.stage, c.in_case_library) == (S.ARCHIVED, False)
    assert [a for a, _f, _t in _complaint_events(t)] == [
        "register",
        "judge",
        "record_revisit",
        "summarise",
    ]


def test_customer_rejects_goes_back_to_propose(people: People) -> None:
    t = people.complaint()
    people.to_stage(t, S.CONFIRM)
    approved = Remedy.objects.get(status="approved")
    with pytest.raises(ValidationFailed) as exc:
        people.step(t, "customer_rejects")
    assert exc.value.details == {"note": "This field is required."}
    c = people.step(t, "customer_rejects", note="客户要求退款")
    assert (c.stage, c.customer_accepted) == (S.PROPOSE, False)
    approved.refresh_from_db()
    assert approved.status == "rejected"
    with pytest.raises(ValidationFailed) as exc:  # the rejected remedy does not count
        people.step(t, "submit_for_approval")
    assert exc.value.code == "validation_error"
    assert list(exc.value.details) == ["remedies"]
    people.step(t, "propose_remedy", kind="refund", description="全额退款", cost="1999")
    c = people.step(t, "submit_for_approval")
    # ¥1,999 is above the store manager's ¥500: the regional manager (¥5,000) owns approval
    assert (c.stage, c.stage_owner) == (S.APPROVE, people.region_manager)


def test_approval_limits_send_a_remedy_up(people: People) -> None:
    p = people
    assert approval_limit(p.store_manager, p.org.shanghai) == Decimal("500")
    assert approval_limit(p.region_manager, p.org.shanghai) == Decimal("5000")
    assert approval_limit(p.hq_manager, p.org.shanghai) is None
    assert approval_limit(p.handler, p.org.shanghai) == Decimal("0")
    assert find_approver(p.org.shanghai, Decimal("6000")) == p.hq_manager
    t = p.complaint()
    p.to_stage(t, S.APPROVE, cost="1200")
    c = t.complaint
    assert c.stage_owner == p.region_manager
    remedy = c.remedies.get()
    version = t.version
    events = TicketEvent.objects.count()
    with pytest.raises(ApprovalLimitExceeded) as exc:
        p.step(t, "approve", p.store_manager, remedy_id=remedy.pk)
    assert exc.value.code == "approval_limit_exceeded"
    assert exc.value.status_code == 403
    assert exc.value.details == {
        "cost": "1200.00",
        "limit": "500",
        "approver_id": p.region_manager.pk,
    }
    t.refresh_from_db()
    remedy.refresh_from_db()
    assert (t.version, remedy.status, TicketEvent.objects.count()) == (version, "proposed", events)
    c = p.step(t, "approve", p.region_manager, remedy_id=remedy.pk)
    assert c.stage == S.IMPLEMENT


def test_reject_remedies_back_to_propose(people: People) -> None:
    t = people.complaint()
    people.to_stage(t, S.APPROVE)
    c = people.step(t, "reject_remedies", people.region_manager, note="成本太高")
    assert c.stage == S.PROPOSE
    assert list(Remedy.objects.values_list("status", flat=True)) == ["rejected"]


@pytest.mark.parametrize("stage", [s for s in S.values if s != S.REGISTER])
def test_every_out_of_order_action_is_refused_and_writes_nothing(
    people: People, stage: str
) -> None:
    t = people.complaint()
    people.to_stage(t, stage)
    t.refresh_from_db()
    version, events, audits = t.version, TicketEvent.objects.count(), AuditEvent.objects.count()
    remedies = Remedy.objects.count()
    for action in ACTIONS:
        if action in stage_actions(stage):
            continue
        with pytest.raises(TransitionRefused) as exc:
            people.step(t, action, people.hq_manager, note="x", summary="x", valid=True)
        assert exc.value.code == "transition_refused"
        assert exc.value.status_code == 409
        assert exc.value.details["stage"] == stage
        assert exc.value.details["action"] == action
        assert exc.value.details["stage_actions"] == stage_actions(stage)
    t.refresh_from_db()
    assert (t.version, t.complaint.stage) == (version, stage)
    assert TicketEvent.objects.count() == events
    assert AuditEvent.objects.count() == audits
    assert Remedy.objects.count() == remedies


def test_refusals_in_register(people: People) -> None:
    t = people.complaint()
    with pytest.raises(TransitionRefused) as exc:
        people.step(t, "judge", valid=True)
    assert exc.value.details == {
        "stage": "register",
        "action": "judge",
        "allowed_actions": ["register"],
        "stage_actions": ["register"],
    }
    with pytest.raises(ValidationFailed) as exc2:
        people.step(t, "register")
    assert exc2.value.details == {"demand": "This field is required."}
    with pytest.raises(ValidationFailed) as exc2:
        people.step(t, "fly_away")
    assert exc2.value.details == {"action": "Unknown complaint action."}
    t.refresh_from_db()
    assert t.version == 1
    assert not TicketEvent.objects.filter(kind=EventKind.COMPLAINT).exists()


def test_bad_fields_are_named(people: People) -> None:
    t = people.complaint()
    people.to_stage(t, S.INVESTIGATE)
    with pytest.raises(ValidationFailed) as exc:
        people.step(
            t,
            "investigate",
            responsible_department_id=999999,
            responsible_person="",
            cause_category="weather",
        )
    assert exc.value.details == {
        "responsible_person": "This field is required.",
        "root_cause": "This field is required.",
        "cause_category": "Choose one of: quality, production, service, delivery, other.",
        "responsible_department_id": "No such active department.",
    }
    people.to_stage(t, S.PROPOSE)
    with pytest.raises(ValidationFailed) as exc:
        people.step(t, "propose_remedy", kind="gold", description="x", cost="-1")
    assert set(exc.value.details) == {"kind", "cost"}
    people.to_stage(t, S.REVISIT)
    with pytest.raises(ValidationFailed) as exc:
        people.step(t, "record_revisit", satisfaction=6)
    assert exc.value.details == {"satisfaction": "Enter a number from 1 to 5."}


def test_permissions_and_scope(people: People) -> None:
    t = people.complaint()
    with pytest.raises(PermissionDenied):
        people.step(t, "register", people.agent, demand="x")
    with pytest.raises(NotFound):
        people.step(t, "register", people.south_handler, demand="x")
    people.to_stage(t, S.APPROVE)
    remedy = Remedy.objects.get()
    with pytest.raises(PermissionDenied):
        people.step(t, "approve", people.handler, remedy_id=remedy.pk)
    with pytest.raises(PermissionDenied):
        people.step(t, "approve", people.agent, remedy_id=remedy.pk)
    assert Remedy.objects.get().status == "proposed"


def test_non_complaint_ticket_is_refused(people: People) -> None:
    from kefu.tickets.services.intake import create_ticket

    t = create_ticket(
        actor=people.agent,
        unit=people.org.shanghai,
        type="enquiry",
        channel="phone",
        title="咨询",
        now=MONDAY_10,
    )
    assert allowed_actions(ticket=t, actor=people.hq_manager) == []
    with pytest.raises(TransitionRefused) as exc:
        transition(actor=people.hq_manager, ticket=t, action="register", fields={"demand": "x"})
    assert exc.value.details["stage"] is None


def _race(n: int, fn: Any) -> list[Any]:
    barrier = threading.Barrier(n)
    results: list[Any] = [None] * n

    def worker(i: int) -> None:
        try:
            barrier.wait(timeout=10)
            results[i] = fn(i)
        except Exception as exc:
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(n)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(timeout=60)
    return results


@pytest.mark.skipif(connection.vendor == "sqlite", reason="threads need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_concurrent_steps_take_effect_once(people: People) -> None:
    t = people.complaint()

    def register(i: int) -> Any:
        ticket = Ticket.objects.get(pk=t.pk)
        return transition(
            actor=people.handler, ticket=ticket, action="register", fields={"demand": f"d{i}"}
        )

    results = _race(6, register)
    done = [r for r in results if not isinstance(r, Exception)]
    refused = [r for r in results if isinstance(r, TransitionRefused)]
    assert (len(done), len(refused)) == (1, 5)
    t.refresh_from_db()
    assert t.version == 2
    assert TicketEvent.objects.filter(ticket=t, kind=EventKind.COMPLAINT).count() == 1
