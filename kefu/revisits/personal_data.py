"""The revisits' part of a customer's personal data (registered in RevisitsConfig.ready).

Export: revisit tasks, call attempts and answers. Erase: remarks, attempt notes and free
text answers are blanked (ratings and choices stay for the figures); calls not yet made
are cancelled, since there is no one to call any more."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils import timezone
from django.utils.translation import gettext_lazy

from kefu.revisits.choices import ACTIVE_STATUSES, QuestionKind, TaskStatus
from kefu.revisits.models import RevisitAnswer, RevisitAttempt, RevisitTask

if TYPE_CHECKING:
    from kefu.customers.models import Customer
    from kefu.customers.personal_data_registry import Redactor, Rows


def export_revisits(customer: Customer) -> dict[str, Rows]:
    own = {"task__customer_id": customer.pk}
    return {
        "revisit_tasks": list(
            RevisitTask.objects.filter(customer_id=customer.pk)
            .order_by("due_at", "id")
            .values(
                "id",
                "plan__name",
                "ticket__number",
                "due_at",
                "status",
                "attempts",
                "result",
                "notes",
                "closed_at",
            )
        ),
        "revisit_attempts": list(
            RevisitAttempt.objects.filter(**own)
            .order_by("at", "id")
            .values("task_id", "at", "outcome", "notes")
        ),
        "revisit_answers": list(
            RevisitAnswer.objects.filter(**own)
            .order_by("task_id", "question__order", "id")
            .values("task_id", "question__text", "value")
        ),
    }


def erase_revisits(customer: Customer, redactor: Redactor) -> dict[str, int]:
    own = {"task__customer_id": customer.pk}
    tasks = RevisitTask.objects.filter(customer_id=customer.pk)
    cancelled = tasks.filter(status__in=ACTIVE_STATUSES).update(
        status=TaskStatus.CANCELLED, next_attempt_at=None, updated_at=timezone.now()
    )
    notes = tasks.exclude(notes="").update(notes="")
    attempts = RevisitAttempt.objects.filter(**own).exclude(notes="").update(notes="")
    answers = (
        RevisitAnswer.objects.filter(**own, question__kind=QuestionKind.TEXT)
        .exclude(value="")
        .update(value="")
    )
    return {
        "revisit_tasks_cancelled": cancelled,
        "revisit_tasks": notes,
        "revisit_attempts": attempts,
        "revisit_answers": answers,
    }


def register() -> None:
    from kefu.customers.personal_data_registry import register_personal_data_provider

    register_personal_data_provider(
        "revisits",
        gettext_lazy("Revisits"),
        exporter=export_revisits,
        eraser=erase_revisits,
        order=40,
    )
