"""The complaint closed loop (SPEC §3) as an enforced state machine over `Complaint.stage`.

受理 register → 判定 judge → 调查 investigate → 方案 propose → 审批 approve → 实施 implement
→ 确认 confirm → 回访 revisit → 总结 summarise → archived. A complaint judged not upheld
gets a tactful reply and goes straight to 回访 (it is still revisited). Approval rejected →
back to 方案; the customer rejects the carried-out remedy → back to 方案.

Every step is `transition(actor=, ticket=, action=, fields=)`: one transaction with the
ticket row locked, a COMPLAINT event {action, from, to, ...}, an audit row, `ticket.version`
bumped once. A step on a ticket still `new` also makes it `open` (处理中), with a STATUS
event. Refusals write nothing: an action of another stage → TransitionRefused (409, with
the current stage and the allowed actions); missing or bad fields → 422; no permission →
403; a remedy above the approver's authority → `approval_limit_exceeded` (403).

Stage owners: the approval stage belongs to the nearest approver up the unit chain whose
authority covers the largest proposed cost; every other stage to the ticket's assignee, else
the handler who took the last step. Due times: per-stage business hours
(`complaint_rules.stage_hours`) in the owning unit's calendar.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kefu.core.errors import ValidationFailed
from kefu.core.models import User
from kefu.core.selectors.scope import scope_for
from kefu.core.services.audit import record_audit
from kefu.core.services.calendar import add_business_time, calendar_for_unit
from kefu.tickets.choices import ComplaintStage, EventKind, RemedyStatus, Status, TicketType
from kefu.tickets.errors import TransitionRefused
from kefu.tickets.events import add_event
from kefu.tickets.models import Complaint, Remedy, Ticket
from kefu.tickets.services.common import begin, save, sync_back
from kefu.tickets.services.complaint_rules import (
    ACTIONS,
    CAUSE_ACCOUNTABLE,
    ApprovalLimitExceeded,
    approval_limit,
    clean_fields,
    find_approver,
    stage_actions,
    stage_hours,
)

S = ComplaintStage

__all__ = ["allowed_actions", "start_complaint", "stage_due_for", "transition"]


def allowed_actions(*, ticket: Ticket, actor: User | None) -> list[str]:
    """The actions `actor` may take now (buttons in the UI, `allowed_actions` in JSON)."""
    if ticket.type != TicketType.COMPLAINT or actor is None:
        return []
    complaint = _complaint_of(ticket)
    if complaint is None:
        return []
    perms = scope_for(actor).perms_at(ticket.unit.path)
    return [a for a in stage_actions(complaint.stage) if ACTIONS[a].perm in perms]


def _complaint_of(ticket: Ticket) -> Complaint | None:
    try:
        return ticket.complaint
    except Complaint.DoesNotExist:
        return None


def stage_due_for(ticket: Ticket, stage: str, start: datetime) -> datetime | None:
    hours = stage_hours(stage)
    if hours is None or stage == S.ARCHIVED:
        return None
    return add_business_time(start, timedelta(hours=hours), calendar_for_unit(ticket.unit)).due


def start_complaint(*, ticket: Ticket, complaint: Complaint, now: datetime) -> None:
    """Give a newly registered complaint its first owner and due time (caller saves).
    Intake may call this right after creating the Complaint."""
    complaint.stage_owner_id = ticket.assignee_id or ticket.first_contact_owner_id
    complaint.stage_due = stage_due_for(ticket, complaint.stage, ticket.received_at or now)


@dataclass
class _Step:
    actor: User
    ticket: Ticket
    complaint: Complaint
    fields: dict[str, Any]
    now: datetime
    to: str = ""
    data: dict[str, Any] = field(default_factory=dict)
    body: str = ""
    owner: User | None = None
    owner_set: bool = False


def _refuse(complaint: Complaint | None, ticket: Ticket, actor: User, action: str) -> None:
    stage = complaint.stage if complaint is not None else None
    raise TransitionRefused(
        _("“%(action)s” is not possible now.") % {"action": action},
        details={
            "stage": stage,
            "action": action,
            "allowed_actions": allowed_actions(ticket=ticket, actor=actor) if stage else [],
            "stage_actions": stage_actions(stage) if stage else [],
        },
    )


def transition(
    *,
    actor: User,
    ticket: Ticket,
    action: str,
    fields: dict[str, Any],
    now: datetime | None = None,
    expected_version: int | None = None,
) -> Complaint:
    """Take one step of the closed loop. Returns the complaint; the caller's `ticket` object
    is brought up to date (version, status)."""
    now = now or timezone.now()
    rule = ACTIONS.get(action)
    if rule is None:
        raise ValidationFailed(
            _("Unknown action."), details={"action": _("Unknown complaint action.")}
        )
    with transaction.atomic():
        locked = begin(
            actor=actor, ticket=ticket, perm=rule.perm, expected_version=expected_version
        )
        complaint = (
            Complaint.objects.filter(ticket_id=locked.pk).first()
            if locked.type == TicketType.COMPLAINT
            else None
        )
        if complaint is None or complaint.stage != rule.stage:
            _refuse(complaint, locked, actor, action)
        assert complaint is not None
        complaint.ticket = locked
        cleaned = clean_fields(action, fields or {}, has_demand=bool(complaint.demand))
        step = _Step(actor=actor, ticket=locked, complaint=complaint, fields=cleaned, now=now)
        _HANDLERS[action](step)
        _finish(step, action)
    sync_back(ticket, locked)
    ticket._state.fields_cache["complaint"] = complaint  # the caller sees the new stage
    return complaint


def _finish(step: _Step, action: str) -> None:
    c, t = step.complaint, step.ticket
    before = c.stage
    if step.to and step.to != before:
        c.stage = step.to
        if step.owner_set:
            c.stage_owner = step.owner
        else:
            c.stage_owner_id = t.assignee_id or step.actor.pk
        c.stage_due = stage_due_for(t, step.to, step.now)
        if step.to == S.ARCHIVED:
            c.stage_owner, c.stage_due, c.archived_at = None, None, step.now
    c.save()
    data = {"action": action, "from": before, "to": c.stage, **step.data}
    add_event(ticket=t, kind=EventKind.COMPLAINT, actor=step.actor, body=step.body, data=data)
    record_audit(
        actor=step.actor, action=f"complaint.{action}", obj=t, unit=t.unit, changes=audited(data)
    )
    from kefu.tickets.services.work import (  # avoids a cycle
        ALLOWED_STATUS,
        change_status,
        set_status_locked,
    )

    if t.status == Status.NEW:  # a complaint being handled is in progress (处理中)
        set_status_locked(
            actor=step.actor,
            locked=t,
            status=Status.OPEN,
            reason=_("Complaint handling started."),
            now=step.now,
        )
    save(t)
    if step.to != S.ARCHIVED:
        return

    if Status.RESOLVED in ALLOWED_STATUS[t.status]:  # archiving resolves the ticket
        change_status(
            actor=step.actor,
            ticket=t,
            status=Status.RESOLVED,
            reason=_("Complaint archived."),
            now=step.now,
        )


# what a complaint step's audit entry keeps as is: codes, ids, amounts, counts, flags
_AUDIT_VALUES = frozenset(
    {
        "action", "from", "to", "valid", "responsible_department_id", "cause_category",
        "accountable", "remedy_id", "remedy_ids", "kind", "cost", "remedies", "max_cost",
        "approver_id", "satisfaction", "in_case_library",
    }
)  # fmt: skip


def audited(data: dict[str, Any]) -> dict[str, Any]:
    """A step's data for the audit log, which cannot be erased: free text (the demand,
    notes, replies, root cause, names) only by field name under `fields`; the texts stay
    on the timeline and the complaint, where a customer's erasure reaches them."""
    out = {k: v for k, v in data.items() if k in _AUDIT_VALUES}
    texts = sorted(k for k in data if k not in _AUDIT_VALUES)
    if texts:
        out["fields"] = texts
    return out


# --- the steps ------------------------------------------------------------------------------
def _register(s: _Step) -> None:
    if s.fields.get("demand"):
        s.complaint.demand = s.fields["demand"]
    s.to, s.body = S.JUDGE, s.complaint.demand
    s.data["demand"] = s.complaint.demand


def _judge(s: _Step) -> None:
    c, valid = s.complaint, s.fields["valid"]
    c.is_valid = valid
    c.judgement_note = s.fields.get("note", "")
    c.tactful_reply = "" if valid else s.fields["tactful_reply"]
    s.to = S.INVESTIGATE if valid else S.REVISIT
    s.body = c.judgement_note if valid else c.tactful_reply
    s.data.update(valid=valid, note=c.judgement_note)
    if not valid:
        s.data["tactful_reply"] = c.tactful_reply


def _investigate(s: _Step) -> None:
    c, f = s.complaint, s.fields
    c.responsible_department = f["department"]
    c.responsible_person = f["responsible_person"]
    c.root_cause = f["root_cause"]
    c.cause_category = f["cause_category"]
    s.to, s.body = S.PROPOSE, c.root_cause
    s.data.update(
        responsible_department_id=c.responsible_department_id,
        responsible_person=c.responsible_person,
        cause_category=c.cause_category,
        accountable=CAUSE_ACCOUNTABLE[c.cause_category],
        root_cause=c.root_cause,
    )


def _propose_remedy(s: _Step) -> None:
    f = s.fields
    remedy = Remedy.objects.create(
        complaint=s.complaint,
        kind=f["kind"],
        description=f["description"],
        cost=f["cost"],
        proposed_by=s.actor,
    )
    s.body = remedy.description
    s.data.update(remedy_id=remedy.pk, kind=remedy.kind, cost=str(remedy.cost))


def _submit(s: _Step) -> None:
    costs = list(
        s.complaint.remedies.filter(status=RemedyStatus.PROPOSED).values_list("cost", flat=True)
    )
    if not costs:
        raise ValidationFailed(
            _("Propose at least one remedy first."),
            details={"remedies": _("Propose at least one remedy first.")},
        )
    top = max(costs)
    s.to, s.owner_set = S.APPROVE, True
    s.owner = find_approver(s.ticket.unit, top)
    s.data.update(remedies=len(costs), max_cost=str(top), approver_id=s.owner and s.owner.pk)


def _proposed(s: _Step, remedy_id: int) -> Remedy:
    remedy = s.complaint.remedies.filter(pk=remedy_id, status=RemedyStatus.PROPOSED).first()
    if remedy is None:
        raise ValidationFailed(details={"remedy_id": _("Not a proposed remedy of this complaint.")})
    return remedy


def _approve(s: _Step) -> None:
    remedy = _proposed(s, s.fields["remedy_id"])
    limit = approval_limit(s.actor, s.ticket.unit)
    if limit is not None and remedy.cost > limit:
        up = find_approver(s.ticket.unit, remedy.cost)
        raise ApprovalLimitExceeded(
            details={"cost": str(remedy.cost), "limit": str(limit), "approver_id": up and up.pk}
        )
    remedy.status, remedy.decided_by, remedy.decided_at = RemedyStatus.APPROVED, s.actor, s.now
    remedy.save(update_fields=["status", "decided_by", "decided_at"])
    s.complaint.remedies.filter(status=RemedyStatus.PROPOSED).update(
        status=RemedyStatus.REJECTED, decided_by=s.actor, decided_at=s.now
    )
    s.to, s.owner_set = S.IMPLEMENT, True
    s.owner = s.ticket.assignee or remedy.proposed_by
    s.body = remedy.description
    s.data.update(remedy_id=remedy.pk, kind=remedy.kind, cost=str(remedy.cost))


def _reject_remedies(s: _Step) -> None:
    ids = list(
        s.complaint.remedies.filter(status=RemedyStatus.PROPOSED).values_list("pk", flat=True)
    )
    Remedy.objects.filter(pk__in=ids).update(
        status=RemedyStatus.REJECTED, decided_by=s.actor, decided_at=s.now
    )
    proposer = s.complaint.remedies.filter(pk__in=ids).values_list("proposed_by", flat=True)
    s.to, s.owner_set = S.PROPOSE, True
    s.owner = s.ticket.assignee or User.objects.filter(pk__in=proposer).order_by("pk").first()
    s.body = s.fields["note"]
    s.data.update(remedy_ids=ids, note=s.body)


def _implement(s: _Step) -> None:
    c = s.complaint
    c.implementation_note, c.penalty = s.fields["note"], s.fields.get("penalty", "")
    s.to, s.body = S.CONFIRM, c.implementation_note
    s.data.update(note=c.implementation_note, penalty=c.penalty)


def _customer_accepts(s: _Step) -> None:
    s.complaint.customer_accepted = True
    s.to, s.body = S.REVISIT, s.fields.get("note", "")
    s.data["note"] = s.body


def _customer_rejects(s: _Step) -> None:
    s.complaint.customer_accepted = False
    ids = list(
        s.complaint.remedies.filter(status=RemedyStatus.APPROVED).values_list("pk", flat=True)
    )
    Remedy.objects.filter(pk__in=ids).update(status=RemedyStatus.REJECTED, decided_at=s.now)
    s.to, s.body = S.PROPOSE, s.fields["note"]
    s.data.update(note=s.body, remedy_ids=ids)


def _record_revisit(s: _Step) -> None:
    c = s.complaint
    c.satisfaction, c.revisit_note = s.fields["satisfaction"], s.fields.get("note", "")
    s.to, s.body = S.SUMMARISE, c.revisit_note
    s.data.update(satisfaction=c.satisfaction, note=c.revisit_note)


def _summarise(s: _Step) -> None:
    c = s.complaint
    c.summary, c.evaluation = s.fields["summary"], s.fields.get("evaluation", "")
    c.in_case_library = bool(s.fields.get("add_to_case_library"))
    s.to, s.body = S.ARCHIVED, c.summary
    s.data.update(in_case_library=c.in_case_library)


_HANDLERS = {
    "register": _register,
    "judge": _judge,
    "investigate": _investigate,
    "propose_remedy": _propose_remedy,
    "submit_for_approval": _submit,
    "approve": _approve,
    "reject_remedies": _reject_remedies,
    "implement": _implement,
    "customer_accepts": _customer_accepts,
    "customer_rejects": _customer_rejects,
    "record_revisit": _record_revisit,
    "summarise": _summarise,
}
