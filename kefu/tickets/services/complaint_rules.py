"""The complaint closed loop's rules: which action belongs to which stage, who may do it,
stage targets, approval authority, and the cleaning of each action's fields.

Settings (all optional; the defaults below apply when a setting is absent):

- ``KEFU_COMPLAINT_STAGE_HOURS``: business hours allowed per stage, e.g.
  ``{"judge": 4, "investigate": 16}`` (merged over ``DEFAULT_STAGE_HOURS``).
- ``KEFU_COMPLAINT_APPROVAL_LIMITS``: the largest remedy cost (¥) a role may approve, keyed
  ``"<role>:<unit kind>"`` (the kind of the unit where the role is held) or ``"<role>"``;
  ``None`` means unlimited. Only roles holding ``Perm.APPROVE_COMPLAINTS`` approve at all.
  The default: a store / site / service-centre manager (店长级) ¥500, a regional manager
  ¥5,000, a headquarters manager unlimited. A role with the permission but no entry may
  approve only remedies that cost nothing. Superusers are unlimited.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from kefu.core.errors import PermissionDenied, ValidationFailed
from kefu.core.models import Department, OrgUnit, UnitAssignment, User
from kefu.core.permissions import ROLE_PERMISSIONS, Perm
from kefu.core.selectors.scope import scope_for
from kefu.tickets.choices import ComplaintStage, RemedyKind

S = ComplaintStage


@dataclass(frozen=True)
class ActionRule:
    stage: str
    perm: Perm


# In the order the UI shows them as buttons.
ACTIONS: dict[str, ActionRule] = {
    "register": ActionRule(S.REGISTER, Perm.HANDLE_COMPLAINTS),
    "judge": ActionRule(S.JUDGE, Perm.HANDLE_COMPLAINTS),
    "investigate": ActionRule(S.INVESTIGATE, Perm.HANDLE_COMPLAINTS),
    "propose_remedy": ActionRule(S.PROPOSE, Perm.HANDLE_COMPLAINTS),
    "submit_for_approval": ActionRule(S.PROPOSE, Perm.HANDLE_COMPLAINTS),
    "approve": ActionRule(S.APPROVE, Perm.APPROVE_COMPLAINTS),
    "reject_remedies": ActionRule(S.APPROVE, Perm.APPROVE_COMPLAINTS),
    "implement": ActionRule(S.IMPLEMENT, Perm.HANDLE_COMPLAINTS),
    "customer_accepts": ActionRule(S.CONFIRM, Perm.HANDLE_COMPLAINTS),
    "customer_rejects": ActionRule(S.CONFIRM, Perm.HANDLE_COMPLAINTS),
    "record_revisit": ActionRule(S.REVISIT, Perm.HANDLE_COMPLAINTS),
    "summarise": ActionRule(S.SUMMARISE, Perm.HANDLE_COMPLAINTS),
}


def stage_actions(stage: str) -> list[str]:
    return [name for name, rule in ACTIONS.items() if rule.stage == stage]


# Cause → who is accountable (SPEC §3: quality/production → factory manager; service →
# customer-service manager; delivery → logistics ...).
CAUSE_ACCOUNTABLE: dict[str, str] = {
    "quality": "factory_manager",
    "production": "factory_manager",
    "service": "customer_service_manager",
    "delivery": "logistics_manager",
    "other": "responsible_department_head",
}
CAUSE_CATEGORIES = tuple(CAUSE_ACCOUNTABLE)

DEFAULT_STAGE_HOURS: dict[str, float] = {
    S.REGISTER: 2,
    S.JUDGE: 4,
    S.INVESTIGATE: 16,
    S.PROPOSE: 8,
    S.APPROVE: 8,
    S.IMPLEMENT: 24,
    S.CONFIRM: 8,
    S.REVISIT: 24,
    S.SUMMARISE: 16,
}

DEFAULT_APPROVAL_LIMITS: dict[str, Decimal | None] = {
    "manager:headquarters": None,
    "manager:region": Decimal("5000"),
    "manager": Decimal("500"),
    "supervisor": Decimal("500"),
}


def stage_hours(stage: str) -> float | None:
    hours = {**DEFAULT_STAGE_HOURS, **getattr(settings, "KEFU_COMPLAINT_STAGE_HOURS", {})}
    value = hours.get(stage)
    return float(value) if value is not None else None


def _limits() -> dict[str, Decimal | None]:
    raw = getattr(settings, "KEFU_COMPLAINT_APPROVAL_LIMITS", None) or DEFAULT_APPROVAL_LIMITS
    return {k: (None if v is None else Decimal(str(v))) for k, v in raw.items()}


_ZERO = Decimal("0")
MAX_ID = 2**63 - 1


def role_limit(role: str, unit_kind: str) -> Decimal | None:
    limits = _limits()
    for key in (f"{role}:{unit_kind}", role):
        if key in limits:
            return limits[key]
    return _ZERO


def _max_limit(values: list[Decimal | None]) -> Decimal | None:
    if not values:
        return _ZERO
    if any(v is None for v in values):
        return None
    return max(v for v in values if v is not None)


def approval_limit(actor: User, unit: OrgUnit) -> Decimal | None:
    """The largest cost `actor` may approve for a ticket of `unit` (None: unlimited)."""
    scope = scope_for(actor)
    if scope.is_superuser:
        return None
    grants = [
        g
        for g in scope.grants
        if unit.path.startswith(g.path) and Perm.APPROVE_COMPLAINTS in g.perms
    ]
    kinds = dict(
        OrgUnit.objects.filter(pk__in=[g.unit_id for g in grants]).values_list("pk", "kind")
    )
    return _max_limit([role_limit(g.role, kinds.get(g.unit_id, "")) for g in grants])


def find_approver(unit: OrgUnit, amount: Decimal) -> User | None:
    """The nearest approver up the unit's chain whose authority covers `amount`."""
    ids = unit.lineage_ids
    roles = [r for r, perms in ROLE_PERMISSIONS.items() if Perm.APPROVE_COMPLAINTS in perms]
    rows = (
        UnitAssignment.objects.filter(unit_id__in=ids, role__in=roles, user__is_active=True)
        .select_related("user", "unit")
        .order_by("-unit__depth", "user_id")
    )
    for row in rows:
        limit = role_limit(row.role, row.unit.kind)
        if limit is None or amount <= limit:
            return row.user
    return None


class ApprovalLimitExceeded(PermissionDenied):
    code = "approval_limit_exceeded"
    default_message = "This remedy costs more than you may approve; it must go to a higher level."


# --- field cleaning -------------------------------------------------------------------------
class _Fields:
    """Collects cleaned values and per-field errors; `done()` raises 422 with every error."""

    def __init__(self, raw: dict[str, Any]) -> None:
        self.raw = raw
        self.errors: dict[str, str] = {}
        self.out: dict[str, Any] = {}

    def text(self, name: str, *, required: bool = True, max_length: int = 4000) -> None:
        value = self.raw.get(name, "")
        if value is None:
            value = ""
        if not isinstance(value, str):
            self.errors[name] = _("Enter text.")
            return
        value = value.strip()
        if required and not value:
            self.errors[name] = _("This field is required.")
        elif len(value) > max_length:
            self.errors[name] = _("At most %(n)s characters.") % {"n": max_length}
        else:
            self.out[name] = value

    def boolean(self, name: str, *, required: bool = True, default: bool = False) -> None:
        value = self.raw.get(name)
        if value is None and not required:
            self.out[name] = default
        elif isinstance(value, bool):
            self.out[name] = value
        else:
            self.errors[name] = _("Answer true or false.")

    def integer(self, name: str, *, low: int | None = None, high: int | None = None) -> None:
        value = self.raw.get(name)
        if isinstance(value, bool) or not isinstance(value, (int, str)):
            self.errors[name] = _("Enter a whole number.")
            return
        try:
            number = int(value)
        except ValueError:
            self.errors[name] = _("Enter a whole number.")
            return
        if (low is not None and number < low) or (high is not None and number > high):
            self.errors[name] = _("Enter a number from %(low)s to %(high)s.") % {
                "low": low,
                "high": high,
            }
        else:
            self.out[name] = number

    def money(self, name: str) -> None:
        value = self.raw.get(name, 0)
        try:
            amount = Decimal(str(value)) if not isinstance(value, bool) else None
        except InvalidOperation:
            amount = None
        if amount is None or not amount.is_finite() or amount < 0 or amount >= Decimal(10**10):
            self.errors[name] = _("Enter an amount of at least 0.")
        else:
            self.out[name] = amount.quantize(Decimal("0.01"))

    def choice(self, name: str, choices: tuple[str, ...] | list[str]) -> None:
        value = self.raw.get(name)
        if value not in choices:
            self.errors[name] = _("Choose one of: %(c)s.") % {"c": ", ".join(choices)}
        else:
            self.out[name] = value

    def done(self) -> dict[str, Any]:
        if self.errors:
            raise ValidationFailed(details=self.errors)
        return self.out


def clean_fields(action: str, raw: dict[str, Any], *, has_demand: bool) -> dict[str, Any]:
    """The action's fields, cleaned; a 422 (ValidationFailed) naming every bad field."""
    f = _Fields(raw)
    if action == "register":
        f.text("demand", required=not has_demand)
    elif action == "judge":
        f.boolean("valid")
        f.text("note", required=False)
        f.text("tactful_reply", required=raw.get("valid") is False)
    elif action == "investigate":
        f.integer("responsible_department_id", low=1, high=MAX_ID)
        f.text("responsible_person", max_length=100)
        f.text("root_cause")
        f.choice("cause_category", CAUSE_CATEGORIES)
        dept_id = f.out.get("responsible_department_id")
        if dept_id is not None:
            dept = Department.objects.filter(pk=dept_id, is_active=True).first()
            if dept is None:
                f.errors["responsible_department_id"] = _("No such active department.")
            f.out["department"] = dept
    elif action == "propose_remedy":
        f.choice("kind", RemedyKind.values)
        f.text("description")
        f.money("cost")
    elif action == "approve":
        f.integer("remedy_id", low=1, high=MAX_ID)
    elif action in ("reject_remedies", "customer_rejects"):
        f.text("note")
    elif action == "implement":
        f.text("note")
        f.text("penalty", required=False)
    elif action == "customer_accepts":
        f.text("note", required=False)
    elif action == "record_revisit":
        f.integer("satisfaction", low=1, high=5)
        f.text("note", required=False)
    elif action == "summarise":
        f.text("summary")
        f.text("evaluation", required=False)
        f.boolean("add_to_case_library", required=False)
    return f.done()
