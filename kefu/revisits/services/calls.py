"""The call itself: attempts (with the retry policy) and completing a task with answers.
An unsatisfied result reopens the original ticket (resolved within the plan's window) or
opens a new one that references it; the satisfaction goes to the shared figures."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kefu.core.errors import PermissionDenied
from kefu.core.models import User
from kefu.core.permissions import Perm
from kefu.core.selectors.scope import has_perm
from kefu.core.services.audit import record_audit
from kefu.revisits.choices import (
    ACTIVE_STATUSES,
    RETRY_OUTCOMES,
    Outcome,
    QuestionKind,
    Result,
    TaskStatus,
)
from kefu.revisits.errors import BadAnswers, TaskClosed
from kefu.revisits.models import RevisitAnswer, RevisitAttempt, RevisitTask, ScriptQuestion
from kefu.revisits.services.timing import next_day_at_opening, quiet_windows
from kefu.tickets.choices import Channel, Status, TicketType

log = logging.getLogger(__name__)
REOPEN_DAYS = 7
_RANK = {Result.UNSATISFIED: 0, Result.AVERAGE: 1, Result.SATISFIED: 2}


def _lock(actor: User, task: RevisitTask) -> RevisitTask:
    locked = RevisitTask.objects.select_for_update().select_related("plan", "unit").get(pk=task.pk)
    if not has_perm(actor, Perm.DO_REVISITS, locked.unit):
        raise PermissionDenied()
    if locked.status not in ACTIVE_STATUSES:
        raise TaskClosed(_("This revisit is closed already."))
    return locked


def record_attempt(
    *,
    actor: User,
    task: RevisitTask,
    outcome: str,
    notes: str = "",
    now: datetime | None = None,
) -> RevisitTask:
    """Log one call. No answer / busy: retry on a later day (plan's min days apart) until
    the plan's tries are used up → unreachable. Wrong number → unreachable at once.
    Refused → done without a result. Reached → in progress (the script follows)."""
    now = now or timezone.now()
    if outcome not in Outcome.values:
        raise BadAnswers(details={"outcome": _("Unknown outcome.")})
    with transaction.atomic():
        locked = _lock(actor, task)
        RevisitAttempt.objects.create(
            task=locked, at=now, outcome=outcome, notes=notes.strip()[:500], agent=actor
        )
        locked.attempts += 1
        if outcome == Outcome.REACHED:
            locked.status = TaskStatus.IN_PROGRESS
            locked.next_attempt_at = None
        elif outcome == Outcome.REFUSED:
            _close(locked, TaskStatus.DONE, actor, now)
        elif outcome == Outcome.WRONG_NUMBER or locked.attempts >= locked.plan.max_attempts:
            _close(locked, TaskStatus.UNREACHABLE, actor, now)
        else:
            assert outcome in RETRY_OUTCOMES
            days = max(1, locked.plan.min_days_apart)
            retry = next_day_at_opening(now, days, quiet_windows(locked.unit))
            locked.next_attempt_at = retry
            locked.due_at = retry
            locked.status = TaskStatus.OPEN
        locked.save()
        record_audit(
            actor=actor,
            action="revisits.attempt",
            obj=locked,
            unit=locked.unit,
            changes={"outcome": outcome, "attempts": locked.attempts, "status": locked.status},
        )
    _sync(task, locked)
    return task


def _close(task: RevisitTask, status: str, actor: User | None, now: datetime) -> None:
    task.status = status
    task.closed_at = now
    task.closed_by = actor
    task.next_attempt_at = None


def _sync(task: RevisitTask, locked: RevisitTask) -> None:
    for f in RevisitTask._meta.concrete_fields:
        setattr(task, f.attname, getattr(locked, f.attname))


def _rating_branch(value: int) -> Result:
    if value <= 2:
        return Result.UNSATISFIED
    return Result.AVERAGE if value == 3 else Result.SATISFIED


def clean_answers(
    questions: list[ScriptQuestion], raw: dict[str, Any]
) -> tuple[dict[int, str], Result | None, list[int]]:
    """Check the answers against the script: (values by question id, branch, ratings)."""
    errors: dict[str, str] = {}
    values: dict[int, str] = {}
    branch: Result | None = None
    ratings: list[int] = []
    for q in questions:
        value = str(raw.get(str(q.pk), raw.get(q.pk, "")) or "").strip()  # type: ignore[call-overload]
        if not value:
            if q.required:
                errors[str(q.pk)] = _("This question needs an answer.")
            continue
        found: Result | None = None
        if q.kind == QuestionKind.RATING:
            if value not in {"1", "2", "3", "4", "5"}:
                errors[str(q.pk)] = _("Choose a rating from 1 to 5.")
                continue
            ratings.append(int(value))
            found = _rating_branch(int(value))
        elif q.kind == QuestionKind.CHOICE:
            if value not in q.choices:
                errors[str(q.pk)] = _("Choose one of the offered answers.")
                continue
            mapped = (q.choice_branches or {}).get(value)
            found = Result(mapped) if mapped in Result.values else None
        values[q.pk] = value[:1000]
        if found is not None and (branch is None or _RANK[found] < _RANK[branch]):
            branch = found
    if errors:
        raise BadAnswers(_("Some answers are missing or not valid."), details=errors)
    return values, branch, ratings


def complete_task(
    *,
    actor: User,
    task: RevisitTask,
    answers: dict[str, Any],
    notes: str = "",
    now: datetime | None = None,
) -> RevisitTask:
    """Record the answers (《回访记录表》), set the result (the worst branch of the rating and
    choice answers), and for an unsatisfied customer reopen or open a ticket."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = _lock(actor, task)
        questions = list(locked.plan.script.questions.all())
        values, branch, ratings = clean_answers(questions, answers)
        if not locked.attempt_log.filter(outcome=Outcome.REACHED).exists():
            RevisitAttempt.objects.create(task=locked, at=now, outcome="reached", agent=actor)
            locked.attempts += 1
        RevisitAnswer.objects.bulk_create(
            [RevisitAnswer(task=locked, question_id=k, value=v) for k, v in values.items()]
        )
        locked.result = branch or Result.SATISFIED
        locked.notes = notes.strip()[:5000]
        _close(locked, TaskStatus.DONE, actor, now)
        if locked.result == Result.UNSATISFIED:
            _follow_up(actor, locked, notes, now)
        locked.save()
        _record_rating(actor, locked, ratings, notes)
        record_audit(
            actor=actor,
            action="revisits.complete",
            obj=locked,
            unit=locked.unit,
            changes={"result": locked.result, "ticket": locked.created_ticket_id},
        )
    _sync(task, locked)
    return task


def _follow_up(actor: User, task: RevisitTask, notes: str, now: datetime) -> None:
    from kefu.tickets.services.intake import create_ticket
    from kefu.tickets.services.work import change_status

    original = task.ticket
    reopen_days = int(task.plan.params.get("reopen_days", REOPEN_DAYS))
    reason = _("Unsatisfied at revisit: %(notes)s") % {"notes": notes.strip() or "—"}
    if (
        original is not None
        and original.status == Status.RESOLVED
        and original.resolved_at is not None
        and original.resolved_at >= now - timedelta(days=reopen_days)
    ):
        change_status(actor=actor, ticket=original, status=Status.OPEN, reason=reason, now=now)
        task.created_ticket = original
        task.reopened_ticket = True
        return
    kind = task.plan.params.get("unsatisfied_ticket_type", "complaint")
    if kind == "original" and original is not None:
        kind = original.type
    if kind not in TicketType.values:
        kind = TicketType.COMPLAINT
    title = _("Unsatisfied at revisit: %(customer)s") % {"customer": task.customer.name}
    task.created_ticket = create_ticket(
        actor=actor,
        unit=task.unit,
        type=kind,
        channel=Channel.PHONE,
        title=title[:200],
        description=reason,
        customer=task.customer,
        reference=original.number if original is not None else "",
        now=now,
    )


def _record_rating(actor: User, task: RevisitTask, ratings: list[int], notes: str) -> None:
    if not ratings:
        return
    try:
        from kefu.surveys.services import record_rating
    except ImportError:  # the surveys app is not there yet
        log.info("surveys.record_rating missing; revisit %s rating not shared", task.pk)
        return
    record_rating(
        actor=actor,
        source="revisit",
        unit=task.unit,
        csat=min(ratings),
        comment=notes,
        ticket=task.ticket,
        customer=task.customer,
        agent=actor,
        revisit_task_id=task.pk,
    )


def cancel_task(*, actor: User, task: RevisitTask, reason: str = "") -> RevisitTask:
    with transaction.atomic():
        locked = _lock(actor, task)
        _close(locked, TaskStatus.CANCELLED, actor, timezone.now())
        locked.notes = reason.strip()[:5000]
        locked.save()
        record_audit(actor=actor, action="revisits.cancel", obj=locked, unit=locked.unit)
    _sync(task, locked)
    return task
