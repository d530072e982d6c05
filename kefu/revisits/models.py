"""Revisits (回访): plans that generate tasks, call scripts (话术), attempts and answers."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kefu.core.models.base import TimestampedModel
from kefu.revisits.choices import (
    AssignStrategy,
    Outcome,
    PlanKind,
    QuestionKind,
    Result,
    ScriptPurpose,
    TaskStatus,
)

_USER = settings.AUTH_USER_MODEL

DEFAULT_QUIET_WINDOWS = [["00:00", "09:00"], ["12:00", "14:00"], ["20:00", "24:00"]]


def default_quiet_windows() -> list[list[str]]:
    return [list(w) for w in DEFAULT_QUIET_WINDOWS]


class QuietHours(TimestampedModel):
    """Hours in which customers are not called: one global row (unit empty) or per unit.
    `windows` is a list of ["HH:MM", "HH:MM"]; a window may cross midnight ("20:00"–"09:00")."""

    unit = models.OneToOneField(
        "core.OrgUnit",
        verbose_name=_("unit"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    windows = models.JSONField(_("quiet windows"), default=default_quiet_windows)

    class Meta:
        verbose_name = _("quiet hours")
        verbose_name_plural = _("quiet hours")
        constraints = [
            models.UniqueConstraint(
                fields=["unit"],
                condition=models.Q(unit__isnull=True),
                name="revisits_quiethours_one_global",
            )
        ]

    def __str__(self) -> str:
        return f"{self.unit or '*'}: {self.windows}"


class Script(TimestampedModel):
    """A call script (话术): opening, questions, a text per branch, closing."""

    name = models.CharField(_("name"), max_length=100)
    purpose = models.CharField(
        _("purpose"), max_length=20, choices=ScriptPurpose.choices, default="after_service"
    )
    opening = models.TextField(_("opening"))
    satisfied_text = models.TextField(_("if satisfied"), blank=True)
    average_text = models.TextField(_("if average"), blank=True)
    unsatisfied_text = models.TextField(_("if unsatisfied"), blank=True)
    closing = models.TextField(_("closing"))
    is_active = models.BooleanField(_("active"), default=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("script")
        verbose_name_plural = _("scripts")
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name


class ScriptQuestion(models.Model):
    """A rating (1–5: ≤2 unsatisfied, 3 average, ≥4 satisfied), choice or text question.
    `choice_branches` maps a choice to a branch; `*_followup` is said after that answer."""

    script = models.ForeignKey(Script, on_delete=models.CASCADE, related_name="questions")
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    kind = models.CharField(_("kind"), max_length=10, choices=QuestionKind.choices)
    text = models.CharField(_("question"), max_length=300)
    choices = models.JSONField(_("choices"), default=list, blank=True)
    choice_branches = models.JSONField(_("branch of each choice"), default=dict, blank=True)
    required = models.BooleanField(_("required"), default=True)
    satisfied_followup = models.CharField(_("follow-up if satisfied"), max_length=300, blank=True)
    average_followup = models.CharField(_("follow-up if average"), max_length=300, blank=True)
    unsatisfied_followup = models.CharField(
        _("follow-up if unsatisfied"), max_length=300, blank=True
    )

    class Meta:
        verbose_name = _("script question")
        verbose_name_plural = _("script questions")
        ordering = ["script", "order", "pk"]

    def __str__(self) -> str:
        return self.text


class RevisitPlan(TimestampedModel):
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=20, choices=PlanKind.choices)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    script = models.ForeignKey(
        Script, verbose_name=_("script"), on_delete=models.PROTECT, related_name="plans"
    )
    unit = models.ForeignKey(
        "core.OrgUnit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+"
    )
    department = models.ForeignKey(
        "core.Department",
        verbose_name=_("agent pool (department)"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    pool = models.ManyToManyField(
        "core.User", verbose_name=_("agent pool (people)"), blank=True, related_name="+"
    )
    strategy = models.CharField(
        _("assignment"), max_length=20, choices=AssignStrategy.choices, default="least_open"
    )
    rr_cursor = models.PositiveIntegerField(default=0)
    max_attempts = models.PositiveSmallIntegerField(_("tries before unreachable"), default=3)
    min_days_apart = models.PositiveSmallIntegerField(_("days between tries"), default=1)
    is_active = models.BooleanField(_("active"), default=True)
    last_generated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("revisit plan")
        verbose_name_plural = _("revisit plans")
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name


class RevisitTask(TimestampedModel):
    """One customer to call for one plan and period (`key` is unique within the plan)."""

    plan = models.ForeignKey(RevisitPlan, on_delete=models.PROTECT, related_name="tasks")
    key = models.CharField(max_length=80)
    customer = models.ForeignKey(
        "customers.Customer", verbose_name=_("customer"), on_delete=models.PROTECT, related_name="+"
    )
    ticket = models.ForeignKey(
        "tickets.Ticket",
        verbose_name=_("ticket"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="revisit_tasks",
    )
    assignee = models.ForeignKey(
        _USER,
        verbose_name=_("assignee"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="revisit_tasks",
    )
    unit = models.ForeignKey(
        "core.OrgUnit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+"
    )
    due_at = models.DateTimeField(_("due"), db_index=True)
    status = models.CharField(
        _("status"), max_length=20, choices=TaskStatus.choices, default="open"
    )
    attempts = models.PositiveSmallIntegerField(_("tries"), default=0)
    next_attempt_at = models.DateTimeField(_("next try"), null=True, blank=True)
    result = models.CharField(_("result"), max_length=20, choices=Result.choices, blank=True)
    notes = models.TextField(_("remarks"), blank=True)
    created_ticket = models.ForeignKey(
        "tickets.Ticket",
        verbose_name=_("follow-up ticket"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="raised_by_revisits",
    )
    reopened_ticket = models.BooleanField(default=False)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        _USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("revisit task")
        verbose_name_plural = _("revisit tasks")
        ordering = ["due_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "key"], name="revisits_task_plan_key_uniq"),
            models.UniqueConstraint(
                fields=["plan", "ticket"],
                condition=models.Q(ticket__isnull=False),
                name="revisits_task_plan_ticket_uniq",
            ),
        ]
        indexes = [
            models.Index(fields=["assignee", "status", "due_at"], name="revisits_task_queue_idx"),
            models.Index(fields=["unit", "due_at"], name="revisits_task_unit_due_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.plan_id}:{self.key}"


class RevisitAttempt(models.Model):
    task = models.ForeignKey(RevisitTask, on_delete=models.CASCADE, related_name="attempt_log")
    at = models.DateTimeField(_("at"))
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices)
    notes = models.CharField(_("notes"), max_length=500, blank=True)
    agent = models.ForeignKey(_USER, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("call attempt")
        verbose_name_plural = _("call attempts")
        ordering = ["task", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.task_id} {self.outcome}"


class RevisitAnswer(models.Model):
    task = models.ForeignKey(RevisitTask, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(ScriptQuestion, on_delete=models.PROTECT, related_name="+")
    value = models.CharField(_("answer"), max_length=1000, blank=True)

    class Meta:
        verbose_name = _("revisit answer")
        verbose_name_plural = _("revisit answers")
        ordering = ["task", "question__order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["task", "question"], name="revisits_answer_task_question_uniq"
            )
        ]

    def __str__(self) -> str:
        return f"{self.task_id}/{self.question_id}: {self.value}"
