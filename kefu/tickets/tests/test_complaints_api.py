"""Complaint endpoints: transitions, state, statistics, case library."""

from __future__ import annotations

from typing import Any

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kefu.tickets.choices import ComplaintStage, EventKind
from kefu.tickets.models import Remedy, TicketEvent
from kefu.tickets.tests.complaint_fixtures import MONDAY_10, People, english, people

__all__ = ["english", "people"]

pytestmark = [
    pytest.mark.urls("kefu.tickets.tests.complaint_urls"),
    pytest.mark.usefixtures("english"),
]

S = ComplaintStage


@pytest.fixture
def api(api_as: Any) -> Any:
    """API clients that ask for English messages."""

    def _as(user: Any) -> Any:
        client = api_as(user)
        client.headers["Accept-Language"] = "en"
        return client

    return _as


def _url(ticket: Any) -> str:
    return f"/api/v1/tickets/{ticket.pk}/transitions"


@time_machine.travel(MONDAY_10, tick=False)
def test_walk_a_complaint_through_the_api(people: People, api: Any) -> None:
    p = people
    t = p.complaint()
    handler, approver = api(p.handler), api(p.region_manager)
    res = handler.get(f"/api/v1/tickets/{t.pk}/complaint")
    assert res.status_code == 200
    body = res.json()
    assert (body["stage"], body["allowed_actions"], body["remedies"]) == (
        "register",
        ["register"],
        [],
    )
    res = handler.post(_url(t), {"action": "register", "demand": "换新", "version": 1})
    assert res.status_code == 200, res.json()
    body = res.json()
    assert body["ticket_id"] == t.pk
    assert (body["stage"], body["version"], body["stage_owner_id"]) == ("judge", 2, p.handler.pk)
    assert body["stage_due"] == "2026-11-23T15:00:00+08:00"
    assert body["allowed_actions"] == ["judge"]
    steps: list[tuple[Any, dict[str, Any], str]] = [
        (handler, {"action": "judge", "valid": True, "note": "属实"}, "investigate"),
        (
            handler,
            {
                "action": "investigate",
                "responsible_department_id": p.org.quality_hq.pk,
                "responsible_person": "李质检",
                "root_cause": "包装不足",
                "cause_category": "quality",
            },
            "propose",
        ),
        (handler, {"action": "propose_remedy", "kind": "refund", "description": "退款",
                   "cost": 800}, "propose"),
        (handler, {"action": "submit_for_approval"}, "approve"),
    ]  # fmt: skip
    for client, data, stage in steps:
        res = client.post(_url(t), data)
        assert res.status_code == 200, res.json()
        assert res.json()["stage"] == stage
    body = res.json()
    assert (body["cause_category"], body["accountable"]) == ("quality", "factory_manager")
    assert body["stage_owner_id"] == p.region_manager.pk
    assert body["allowed_actions"] == []  # the handler may not approve
    assert [(r["kind"], r["cost"], r["status"]) for r in body["remedies"]] == [
        ("refund", "800.00", "proposed")
    ]
    remedy_id = body["remedies"][0]["id"]
    res = approver.post(_url(t), {"action": "approve", "remedy_id": remedy_id})
    assert res.status_code == 200
    assert res.json()["stage"] == "implement"
    assert res.json()["remedies"][0]["status"] == "approved"


def test_out_of_order_is_409_and_writes_nothing(people: People, api: Any) -> None:
    t = people.complaint()
    client = api(people.handler)
    res = client.post(_url(t), {"action": "implement", "note": "x"})
    assert res.status_code == 409
    assert res.json()["code"] == "transition_refused"
    assert res.json()["details"] == {
        "stage": "register",
        "action": "implement",
        "allowed_actions": ["register"],
        "stage_actions": ["register"],
    }
    t.refresh_from_db()
    assert t.version == 1
    assert not TicketEvent.objects.filter(ticket=t, kind=EventKind.COMPLAINT).exists()


def test_missing_fields_are_422_with_details(people: People, api: Any) -> None:
    t = people.complaint()
    people.to_stage(t, S.INVESTIGATE)
    res = api(people.handler).post(_url(t), {"action": "investigate", "cause_category": "quality"})
    assert res.status_code == 422
    assert res.json()["code"] == "validation_error"
    assert res.json()["details"] == {
        "responsible_department_id": "Enter a whole number.",
        "responsible_person": "This field is required.",
        "root_cause": "This field is required.",
    }
    res = api(people.handler).post(_url(t), {"demand": "no action"})
    assert res.status_code == 422
    assert res.json()["details"][0]["field"] == "payload.action"


def test_permissions_scope_and_versions(people: People, api: Any) -> None:
    t = people.complaint()
    assert api(people.agent).post(_url(t), {"action": "register", "demand": "x"}).status_code == 403
    res = api(people.south_handler).post(_url(t), {"action": "register", "demand": "x"})
    assert res.status_code == 404
    assert api(people.south_handler).get(f"/api/v1/tickets/{t.pk}/complaint").status_code == 404
    res = api(people.handler).post(_url(t), {"action": "register", "demand": "x", "version": 7})
    assert (res.status_code, res.json()["code"]) == (409, "ticket_stale")
    people.to_stage(t, S.APPROVE, cost="2000")
    remedy = Remedy.objects.get()
    res = api(people.agent).post(_url(t), {"action": "approve", "remedy_id": remedy.pk})
    assert (res.status_code, res.json()["code"]) == (403, "permission_denied")
    res = api(people.store_manager).post(_url(t), {"action": "approve", "remedy_id": remedy.pk})
    assert res.status_code == 403
    assert res.json()["code"] == "approval_limit_exceeded"
    assert res.json()["details"]["approver_id"] == people.region_manager.pk
    remedy.refresh_from_db()
    assert remedy.status == "proposed"


def test_complaint_of_a_non_complaint_is_404(people: People, api: Any) -> None:
    from kefu.tickets.services.intake import create_ticket

    t = create_ticket(
        actor=people.agent, unit=people.org.shanghai, type="enquiry", channel="phone", title="问"
    )
    assert api(people.hq_manager).get(f"/api/v1/tickets/{t.pk}/complaint").status_code == 404


def test_stats_and_case_library(people: People, api: Any) -> None:
    p = people
    for i in range(3):
        p.to_stage(p.complaint(title=f"投诉 {i}"), S.ARCHIVED)
    p.to_stage(p.complaint(title="在调查"), S.PROPOSE)
    p.complaint(unit=p.org.guangzhou, title="华南投诉", actor=p.south_handler)
    client = api(p.region_manager)
    with CaptureQueriesContext(connection) as ctx:
        res = client.get("/api/v1/complaints/stats")
    assert res.status_code == 200
    # token + its first-use update + scope + the org tree (once per process) + total + five
    # grouped queries
    assert len(ctx.captured_queries) == 10
    body = res.json()
    assert body["total"] == 4  # the Guangzhou complaint is out of scope
    assert body["by_stage"] == [
        {"stage": "archived", "count": 3},
        {"stage": "propose", "count": 1},
    ]
    assert body["by_cause"] == [{"cause_category": "quality", "count": 4}]
    assert body["by_department"] == [
        {"department_id": p.org.quality_hq.pk, "name": "质量部", "count": 4}
    ]
    assert body["by_unit"] == [{"unit_id": p.org.shanghai.pk, "name": "上海一店", "count": 4}]
    assert body["by_week"] == [{"week": "2026-11-23", "count": 4}]
    assert api(p.hq_manager).get("/api/v1/complaints/stats").json()["total"] == 5
    with CaptureQueriesContext(connection) as ctx:
        res = client.get("/api/v1/complaints/cases", {"limit": 2})
    assert res.status_code == 200
    assert len(ctx.captured_queries) == 4  # token + scope + count + one page (joins)
    body = res.json()
    assert body["count"] == 3
    assert [c["title"] for c in body["items"]] == ["投诉 2", "投诉 1"]
    first = body["items"][0]
    assert (first["responsible_department"], first["unit_name"], first["satisfaction"]) == (
        "质量部",
        "上海一店",
        5,
    )
    assert api(p.south_handler).get("/api/v1/complaints/cases").json()["count"] == 0


@pytest.mark.parametrize(
    "body",
    [
        {"action": ["judge"]},
        {"action": None},
        {"action": "judge", "valid": "maybe"},
        {"action": "judge", "valid": True, "note": {"x": 1}},
        {"action": "investigate", "responsible_department_id": "1e9"},
        {"action": "investigate", "responsible_department_id": 10**30},
        {"action": "propose_remedy", "kind": "refund", "description": "x", "cost": "abc"},
        {"action": "propose_remedy", "kind": "refund", "description": "x", "cost": "1e400"},
        {"action": "propose_remedy", "kind": "refund", "description": "x", "cost": "NaN"},
        {"action": "propose_remedy", "kind": ["refund"], "description": "x", "cost": 1},
        {"action": "approve", "remedy_id": 999999},
        {"action": "approve", "remedy_id": -1},
        {"action": "record_revisit", "satisfaction": 3.5},
        {"action": "summarise", "summary": "x" * 5000},
        {"action": "summarise", "summary": "x", "add_to_case_library": "yes"},
    ],
)
def test_odd_input_is_a_clear_4xx(people: People, api: Any, body: dict[str, Any]) -> None:
    t = people.complaint()
    stage = {
        "judge": S.JUDGE,
        "investigate": S.INVESTIGATE,
        "propose_remedy": S.PROPOSE,
        "approve": S.APPROVE,
        "record_revisit": S.REVISIT,
        "summarise": S.SUMMARISE,
    }.get(body["action"] if isinstance(body["action"], str) else "", S.REGISTER)
    people.to_stage(t, stage)
    t.refresh_from_db()
    version = t.version
    res = api(people.hq_manager).post(_url(t), body)
    assert res.status_code in (400, 409, 422), res.content
    t.refresh_from_db()
    assert t.version == version
