"""Write side of satisfaction: the one place ratings are recorded, and survey definitions.

Other apps (revisits) call `record_rating`; survey answers go through
`kefu.surveys.services_invitations.answer_invitation`, which calls it too."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone

from kefu.core.errors import PermissionDenied, ValidationFailed
from kefu.core.permissions import Perm
from kefu.core.selectors.scope import has_perm, require_visible
from kefu.core.services.audit import record_audit
from kefu.surveys.choices import (
    CSAT_MAX,
    CSAT_MIN,
    NPS_MAX,
    NPS_MIN,
    InvitationChannel,
    RatingSource,
    SurveyKind,
)
from kefu.surveys.errors import ScoreOutOfRange
from kefu.surveys.models import SatisfactionRating, Survey

if TYPE_CHECKING:
    from datetime import datetime

    from kefu.core.models import OrgUnit, User
    from kefu.customers.models import Customer
    from kefu.tickets.models import Ticket

MAX_COMMENT = 2000


def check_score(value: int | None, *, low: int, high: int, label: str) -> int | None:
    """None or an int within [low, high]; anything else raises ScoreOutOfRange."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ScoreOutOfRange(details={"field": label, "min": low, "max": high})
    return value


def record_rating(
    *,
    actor: User | None,
    source: str,
    unit: OrgUnit,
    csat: int | None = None,
    nps: int | None = None,
    comment: str = "",
    ticket: Ticket | None = None,
    customer: Customer | None = None,
    agent: User | None = None,
    revisit_task_id: int | None = None,
    created_at: datetime | None = None,
) -> SatisfactionRating:
    """Record one satisfaction answer (CSAT 1–5 and/or NPS 0–10) in the shared figures.

    `actor` is the staff member recording it (a revisit agent: needs `revisits.work` or
    `tickets.work` in `unit`), or None when the customer answered a survey link (the caller
    has validated the link). At least one score is required; the comment is stripped and
    cut to 2,000 characters and stored as plain text (templates escape it)."""
    if source not in RatingSource.values:
        raise ValidationFailed(details={"field": "source", "allowed": RatingSource.values})
    if actor is not None:
        require_visible(actor, unit)
        if not (
            has_perm(actor, Perm.DO_REVISITS, unit) or has_perm(actor, Perm.WORK_TICKETS, unit)
        ):
            raise PermissionDenied()
    csat = check_score(csat, low=CSAT_MIN, high=CSAT_MAX, label="csat")
    nps = check_score(nps, low=NPS_MIN, high=NPS_MAX, label="nps")
    if csat is None and nps is None:
        raise ScoreOutOfRange("A CSAT or an NPS score is required.", details={"field": "csat"})
    with transaction.atomic():
        rating = SatisfactionRating.objects.create(
            source=source,
            csat=csat,
            nps=nps,
            comment=(comment or "").strip()[:MAX_COMMENT],
            ticket=ticket,
            customer=customer,
            unit=unit,
            agent=agent,
            revisit_task_id=revisit_task_id,
            created_at=created_at or timezone.now(),
        )
        record_audit(
            actor=actor,
            action="satisfaction.record",
            obj=rating,
            unit=unit,
            changes={"source": source, "csat": csat, "nps": nps, "ticket": _pk(ticket)},
        )
    return rating


def _pk(obj: Any) -> int | None:
    return getattr(obj, "pk", None)


SURVEY_FIELDS = (
    "title",
    "question",
    "comment_question",
    "active",
    "expires_after_days",
    "auto_sample_percent",
    "auto_channel",
)


def _clean_survey_values(values: dict[str, Any]) -> dict[str, Any]:
    errors: dict[str, str] = {}
    out = {k: v for k, v in values.items() if k in SURVEY_FIELDS}
    if "title" in out:
        out["title"] = str(out["title"]).strip()[:120]
        if not out["title"]:
            errors["title"] = "required"
    if "question" in out:
        out["question"] = str(out["question"]).strip()[:300]
        if not out["question"]:
            errors["question"] = "required"
    if "comment_question" in out:
        out["comment_question"] = str(out["comment_question"] or "").strip()[:300]
    days = out.get("expires_after_days")
    if days is not None and not 1 <= int(days) <= 90:
        errors["expires_after_days"] = "between 1 and 90"
    pct = out.get("auto_sample_percent")
    if pct is not None and not 0 <= int(pct) <= 100:
        errors["auto_sample_percent"] = "between 0 and 100"
    if out.get("auto_channel", "sms") not in InvitationChannel.values:
        errors["auto_channel"] = "unknown channel"
    if errors:
        raise ValidationFailed(details=errors)
    return out


def create_survey(
    *, actor: User, unit: OrgUnit, kind: str, title: str, question: str, **values: Any
) -> Survey:
    """A new survey definition for `unit` (needs `settings.configure` there)."""
    if not has_perm(actor, Perm.CONFIGURE, unit):
        raise PermissionDenied()
    if kind not in SurveyKind.values:
        raise ValidationFailed(details={"kind": "unknown kind"})
    data = _clean_survey_values({"title": title, "question": question, **values})
    with transaction.atomic():
        survey = Survey.objects.create(unit=unit, kind=kind, **data)
        record_audit(actor=actor, action="survey.create", obj=survey, unit=unit, changes=data)
    return survey


def update_survey(*, actor: User, survey: Survey, **values: Any) -> Survey:
    """Change a survey's texts and settings (the kind and unit stay)."""
    if not has_perm(actor, Perm.CONFIGURE, survey.unit):
        raise PermissionDenied()
    data = _clean_survey_values(values)
    with transaction.atomic():
        locked = Survey.objects.select_for_update().get(pk=survey.pk)
        for key, value in data.items():
            setattr(locked, key, value)
        locked.save()
        record_audit(
            actor=actor, action="survey.update", obj=locked, unit=locked.unit, changes=data
        )
    return locked
