"""API shapes of revisits: plans, scripts, tasks, attempts, completion, the report."""

from datetime import date, datetime
from typing import Any

from ninja import Field, Schema

MAX_ID = 2**31 - 1


class QuestionIO(Schema):
    id: int | None = Field(None, ge=1, le=MAX_ID)
    order: int = 0
    kind: str = Field(..., pattern="^(rating|choice|text)$")
    text: str = Field(..., max_length=300)
    choices: list[str] = []
    choice_branches: dict[str, str] = {}
    required: bool = True
    satisfied_followup: str = Field("", max_length=300)
    average_followup: str = Field("", max_length=300)
    unsatisfied_followup: str = Field("", max_length=300)


class ScriptIn(Schema):
    name: str = Field(..., max_length=100)
    purpose: str = Field("after_service", max_length=20)
    opening: str = Field(..., max_length=5000)
    satisfied_text: str = Field("", max_length=5000)
    average_text: str = Field("", max_length=5000)
    unsatisfied_text: str = Field("", max_length=5000)
    closing: str = Field(..., max_length=5000)
    is_active: bool = True
    questions: list[QuestionIO] = []


class ScriptOut(Schema):
    id: int
    name: str
    purpose: str
    opening: str
    satisfied_text: str
    average_text: str
    unsatisfied_text: str
    closing: str
    is_active: bool
    version: int
    questions: list[QuestionIO]


class PlanIn(Schema):
    name: str = Field(..., max_length=100)
    kind: str = Field(
        ..., pattern="^(after_resolution|key_accounts|random_sample|lapsed_members|campaign)$"
    )
    params: dict[str, Any] = {}
    script_id: int = Field(..., ge=1, le=MAX_ID)
    unit_id: int = Field(..., ge=1, le=MAX_ID)
    department_id: int | None = Field(None, ge=1, le=MAX_ID)
    pool: list[int] = []
    strategy: str = Field("least_open", pattern="^(least_open|round_robin)$")
    max_attempts: int = Field(3, ge=1, le=20)
    min_days_apart: int = Field(1, ge=1, le=60)
    is_active: bool = True


class PlanOut(Schema):
    id: int
    name: str
    kind: str
    params: dict[str, Any]
    script_id: int
    unit_id: int
    department_id: int | None
    pool: list[int]
    strategy: str
    max_attempts: int
    min_days_apart: int
    is_active: bool
    last_generated_at: datetime | None


class GenerateOut(Schema):
    created: int


class AttemptOut(Schema):
    at: datetime
    outcome: str
    notes: str
    agent_id: int | None


class TaskOut(Schema):
    id: int
    plan_id: int
    plan: str
    customer_id: int
    customer: str
    ticket_id: int | None
    unit_id: int
    assignee_id: int | None
    due_at: datetime
    status: str
    attempts: int
    next_attempt_at: datetime | None
    result: str
    notes: str
    created_ticket_id: int | None
    reopened_ticket: bool
    closed_at: datetime | None


class TaskDetail(TaskOut):
    script: ScriptOut
    answers: dict[str, str]
    attempt_log: list[AttemptOut]


class TaskPage(Schema):
    count: int
    items: list[TaskOut]


class AttemptIn(Schema):
    outcome: str = Field(..., pattern="^(reached|no_answer|busy|wrong_number|refused)$")
    notes: str = Field("", max_length=500)


class CompleteIn(Schema):
    answers: dict[str, str] = Field(..., description="question id → answer")
    notes: str = Field("", max_length=5000)


class CoverageOut(Schema):
    label: str
    due: int
    reached: int
    unreachable: int
    pending: int
    satisfied: int
    average: int
    unsatisfied: int
    coverage: float | None
    satisfaction: float | None


class TrendOut(Schema):
    day: date
    satisfied: int
    average: int
    unsatisfied: int


class CsatOut(Schema):
    day: date
    average: float | None
    percent: float | None


class IssueOut(Schema):
    task_id: int
    customer_id: int
    ticket_id: int
    ticket_number: str
    reopened: bool
    closed_at: datetime | None


class ReportOut(Schema):
    since: date
    until: date
    total: CoverageOut
    by_agent: list[CoverageOut]
    by_unit: list[CoverageOut]
    trend: list[TrendOut]
    csat: list[CsatOut]
    not_reached: list[TaskOut]
    issues: list[IssueOut]


class QuietHoursIn(Schema):
    unit_id: int | None = Field(None, ge=1, le=MAX_ID, description="empty: the global default")
    windows: list[list[str]] = Field(..., description='[["20:00", "09:00"], ["12:00", "14:00"]]')


class QuietHoursOut(Schema):
    unit_id: int | None
    windows: list[list[str]]
    callable: list[list[str]]
