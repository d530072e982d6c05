"""Attempts with the retry policy, and completing a revisit with its answers."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest

from kefu.core.errors import PermissionDenied
from kefu.revisits.errors import BadAnswers, TaskClosed
from kefu.revisits.models import RevisitAnswer, RevisitAttempt, RevisitTask
from kefu.revisits.quiet import SHANGHAI
from kefu.revisits.services import complete_task, generate_for_plan, record_attempt
from kefu.tickets.models import Ticket
from kefu.tickets.services.work import change_status
from kefu.tickets.tests.h9_fixtures import make_ticket

pytestmark = pytest.mark.django_db


def at(month: int, day: int, hh: int, mm: int = 0) -> datetime:
    return datetime(2026, month, day, hh, mm, tzinfo=SHANGHAI)


@pytest.fixture
def ratings(monkeypatch: Any) -> list[dict[str, Any]]:
    import kefu.surveys.services as surveys

    calls: list[dict[str, Any]] = []
    monkeypatch.setattr(surveys, "record_rating", lambda **kw: calls.append(kw), raising=False)
    return calls


@pytest.fixture
def task(rv: Any, org: Any) -> RevisitTask:
    t = make_ticket(rv.manager, org.shanghai, "空调漏水", type="repair", customer=rv.customer)
    change_status(actor=rv.manager, ticket=t, status="resolved", reason="已修好")
    generate_for_plan(actor=None, plan=rv.plan, now=t.resolved_at + timedelta(days=10))
    task = RevisitTask.objects.select_related("ticket").get()
    assert task.assignee == rv.agent
    return task


def q(rv: Any) -> list[int]:
    return list(rv.script.questions.values_list("pk", flat=True))


def test_no_answer_retries_on_a_later_day_then_unreachable(rv: Any, task: Any) -> None:
    record_attempt(actor=rv.agent, task=task, outcome="no_answer", now=at(3, 2, 19, 30))
    assert (task.status, task.attempts, task.next_attempt_at) == ("open", 1, at(3, 3, 9))
    assert task.due_at == at(3, 3, 9)
    record_attempt(actor=rv.agent, task=task, outcome="busy", now=at(3, 3, 9, 5))
    assert task.next_attempt_at == at(3, 4, 9)  # a different day, not later that morning
    record_attempt(actor=rv.agent, task=task, outcome="no_answer", now=at(3, 4, 15))
    assert (task.status, task.attempts, task.next_attempt_at) == ("unreachable", 3, None)
    assert task.closed_at == at(3, 4, 15)
    assert list(task.attempt_log.values_list("outcome", flat=True)) == [
        "no_answer",
        "busy",
        "no_answer",
    ]
    with pytest.raises(TaskClosed):
        record_attempt(actor=rv.agent, task=task, outcome="no_answer")


def test_min_days_apart_and_retry_lands_after_quiet_hours(rv: Any, task: Any) -> None:
    rv.plan.min_days_apart = 2
    rv.plan.max_attempts = 2
    rv.plan.save()
    record_attempt(actor=rv.agent, task=task, outcome="no_answer", now=at(3, 6, 10))
    assert task.next_attempt_at == at(3, 8, 9)
    record_attempt(actor=rv.agent, task=task, outcome="no_answer", now=at(3, 8, 10))
    assert task.status == "unreachable"


def test_wrong_number_closes_at_once_and_refusal_is_done(rv: Any, task: Any) -> None:
    record_attempt(actor=rv.agent, task=task, outcome="wrong_number")
    assert (task.status, task.attempts) == ("unreachable", 1)


def test_refused_is_done_without_result(rv: Any, task: Any) -> None:
    record_attempt(actor=rv.agent, task=task, outcome="refused", notes="不方便")
    assert (task.status, task.result) == ("done", "")


def test_satisfied_completion(rv: Any, task: Any, ratings: list[Any]) -> None:
    record_attempt(actor=rv.agent, task=task, outcome="reached")
    assert task.status == "in_progress"
    a, b, c = q(rv)
    complete_task(
        actor=rv.agent, task=task, answers={str(a): "5", str(b): "已解决", str(c): ""}, notes="ok"
    )
    assert (task.status, task.result, task.created_ticket_id) == ("done", "satisfied", None)
    assert dict(RevisitAnswer.objects.values_list("question_id", "value")) == {a: "5", b: "已解决"}
    assert RevisitAttempt.objects.filter(task=task).count() == 1
    assert [(r["csat"], r["source"], r["revisit_task_id"]) for r in ratings] == [
        (5, "revisit", task.pk)
    ]


def test_choice_branch_makes_it_average(rv: Any, task: Any, ratings: list[Any]) -> None:
    a, b, _c = q(rv)
    complete_task(actor=rv.agent, task=task, answers={str(a): "4", str(b): "部分解决"})
    assert task.result == "average"
    assert task.attempts == 1  # completing without an attempt logs the reached call


def test_unsatisfied_reopens_a_recently_resolved_ticket(rv: Any, task: Any, ratings: Any) -> None:
    a, b, _c = q(rv)
    complete_task(actor=rv.agent, task=task, answers={str(a): "2", str(b): "未解决"}, notes="又漏")
    original = Ticket.objects.get(pk=task.ticket_id)
    assert (task.result, task.created_ticket_id, task.reopened_ticket) == (
        "unsatisfied",
        original.pk,
        True,
    )
    assert original.status == "open"
    assert Ticket.objects.count() == 1


def test_unsatisfied_opens_a_complaint_when_the_ticket_is_closed(
    rv: Any, task: Any, ratings: Any
) -> None:
    original = Ticket.objects.get(pk=task.ticket_id)
    change_status(actor=rv.manager, ticket=original, status="closed")
    a, b, _c = q(rv)
    complete_task(actor=rv.agent, task=task, answers={str(a): "1", str(b): "已解决"})
    new = Ticket.objects.exclude(pk=original.pk).get()
    assert (task.result, task.created_ticket_id, task.reopened_ticket) == (
        "unsatisfied",
        new.pk,
        False,
    )
    assert (new.type, new.reference, new.customer_id, new.unit_id) == (
        "complaint",
        original.number,
        rv.customer.pk,
        task.unit_id,
    )
    assert new.channel == "phone"


def test_missing_or_bad_answers_leave_nothing(rv: Any, task: Any, ratings: Any) -> None:
    a, b, _c = q(rv)
    with pytest.raises(BadAnswers) as exc:
        complete_task(actor=rv.agent, task=task, answers={str(a): "7"})
    assert set(exc.value.details) == {str(a), str(b)}
    task.refresh_from_db()
    assert (task.status, task.attempts) == ("open", 0)
    assert not RevisitAnswer.objects.exists()
    assert not RevisitAttempt.objects.exists()
    assert ratings == []


def test_agent_outside_the_unit_is_refused(rv: Any, task: Any, org: Any, make_user: Any) -> None:
    south = make_user("agent", org.south)
    with pytest.raises(PermissionDenied):
        record_attempt(actor=south, task=task, outcome="no_answer")
    assert not RevisitAttempt.objects.exists()


def test_rating_reaches_the_shared_satisfaction_figures(rv: Any, task: Any) -> None:
    from kefu.surveys.models import SatisfactionRating

    a, b, _c = q(rv)
    complete_task(actor=rv.agent, task=task, answers={str(a): "4", str(b): "已解决"}, notes="好")
    rating = SatisfactionRating.objects.get()
    assert (rating.source, rating.csat, rating.revisit_task_id, rating.agent) == (
        "revisit",
        4,
        task.pk,
        rv.agent,
    )
    assert (rating.customer, rating.ticket_id, rating.unit) == (
        rv.customer,
        task.ticket_id,
        task.unit,
    )
