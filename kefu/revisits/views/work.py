"""The agent's screens: my revisit queue and the revisit screen that walks the script."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from kefu.core.errors import DomainError
from kefu.core.exports import ExportColumn, export_xlsx_response
from kefu.core.permissions import Perm
from kefu.core.selectors.scope import has_perm
from kefu.core.views.common import actor_of, deny_unless, paginate, perm_required
from kefu.revisits import selectors
from kefu.revisits.choices import ACTIVE_STATUSES, Outcome, TaskStatus
from kefu.revisits.quiet import allowed_spans, is_quiet
from kefu.revisits.services import complete_task, record_attempt
from kefu.revisits.services.timing import quiet_windows

CALL_OUTCOMES = [o for o in Outcome if o != Outcome.REACHED]


def _answers_text(task: Any) -> str:
    return "；".join(f"{a.question.text} {a.value}" for a in task.answers.all())


RECORD_COLUMNS = [  # 《回访记录表》
    ExportColumn(gettext_lazy("Due"), "due_at", 16),
    ExportColumn(gettext_lazy("Customer"), "customer", 14, value=lambda t: t.customer.name),
    ExportColumn(gettext_lazy("Plan"), "plan", 16, value=lambda t: t.plan.name),
    ExportColumn(
        gettext_lazy("Ticket"), "ticket", 16, value=lambda t: t.ticket.number if t.ticket else ""
    ),
    ExportColumn(
        gettext_lazy("Assignee"),
        "assignee",
        10,
        value=lambda t: t.assignee.display_name if t.assignee else "",
    ),
    ExportColumn(gettext_lazy("Status"), "status", 10, value=lambda t: t.get_status_display()),
    ExportColumn(gettext_lazy("Tries"), "attempts", 6),
    ExportColumn(gettext_lazy("Result"), "result", 8, value=lambda t: t.get_result_display()),
    ExportColumn(gettext_lazy("Answers"), "answers", 40, value=_answers_text),
    ExportColumn(gettext_lazy("Remarks"), "notes", 30),
    ExportColumn(
        gettext_lazy("Follow-up ticket"),
        "created_ticket",
        16,
        value=lambda t: t.created_ticket.number if t.created_ticket else "",
    ),
    ExportColumn(gettext_lazy("Closed at"), "closed_at", 16),
]


@perm_required(Perm.DO_REVISITS)
def queue(request: HttpRequest) -> Any:
    actor = actor_of(request)
    view = request.GET.get("view", "mine")
    status = request.GET.get("status", "active")
    if status not in ("active", "", *TaskStatus.values):
        status = "active"
    qs = selectors.tasks_for(actor, mine=view != "all", status=status)
    if request.GET.get("export") == "xlsx":
        deny_unless(has_perm(actor, Perm.EXPORT_DATA))
        return export_xlsx_response(
            actor=actor,
            filename=_("Revisit records"),
            columns=RECORD_COLUMNS,
            rows=qs.prefetch_related("answers__question"),
            object_type="revisits.task",
        )
    windows = quiet_windows(None)
    context = {
        "page": paginate(request, qs),
        "view": view,
        "status": status,
        "statuses": TaskStatus.choices,
        "now": timezone.now(),
        "spans": allowed_spans(windows),
        "quiet_now": is_quiet(timezone.now(), windows),
        "can_export": has_perm(actor, Perm.EXPORT_DATA),
    }
    return render(request, "revisits/queue.html", context)


@perm_required(Perm.DO_REVISITS)
def task_screen(request: HttpRequest, pk: int) -> HttpResponse:
    task = selectors.task_detail(actor_of(request), pk)
    windows = quiet_windows(task.unit)
    questions = list(task.plan.script.questions.all())
    for q in questions:
        q.choice_rows = [(c, q.choice_branches.get(c, "")) for c in q.choices]  # type: ignore[attr-defined]
    context = {
        "task": task,
        "script": task.plan.script,
        "questions": questions,
        "answers": {a.question_id: a.value for a in task.answers.all()},
        "active": task.status in ACTIVE_STATUSES,
        "outcomes": CALL_OUTCOMES,
        "spans": allowed_spans(windows),
        "quiet_now": is_quiet(timezone.now(), windows),
        "errors": {},
    }
    return render(request, "revisits/task.html", context)


@require_POST
@perm_required(Perm.DO_REVISITS)
def attempt(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    task = selectors.task_detail(actor, pk)
    try:
        record_attempt(
            actor=actor,
            task=task,
            outcome=request.POST.get("outcome", ""),
            notes=request.POST.get("notes", ""),
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("revisits:task", pk=pk)
    if task.status == TaskStatus.IN_PROGRESS:
        return redirect("revisits:task", pk=pk)
    messages.success(request, _("Call logged."))
    return redirect("revisits:queue")


@require_POST
@perm_required(Perm.DO_REVISITS)
def complete(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    task = selectors.task_detail(actor, pk)
    answers: dict[str, Any] = {
        k.removeprefix("q"): v for k, v in request.POST.items() if k.startswith("q")
    }
    try:
        complete_task(actor=actor, task=task, answers=answers, notes=request.POST.get("notes", ""))
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("revisits:task", pk=pk)
    messages.success(request, _("Revisit recorded."))
    return redirect("revisits:task", pk=pk)
