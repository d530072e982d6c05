"""The complaint panel on a ticket page: stage, owner, due time and one small form per
allowed action (the state machine itself is `kefu.tickets.services.complaints`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from kefu.core.models import Department, User
from kefu.core.selectors.scope import restrict_to_scope
from kefu.tickets.choices import RemedyKind, RemedyStatus
from kefu.tickets.services import complaints

ACTION_LABELS = {
    "register": _("Register the demand"),
    "judge": _("Judge"),
    "investigate": _("Record the investigation"),
    "propose_remedy": _("Propose a remedy"),
    "submit_for_approval": _("Submit for approval"),
    "approve": _("Approve a remedy"),
    "reject_remedies": _("Send back"),
    "implement": _("Record the implementation"),
    "customer_accepts": _("Customer accepts"),
    "customer_rejects": _("Customer rejects"),
    "record_revisit": _("Record the revisit"),
    "summarise": _("Summarise and archive"),
}
CAUSES = [
    ("quality", _("Quality")),
    ("production", _("Production")),
    ("service", _("Service")),
    ("delivery", _("Delivery")),
    ("other", _("Other")),
]
BOOLEAN_FIELDS = {"valid", "add_to_case_library"}


@dataclass
class Input:
    name: str
    label: Any
    kind: str = "text"  # text | textarea | select | number | checkbox
    choices: list[tuple[Any, Any]] = field(default_factory=list)
    required: bool = True


@dataclass
class ActionForm:
    action: str
    label: Any
    inputs: list[Input]


def _inputs(action: str, departments: list[tuple[Any, Any]], remedies: list[Any]) -> list[Input]:
    note = Input("note", _("Note"), "textarea")
    specs: dict[str, list[Input]] = {
        "register": [Input("demand", _("What the customer demands"), "textarea")],
        "judge": [
            Input(
                "valid",
                _("Complaint upheld?"),
                "select",
                [("true", _("Yes, valid")), ("false", _("No, not upheld"))],
            ),
            Input("note", _("Note"), "textarea", required=False),
            Input("tactful_reply", _("Tactful reply (if not upheld)"), "textarea", required=False),
        ],
        "investigate": [
            Input("responsible_department_id", _("Responsible department"), "select", departments),
            Input("responsible_person", _("Responsible person")),
            Input("root_cause", _("Root cause"), "textarea"),
            Input("cause_category", _("Cause"), "select", list(CAUSES)),
        ],
        "propose_remedy": [
            Input("kind", _("Remedy"), "select", list(RemedyKind.choices)),
            Input("description", _("Description"), "textarea"),
            Input("cost", _("Cost (¥)"), "number"),
        ],
        "approve": [
            Input(
                "remedy_id",
                _("Remedy"),
                "select",
                [
                    (r.pk, f"{r.get_kind_display()} ¥{r.cost} — {r.description[:40]}")
                    for r in remedies
                ],
            )
        ],
        "reject_remedies": [note],
        "implement": [note, Input("penalty", _("Penalty"), required=False)],
        "customer_accepts": [Input("note", _("Note"), "textarea", required=False)],
        "customer_rejects": [note],
        "record_revisit": [
            Input(
                "satisfaction",
                _("Satisfaction (1–5)"),
                "select",
                [(i, str(i)) for i in range(5, 0, -1)],
            ),
            Input("note", _("Note"), "textarea", required=False),
        ],
        "summarise": [
            Input("summary", _("Summary"), "textarea"),
            Input("evaluation", _("Evaluation"), "textarea", required=False),
            Input("add_to_case_library", _("Add to the case library"), "checkbox", required=False),
        ],
    }
    return specs.get(action, [])


def panel(ticket: Any, actor: User) -> dict[str, Any] | None:
    complaint = getattr(ticket, "complaint_row", None)
    if complaint is None:
        return None
    actions = complaints.allowed_actions(ticket=ticket, actor=actor)
    remedies = list(complaint.remedies.all())
    departments: list[tuple[Any, Any]] = []
    if "investigate" in actions:
        depts = restrict_to_scope(Department.objects.filter(is_active=True), actor)
        departments = [(d.pk, d.name) for d in depts.only("id", "name").order_by("name")]
    proposed = [r for r in remedies if r.status == RemedyStatus.PROPOSED]
    forms = [
        ActionForm(a, ACTION_LABELS.get(a, a), _inputs(a, departments, proposed)) for a in actions
    ]
    return {"complaint": complaint, "forms": forms, "remedies": remedies}


def fields_from_post(post: QueryDict) -> dict[str, Any]:
    """The posted fields as the state machine expects them (booleans as bool)."""
    out: dict[str, Any] = {}
    for key in post:
        if key in ("csrfmiddlewaretoken", "action"):
            continue
        value = post.get(key, "")
        out[key] = value.lower() in ("true", "on", "1") if key in BOOLEAN_FIELDS else value
    if "add_to_case_library" not in out and post.get("action") == "summarise":
        out["add_to_case_library"] = False
    return out
