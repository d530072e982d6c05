"""The revisit screens through the test client."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from kefu.revisits.models import RevisitPlan, RevisitTask, Script
from kefu.revisits.services import generate_for_plan
from kefu.tickets.models import Ticket
from kefu.tickets.services.work import change_status
from kefu.tickets.tests.h9_fixtures import make_ticket

pytestmark = pytest.mark.django_db


def client_for(user: Any) -> Client:
    c = Client()
    c.force_login(user)
    return c


@pytest.fixture
def tasks(rv: Any, org: Any, monkeypatch: Any) -> list[RevisitTask]:
    import kefu.surveys.services as surveys

    monkeypatch.setattr(surveys, "record_rating", lambda **kw: None, raising=False)
    for i in range(3):
        t = make_ticket(rv.manager, org.shanghai, f"维修{i}", type="repair", customer=rv.customer)
        change_status(actor=rv.manager, ticket=t, status="resolved")
    generate_for_plan(actor=None, plan=rv.plan, now=t.resolved_at + timedelta(days=10))
    return list(RevisitTask.objects.order_by("pk"))


def test_queue_lists_my_tasks_with_a_fixed_number_of_queries(rv: Any, tasks: Any) -> None:
    c = client_for(rv.agent)
    c.get("/revisits/")
    with CaptureQueriesContext(connection) as ctx:
        r = c.get("/revisits/")
    assert r.status_code == 200
    mine = [t for t in tasks if t.assignee_id == rv.agent.pk]
    assert r.content.decode().count("data-task=") == len(mine)
    n = len(ctx.captured_queries)
    for t in tasks:
        RevisitTask.objects.filter(pk=t.pk).update(assignee=rv.agent)
    with CaptureQueriesContext(connection) as ctx2:
        r = c.get("/revisits/")
    assert r.content.decode().count("data-task=") == 3
    assert len(ctx2.captured_queries) == n
    assert "09:00–12:00" in r.content.decode()


def test_walk_and_unsatisfied_opens_ticket(rv: Any, tasks: Any) -> None:
    task = tasks[0]
    c = client_for(task.assignee)
    r = c.get(f"/revisits/tasks/{task.pk}/")
    assert r.status_code == 200
    assert rv.script.opening in r.content.decode()
    r = c.post(f"/revisits/tasks/{task.pk}/attempt/", {"outcome": "reached"})
    assert r.status_code == 302
    a, b, _c = rv.script.questions.values_list("pk", flat=True)
    Ticket.objects.filter(pk=task.ticket_id).update(status="closed")
    r = c.post(
        f"/revisits/tasks/{task.pk}/complete/",
        {f"q{a}": "2", f"q{b}": "未解决", "notes": "师傅没来"},
    )
    assert r.status_code == 302
    task.refresh_from_db()
    assert (task.status, task.result) == ("done", "unsatisfied")
    assert task.created_ticket is not None
    page = c.get(f"/revisits/tasks/{task.pk}/").content.decode()
    assert task.created_ticket.number in page


def test_no_answer_button_schedules_a_retry(rv: Any, tasks: Any) -> None:
    task = tasks[0]
    r = client_for(task.assignee).post(
        f"/revisits/tasks/{task.pk}/attempt/", {"outcome": "no_answer"}
    )
    assert r.status_code == 302
    task.refresh_from_db()
    assert (task.status, task.attempts) == ("open", 1)
    assert task.next_attempt_at is not None


def test_agent_cannot_open_plans_or_scripts(rv: Any) -> None:
    c = client_for(rv.agent)
    assert c.get("/revisits/plans/").status_code == 403
    assert c.get("/revisits/scripts/").status_code == 403


def test_manager_writes_a_script_with_questions(rv: Any) -> None:
    c = client_for(rv.manager)
    assert c.get("/revisits/scripts/").status_code == 200
    data = {
        "s-name": "大客户关怀",
        "s-purpose": "care",
        "s-opening": "您好",
        "s-closing": "再见",
        "s-is_active": "on",
        "q-TOTAL_FORMS": "2",
        "q-INITIAL_FORMS": "0",
        "q-0-kind": "rating",
        "q-0-text": "满意度？",
        "q-0-required": "on",
        "q-1-kind": "choice",
        "q-1-text": "还会再买吗？",
        "q-1-choices": "会\n不会",
        "q-1-branches": "不会=unsatisfied",
    }
    r = c.post("/revisits/scripts/", data)
    assert r.status_code == 302, r.content.decode()[:2000]
    s = Script.objects.get(name="大客户关怀")
    assert [(q.kind, q.choices, q.choice_branches) for q in s.questions.all()] == [
        ("rating", [], {}),
        ("choice", ["会", "不会"], {"不会": "unsatisfied"}),
    ]


def test_manager_creates_a_plan_and_generates(rv: Any, org: Any) -> None:
    c = client_for(rv.manager)
    assert c.get("/revisits/plans/").status_code == 200
    r = c.post(
        "/revisits/plans/",
        {
            "name": "大客户",
            "kind": "key_accounts",
            "script": rv.script.pk,
            "unit": org.east.pk,
            "strategy": "least_open",
            "max_attempts": "3",
            "min_days_apart": "1",
            "is_active": "on",
            "pool": [rv.agent.pk],
        },
    )
    assert r.status_code == 302, r.content.decode()[:3000]
    plan = RevisitPlan.objects.get(name="大客户")
    assert list(plan.pool.all()) == [rv.agent]
    r = c.post(f"/revisits/plans/{plan.pk}/generate/")
    assert r.status_code == 302


def test_report_page_and_export(rv: Any, tasks: Any) -> None:
    c = client_for(rv.manager)
    r = c.get("/revisits/report/")
    assert r.status_code == 200
    r = c.get("/revisits/report/?export=xlsx")
    assert r.status_code == 200
    assert r["Content-Type"].startswith("application/vnd.openxmlformats")


def test_customer_page_shows_the_revisits(rv: Any, tasks: Any) -> None:
    r = client_for(rv.manager).get(f"/customers/{rv.customer.pk}/")
    assert r.status_code == 200
    html = r.content.decode()
    assert "data-revisits" in html
    assert rv.plan.name in html


def test_quiet_hours_page_sets_a_window_across_midnight(rv: Any, org: Any) -> None:
    from kefu.revisits.services.timing import quiet_windows

    c = client_for(rv.manager)
    assert c.get("/revisits/quiet-hours/").status_code == 200
    r = c.post(
        "/revisits/quiet-hours/", {"unit": org.east.pk, "windows": "20:30-08:30\n12:00-13:00"}
    )
    assert r.status_code == 302
    assert quiet_windows(org.shanghai) == [(1230, 510), (720, 780)]
    r = c.post("/revisits/quiet-hours/", {"unit": "", "windows": "00:00-24:00"})
    assert r.status_code == 200
    assert "has-error" in r.content.decode()


def test_plans_and_report_pages_keep_their_query_count(rv: Any, org: Any, tasks: Any) -> None:
    c = client_for(rv.manager)
    c.get("/revisits/plans/")
    with CaptureQueriesContext(connection) as before:
        c.get("/revisits/plans/")
        c.get("/revisits/report/")
    for i in range(3):
        plan = RevisitPlan.objects.get(pk=rv.plan.pk)
        plan.pk = None
        plan.name = f"copy {i}"
        plan.save()
        plan.pool.set([rv.agent])
    with CaptureQueriesContext(connection) as after:
        c.get("/revisits/plans/")
        c.get("/revisits/report/")
    assert len(after.captured_queries) == len(before.captured_queries)


def test_revisit_records_export(rv: Any, tasks: Any, org: Any, make_user: Any) -> None:
    import io

    from openpyxl import load_workbook

    supervisor = make_user("supervisor", org.east, username="sup")
    r = client_for(supervisor).get("/revisits/?view=all&status=&export=xlsx")
    assert r.status_code == 200
    book = load_workbook(io.BytesIO(r.getvalue()))
    rows = list(book.active.iter_rows(values_only=True))
    assert len(rows) == 1 + len(tasks)
    assert rows[1][1] == "张三"
    assert client_for(rv.agent).get("/revisits/?export=xlsx").status_code == 403
