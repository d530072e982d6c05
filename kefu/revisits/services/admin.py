"""Configuring revisits: scripts (话术) with their questions, plans and quiet hours."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from kefu.core.errors import PermissionDenied, ValidationFailed
from kefu.core.models import OrgUnit, User
from kefu.core.permissions import Perm
from kefu.core.selectors.scope import has_perm
from kefu.core.services.audit import record_audit
from kefu.revisits.choices import AssignStrategy, PlanKind, QuestionKind, Result, ScriptPurpose
from kefu.revisits.errors import BadPlan
from kefu.revisits.models import QuietHours, RevisitAnswer, RevisitPlan, Script, ScriptQuestion
from kefu.revisits.quiet import parse_windows

SCRIPT_FIELDS = (
    "name",
    "purpose",
    "opening",
    "satisfied_text",
    "average_text",
    "unsatisfied_text",
    "closing",
    "is_active",
)
QUESTION_FIELDS = (
    "kind",
    "text",
    "choices",
    "choice_branches",
    "required",
    "satisfied_followup",
    "average_followup",
    "unsatisfied_followup",
)


def _require(actor: User, unit: OrgUnit | None = None) -> None:
    if not has_perm(actor, Perm.CONFIGURE, unit):
        raise PermissionDenied()


def _clean_question(raw: dict[str, Any], index: int) -> dict[str, Any]:
    q = {k: raw[k] for k in QUESTION_FIELDS if k in raw}
    errors = {}
    if q.get("kind") not in QuestionKind.values:
        errors["kind"] = _("Unknown question kind.")
    if not str(q.get("text", "")).strip():
        errors["text"] = _("A question needs its text.")
    choices = [str(c).strip() for c in q.get("choices") or [] if str(c).strip()]
    if q.get("kind") == QuestionKind.CHOICE and len(choices) < 2:
        errors["choices"] = _("A choice question needs at least two choices.")
    branches = {str(k): str(v) for k, v in (q.get("choice_branches") or {}).items()}
    if any(k not in choices or v not in Result.values for k, v in branches.items()):
        errors["choice_branches"] = _("Each branch must name a choice and a result.")
    if errors:
        raise ValidationFailed(details={f"questions.{index}": errors})
    q["text"] = str(q["text"]).strip()
    q["choices"], q["choice_branches"] = choices, branches
    return q


def save_script(
    *,
    actor: User,
    script: Script | None = None,
    fields: dict[str, Any],
    questions: list[dict[str, Any]] | None = None,
) -> Script:
    """Create or edit a script; `questions` (when given) replaces the list in that order.
    Each edit bumps `version`; answers already given keep pointing at their questions,
    so questions that have answers are kept (edited), never deleted."""
    _require(actor)
    data = {k: fields[k] for k in SCRIPT_FIELDS if k in fields}
    errors = {
        k: _("This field is required.")
        for k in ("name", "opening", "closing")
        if k in data or script is None
        if not str(data.get(k, "")).strip()
    }
    if data.get("purpose", ScriptPurpose.AFTER_SERVICE) not in ScriptPurpose.values:
        errors["purpose"] = _("Unknown purpose.")
    if errors:
        raise ValidationFailed(details=errors)
    cleaned = [_clean_question(q, i) for i, q in enumerate(questions or [])]
    with transaction.atomic():
        if script is None:
            script = Script.objects.create(**data)
        else:
            for k, v in data.items():
                setattr(script, k, v)
            script.version += 1
            script.save()
        if questions is not None:
            _replace_questions(script, cleaned, [q.get("id") for q in questions])
        record_audit(
            actor=actor,
            action="revisits.script.save",
            obj=script,
            changes={"version": script.version, "questions": len(cleaned)},
        )
    return script


def _replace_questions(script: Script, cleaned: list[dict[str, Any]], ids: list[Any]) -> None:
    existing = {q.pk: q for q in script.questions.all()}
    kept = set()
    for order, (data, qid) in enumerate(zip(cleaned, ids, strict=True)):
        q = existing.get(int(qid)) if str(qid or "").isdigit() else None
        if q is None:
            q = ScriptQuestion(script=script)
        for k, v in data.items():
            setattr(q, k, v)
        q.order = order
        q.save()
        kept.add(q.pk)
    answered = set(
        RevisitAnswer.objects.filter(question__script=script).values_list("question_id", flat=True)
    )
    for pk, q in existing.items():
        if pk not in kept and pk not in answered:
            q.delete()


PLAN_FIELDS = ("name", "kind", "params", "script", "unit", "department", "strategy")
POLICY_FIELDS = ("max_attempts", "min_days_apart", "is_active")


def save_plan(
    *,
    actor: User,
    plan: RevisitPlan | None = None,
    fields: dict[str, Any],
    pool: list[User] | None = None,
) -> RevisitPlan:
    data = {k: fields[k] for k in (*PLAN_FIELDS, *POLICY_FIELDS) if k in fields}
    unit = data.get("unit") or (plan.unit if plan else None)
    _require(actor, unit)
    errors = {}
    if plan is None and not str(data.get("name", "")).strip():
        errors["name"] = _("This field is required.")
    if "kind" in data and data["kind"] not in PlanKind.values:
        errors["kind"] = _("Unknown plan kind.")
    if data.get("strategy", AssignStrategy.LEAST_OPEN) not in AssignStrategy.values:
        errors["strategy"] = _("Unknown assignment.")
    if not isinstance(data.get("params", {}), dict):
        errors["params"] = _("Parameters must be an object.")
    if int(data.get("max_attempts", 1)) < 1:
        errors["max_attempts"] = _("At least one try.")
    if errors:
        raise BadPlan(details=errors)
    with transaction.atomic():
        if plan is None:
            plan = RevisitPlan.objects.create(**data)
        else:
            for k, v in data.items():
                setattr(plan, k, v)
            plan.save()
        if pool is not None:
            plan.pool.set(pool)
        record_audit(
            actor=actor,
            action="revisits.plan.save",
            obj=plan,
            unit=plan.unit,
            changes={"kind": plan.kind, "params": plan.params, "active": plan.is_active},
        )
    return plan


def set_quiet_hours(*, actor: User, unit: OrgUnit | None, windows: list[list[str]]) -> QuietHours:
    """The quiet windows of a unit (None: everywhere without its own)."""
    _require(actor, unit)
    try:
        parse_windows(windows)
    except ValueError as exc:
        raise ValidationFailed(details={"windows": str(exc)}) from exc
    with transaction.atomic():
        row, _created = QuietHours.objects.update_or_create(
            unit=unit, defaults={"windows": [list(w) for w in windows]}
        )
        record_audit(
            actor=actor,
            action="revisits.quiet_hours",
            obj=row,
            unit=unit,
            changes={"windows": windows},
        )
    return row
