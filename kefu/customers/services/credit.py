"""Credit rating changes (信用评级): a dated, reasoned history row plus the current value."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kefu.core.errors import ValidationFailed
from kefu.core.models import User
from kefu.core.services.audit import record_audit
from kefu.customers.choices import CreditLevel
from kefu.customers.models import CreditChange, Customer
from kefu.customers.services.common import Errors, bump, lock_customer

MAX_SCORE = 1000


def _check(level: str | None, score: int | None, reason: str) -> tuple[str | None, str]:
    errors = Errors()
    if level is None and score is None:
        errors["level"] = _("Give a new rating or a new score.")
    if level is not None:
        level = errors.choice("level", level, ["", *CreditLevel.values], _("Choose a rating."))
    if score is not None and (
        isinstance(score, bool) or not isinstance(score, int) or not 0 <= score <= MAX_SCORE
    ):
        errors["score"] = _("Enter a score from 0 to %(max)d.") % {"max": MAX_SCORE}
    reason = errors.text("reason", reason, max_length=500, required=True)
    if errors:
        raise ValidationFailed(details=dict(errors))
    return level, reason


def change_credit(
    *,
    actor: User,
    customer: Customer,
    reason: str,
    level: str | None = None,
    score: int | None = None,
    effective_on: date | None = None,
) -> CreditChange:
    """Set a new credit rating and/or score (None: unchanged) with its reason and date."""
    level, reason = _check(level, score, reason)
    with transaction.atomic():
        locked = lock_customer(actor, customer)
        change = CreditChange.objects.create(
            customer=locked,
            old_level=locked.credit_level,
            new_level=locked.credit_level if level is None else level,
            old_score=locked.credit_score,
            new_score=locked.credit_score if score is None else score,
            reason=reason,
            effective_on=effective_on or timezone.localdate(),
            actor=actor,
        )
        locked.credit_level = change.new_level
        locked.credit_score = change.new_score
        bump(locked, customer, "credit_level", "credit_score")
        record_audit(
            actor=actor,
            action="customer.credit",
            obj=locked,
            unit=locked.unit,
            changes={
                "credit_level": [change.old_level, change.new_level],
                "credit_score": [change.old_score, change.new_score],
                "effective_on": change.effective_on.isoformat(),
            },
        )
    return change
