"""The revisits API: plans, generation, tasks, attempts, completion, scripts, report."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kefu.revisits.models import RevisitPlan, RevisitTask, Script
from kefu.revisits.tests.fixtures import QUESTIONS
from kefu.tickets.models import Ticket
from kefu.tickets.services.work import change_status
from kefu.tickets.tests.h9_fixtures import make_ticket

pytestmark = pytest.mark.django_db
API = "/api/v1/revisits"


@pytest.fixture(autouse=True)
def _no_ratings(monkeypatch: Any) -> None:
    import kefu.surveys.services as surveys

    monkeypatch.setattr(surveys, "record_rating", lambda **kw: None, raising=False)


def _resolved(rv: Any, org: Any, n: int = 1) -> None:
    for i in range(n):
        t = make_ticket(
            rv.manager, org.shanghai, f"维修{i}", type="complaint", customer=rv.customer
        )
        change_status(actor=rv.manager, ticket=t, status="resolved")
        Ticket.objects.filter(pk=t.pk).update(resolved_at=t.resolved_at - timedelta(days=10))


def test_plan_create_generate_and_list(rv: Any, org: Any, api_as: Any) -> None:
    api = api_as(rv.manager)
    r = api.post(
        f"{API}/plans",
        {
            "name": "投诉回访",
            "kind": "after_resolution",
            "params": {"business_days": 1},
            "script_id": rv.script.pk,
            "unit_id": org.east.pk,
            "pool": [rv.agent.pk],
        },
    )
    assert r.status_code == 201, r.json()
    plan_id = r.json()["id"]
    assert r.json()["pool"] == [rv.agent.pk]
    _resolved(rv, org, 2)
    r = api.post(f"{API}/plans/{plan_id}/generate")
    assert r.json() == {"created": 2}
    assert api.post(f"{API}/plans/{plan_id}/generate").json() == {"created": 0}
    names = [p["name"] for p in api.get(f"{API}/plans").json()]
    assert names == ["投诉及售后回访", "投诉回访"]


def test_agent_may_not_create_plans(rv: Any, org: Any, api_as: Any) -> None:
    r = api_as(rv.agent).post(
        f"{API}/plans",
        {"name": "x", "kind": "campaign", "script_id": rv.script.pk, "unit_id": org.east.pk},
    )
    assert r.status_code == 403
    assert RevisitPlan.objects.count() == 1


def test_task_flow_attempt_then_complete_unsatisfied(rv: Any, org: Any, api_as: Any) -> None:
    _resolved(rv, org)
    api_as(rv.manager).post(f"{API}/plans/{rv.plan.pk}/generate")
    task = RevisitTask.objects.get()
    api = api_as(task.assignee)
    page = api.get(f"{API}/tasks").json()
    assert [t["id"] for t in page["items"]] == [task.pk]
    detail = api.get(f"{API}/tasks/{task.pk}").json()
    assert [q["text"] for q in detail["script"]["questions"]] == [q["text"] for q in QUESTIONS]
    r = api.post(f"{API}/tasks/{task.pk}/attempts", {"outcome": "busy"})
    assert r.status_code == 201
    assert (r.json()["status"], r.json()["attempts"]) == ("open", 1)
    qs = [q["id"] for q in detail["script"]["questions"]]
    r = api.post(f"{API}/tasks/{task.pk}/complete", {"answers": {str(qs[0]): "9"}})
    assert r.status_code == 422
    assert r.json()["code"] == "revisit_bad_answers"
    r = api.post(
        f"{API}/tasks/{task.pk}/complete",
        {"answers": {str(qs[0]): "1", str(qs[1]): "未解决"}, "notes": "不满意"},
    )
    assert r.status_code == 200, r.json()
    body = r.json()
    assert (body["status"], body["result"]) == ("done", "unsatisfied")
    assert body["created_ticket_id"] is not None
    assert body["answers"] == {str(qs[0]): "1", str(qs[1]): "未解决"}
    r = api.post(f"{API}/tasks/{task.pk}/attempts", {"outcome": "busy"})
    assert r.status_code == 409


def test_tasks_list_query_count_is_flat(rv: Any, org: Any, api_as: Any) -> None:
    _resolved(rv, org, 1)
    api_as(rv.manager).post(f"{API}/plans/{rv.plan.pk}/generate")
    api = api_as(rv.manager)
    api.get(f"{API}/tasks?mine=false")
    with CaptureQueriesContext(connection) as one:
        assert api.get(f"{API}/tasks?mine=false").json()["count"] == 1
    _resolved(rv, org, 3)
    rv.plan.tasks.all().delete()
    api.post(f"{API}/plans/{rv.plan.pk}/generate")
    with CaptureQueriesContext(connection) as four:
        assert api.get(f"{API}/tasks?mine=false").json()["count"] == 4
    assert len(four.captured_queries) == len(one.captured_queries)


def test_other_region_sees_no_task(rv: Any, org: Any, api_as: Any, make_user: Any) -> None:
    _resolved(rv, org)
    api_as(rv.manager).post(f"{API}/plans/{rv.plan.pk}/generate")
    task = RevisitTask.objects.get()
    south = make_user("agent", org.south)
    assert api_as(south).get(f"{API}/tasks/{task.pk}").status_code == 404
    assert api_as(south).get(f"{API}/tasks?mine=false").json()["count"] == 0


def test_scripts_create_and_list(rv: Any, api_as: Any) -> None:
    api = api_as(rv.manager)
    r = api.post(
        f"{API}/scripts",
        {
            "name": "会员召回",
            "purpose": "member",
            "opening": "您好",
            "closing": "再见",
            "questions": [{"kind": "rating", "text": "满意吗？"}],
        },
    )
    assert r.status_code == 201, r.json()
    assert [q["kind"] for q in r.json()["questions"]] == ["rating"]
    r = api.post(
        f"{API}/scripts",
        {
            "name": "坏",
            "opening": "a",
            "closing": "b",
            "questions": [{"kind": "choice", "text": "?"}],
        },
    )
    assert r.status_code == 422
    assert Script.objects.count() == 2
    assert sorted(s["name"] for s in api.get(f"{API}/scripts").json()) == ["会员召回", "售后回访"]


def test_report(rv: Any, org: Any, api_as: Any) -> None:
    _resolved(rv, org, 2)
    api_as(rv.manager).post(f"{API}/plans/{rv.plan.pk}/generate")
    tasks = list(RevisitTask.objects.order_by("pk"))
    qs = list(rv.script.questions.values_list("pk", flat=True))
    api_as(tasks[0].assignee).post(
        f"{API}/tasks/{tasks[0].pk}/complete", {"answers": {str(qs[0]): "5", str(qs[1]): "已解决"}}
    )
    r = api_as(rv.manager).get(f"{API}/report")
    assert r.status_code == 200, r.json()
    body = r.json()
    assert (body["total"]["due"], body["total"]["reached"]) == (2, 1)
    assert body["total"]["coverage"] == 50.0
    assert [t["satisfied"] for t in body["trend"]] == [1]
    assert len(body["csat"]) == 30
    assert (
        sorted(c["label"] for c in body["by_agent"]) == ["other", "王小明"]
        or len(body["by_agent"]) == 2
    )


def test_quiet_hours_read_and_set(rv: Any, org: Any, api_as: Any) -> None:
    api = api_as(rv.manager)
    r = api.get(f"{API}/quiet-hours", {"unit_id": org.shanghai.pk})
    assert r.json()["windows"] == [["00:00", "09:00"], ["12:00", "14:00"], ["20:00", "24:00"]]
    assert r.json()["callable"] == [["09:00", "12:00"], ["14:00", "20:00"]]
    body = {"unit_id": org.east.pk, "windows": [["19:30", "08:30"], ["12:00", "13:30"]]}
    r = api._call("put", f"{API}/quiet-hours", body)
    assert r.status_code == 200, r.json()
    r = api.get(f"{API}/quiet-hours", {"unit_id": org.shanghai.pk})  # inherited from east
    assert r.json()["callable"] == [["08:30", "12:00"], ["13:30", "19:30"]]
    bad = {"unit_id": org.east.pk, "windows": [["00:00", "24:00"]]}
    assert api._call("put", f"{API}/quiet-hours", bad).status_code == 422
    assert api_as(rv.agent)._call("put", f"{API}/quiet-hours", body).status_code == 403


def test_script_update_keeps_answered_questions(rv: Any, api_as: Any) -> None:
    api = api_as(rv.manager)
    current = api.get(f"{API}/scripts").json()[0]
    first = current["questions"][0]
    body = {**current, "opening": "新的开场白", "questions": [{**first, "text": "改过的问题"}]}
    r = api._call("put", f"{API}/scripts/{current['id']}", body)
    assert r.status_code == 200, r.json()
    out = r.json()
    assert (out["opening"], out["version"]) == ("新的开场白", current["version"] + 1)
    assert [(q["id"], q["text"]) for q in out["questions"]] == [(first["id"], "改过的问题")]
    assert api_as(rv.agent)._call("put", f"{API}/scripts/{current['id']}", body).status_code == 403
