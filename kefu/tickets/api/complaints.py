"""Complaint closed-loop endpoints: transitions, a ticket's complaint state, statistics and
the case library. Wired in kefu/api.py with `api.add_router("/", complaints.router)`."""

from datetime import datetime
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Field, Query, Router, Schema
from ninja.pagination import LimitOffsetPagination, paginate
from pydantic import BaseModel, ConfigDict

from kefu.core.api_common import ERRORS, actor_of
from kefu.core.errors import NotFound
from kefu.core.permissions import Perm
from kefu.core.selectors.scope import require_perm
from kefu.tickets import selectors as ticket_selectors
from kefu.tickets import selectors_complaints as selectors
from kefu.tickets.api.idempotent import IdempotencyKey, respond_once
from kefu.tickets.services import complaints as services

router = Router(tags=["complaints"])


class TransitionIn(BaseModel):  # a plain pydantic model: ninja's Schema drops extra keys
    """`{"action": "judge", "valid": true, "note": "…"}`: the action's fields sit beside it.
    `version` (optional): the ticket version you saw; a newer one answers 409 ticket_stale."""

    model_config = ConfigDict(extra="allow")
    action: str
    version: int | None = None


class RemedyOut(Schema):
    id: int
    kind: str
    description: str
    cost: str
    status: str
    proposed_by_id: int | None
    decided_by_id: int | None
    decided_at: datetime | None


class ComplaintOut(Schema):
    ticket_id: int
    version: int
    stage: str
    stage_due: datetime | None
    stage_owner_id: int | None
    allowed_actions: list[str]
    demand: str
    is_valid: bool | None
    judgement_note: str
    tactful_reply: str
    responsible_department_id: int | None
    responsible_person: str
    root_cause: str
    cause_category: str
    accountable: str  # who answers for the cause: factory_manager, logistics_manager …
    penalty: str
    implementation_note: str
    customer_accepted: bool | None
    satisfaction: int | None
    revisit_note: str
    summary: str
    evaluation: str
    in_case_library: bool
    archived_at: datetime | None
    remedies: list[RemedyOut]


class StatsFilter(Schema):
    since: datetime | None = None
    until: datetime | None = None


class CaseFilter(Schema):
    q: str = ""
    cause: str = ""


class CaseOut(Schema):
    ticket_id: int
    number: str = Field(alias="ticket.number")
    title: str = Field(alias="ticket.title")
    unit_id: int = Field(alias="ticket.unit_id")
    unit_name: str = Field(alias="ticket.unit.name")
    cause_category: str
    responsible_department: str
    responsible_person: str
    root_cause: str
    summary: str
    evaluation: str
    satisfaction: int | None
    archived_at: datetime | None

    @staticmethod
    def resolve_responsible_department(obj: Any) -> str:
        dept = obj.responsible_department
        return dept.name if dept is not None else ""


def _state(ticket: Any, request: HttpRequest) -> dict[str, Any]:
    state = selectors.complaint_state(ticket, actor_of(request))
    if state is None:
        raise NotFound()
    return state


@router.post(
    "/tickets/{ticket_id}/transitions",
    response={200: ComplaintOut, **ERRORS},
    summary="Take a step of the complaint closed loop",
)
def transition(
    request: HttpRequest,
    ticket_id: int,
    payload: TransitionIn,
    response: HttpResponse,
    idempotency_key: IdempotencyKey = None,
) -> Any:
    actor = actor_of(request)
    ticket = ticket_selectors.get_ticket(actor, ticket_id)

    def write() -> tuple[int, ComplaintOut]:
        services.transition(
            actor=actor,
            ticket=ticket,
            action=payload.action,
            fields=dict(payload.model_extra or {}),
            expected_version=payload.version,
        )
        state = _state(ticket, request)
        return 200, ComplaintOut.model_validate(state, context={"request": request})

    return respond_once(
        request,
        response,
        key=idempotency_key,
        operation="complaint.transition",
        ticket=ticket,
        body=payload.model_dump(),
        write=write,
    )


@router.get(
    "/tickets/{ticket_id}/complaint",
    response={200: ComplaintOut, **ERRORS},
    summary="A complaint ticket's stage, owner, due time, allowed actions and remedies",
)
def complaint(request: HttpRequest, ticket_id: int) -> Any:
    return _state(ticket_selectors.get_ticket(actor_of(request), ticket_id), request)


@router.get("/complaints/stats", response={200: dict[str, Any], **ERRORS})
def stats(request: HttpRequest, filters: Query[StatsFilter]) -> Any:
    """Complaints in my scope by stage, cause, responsible department, unit and week."""
    actor = actor_of(request)
    require_perm(actor, Perm.VIEW_TICKETS)
    return selectors.complaint_stats(actor, since=filters.since, until=filters.until)


@router.get("/complaints/cases", response={200: list[CaseOut], **ERRORS})
@paginate(LimitOffsetPagination)
def cases(request: HttpRequest, filters: Query[CaseFilter]) -> Any:
    """The case library (案例库): archived complaints chosen for training and case reviews."""
    actor = actor_of(request)
    require_perm(actor, Perm.VIEW_TICKETS)
    return selectors.case_library(actor, q=filters.q, cause=filters.cause)
