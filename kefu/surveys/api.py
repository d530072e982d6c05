"""Surveys API: definitions, invitations, the public answer endpoints (no auth) and the
shared satisfaction figures."""

from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Query, Router, Status

from kefu.core.api_common import ERRORS, actor_of
from kefu.core.api_errors import ErrorOut
from kefu.core.models import OrgUnit
from kefu.core.permissions import Perm
from kefu.core.selectors.scope import require_perm
from kefu.surveys import selectors
from kefu.surveys.choices import CSAT_MAX, CSAT_MIN, NPS_MAX, NPS_MIN, SurveyKind
from kefu.surveys.errors import TooManyAttempts
from kefu.surveys.models import SurveyInvitation
from kefu.surveys.ratelimit import over_limit
from kefu.surveys.schemas import (
    AnswerIn,
    AnswerOut,
    FiguresFilter,
    FiguresOut,
    InvitationCreated,
    InvitationFilter,
    InvitationPage,
    InviteIn,
    PublicSurveyOut,
    SurveyIn,
    SurveyOut,
    SurveyPatch,
)
from kefu.surveys.services import create_survey, update_survey
from kefu.surveys.services_invitations import answer_invitation, invite, open_invitation

router = Router(tags=["surveys"])
PUBLIC_ERRORS: dict[int, Any] = {**ERRORS, 410: ErrorOut, 429: ErrorOut}


@router.get("", response={200: list[SurveyOut], **ERRORS})
def list_surveys(request: HttpRequest) -> Any:
    return list(selectors.surveys_for(actor_of(request)))


@router.post("", response={201: SurveyOut, **ERRORS})
def add_survey(request: HttpRequest, payload: SurveyIn) -> Any:
    actor = actor_of(request)
    data = payload.dict()
    unit = selectors.visible_unit(actor, data.pop("unit_id"))
    return Status(201, create_survey(actor=actor, unit=unit, **data))


@router.patch("/{int:survey_id}", response={200: SurveyOut, **ERRORS})
def change_survey(request: HttpRequest, survey_id: int, payload: SurveyPatch) -> Any:
    actor = actor_of(request)
    survey = get_object_or_404(selectors.surveys_for(actor), pk=survey_id)
    return update_survey(actor=actor, survey=survey, **payload.dict(exclude_none=True))


def _invitation_out(inv: SurveyInvitation) -> dict[str, Any]:
    rating = inv.rating
    return {
        **{k: getattr(inv, k) for k in ("id", "survey_id", "ticket_id", "customer_id")},
        **{k: getattr(inv, k) for k in ("channel", "recipient", "sent_at", "expires_at")},
        "opened_at": inv.opened_at,
        "used_at": inv.used_at,
        "ticket_number": inv.ticket.number,
        "status": inv.status.value,
        "csat": rating.csat if rating else None,
        "nps": rating.nps if rating else None,
    }


@router.post("/invitations", response={201: InvitationCreated, **ERRORS})
def add_invitation(request: HttpRequest, payload: InviteIn) -> Any:
    actor = actor_of(request)
    ticket = selectors.visible_ticket(actor, payload.ticket_id)
    survey = get_object_or_404(selectors.surveys_for(actor), pk=payload.survey_id)
    done = invite(
        actor=actor,
        ticket=ticket,
        survey=survey,
        channel=payload.channel,
        base_url=request.build_absolute_uri("/"),
    )
    return Status(201, {**_invitation_out(done.invitation), "url": done.url})


@router.get("/invitations", response={200: InvitationPage, **ERRORS})
def list_invitations(request: HttpRequest, filters: Query[InvitationFilter]) -> Any:
    qs = selectors.filter_status(selectors.invitations_for(actor_of(request)), filters.status)
    if filters.ticket_id:
        qs = qs.filter(ticket_id=filters.ticket_id)
    rows = qs[filters.offset : filters.offset + filters.limit]
    return {"count": qs.count(), "items": [_invitation_out(i) for i in rows]}


@router.get("/answer/{token}", response={200: PublicSurveyOut, **PUBLIC_ERRORS}, auth=None)
def public_survey(request: HttpRequest, token: str) -> Any:
    if over_limit(token):
        raise TooManyAttempts()
    inv = open_invitation(token=token)
    s = inv.survey
    low, high = (CSAT_MIN, CSAT_MAX) if s.kind == SurveyKind.CSAT else (NPS_MIN, NPS_MAX)
    return {
        **{k: getattr(s, k) for k in ("title", "kind", "question", "comment_question")},
        "min_score": low,
        "max_score": high,
        "expires_at": inv.expires_at,
    }


@router.post("/answer/{token}", response={201: AnswerOut, **PUBLIC_ERRORS}, auth=None)
def public_answer(request: HttpRequest, token: str, payload: AnswerIn) -> Any:
    if over_limit(token):
        raise TooManyAttempts()
    answer_invitation(token=token, score=payload.score, comment=payload.comment)
    return Status(201, {"ok": True})


@router.get("/satisfaction", response={200: FiguresOut, **ERRORS})
def satisfaction(request: HttpRequest, filters: Query[FiguresFilter]) -> Any:
    actor = actor_of(request)
    require_perm(actor, Perm.VIEW_REPORTS)
    unit: OrgUnit | None = None
    if filters.unit_id:
        unit = selectors.visible_unit(actor, filters.unit_id)
    f = selectors.satisfaction_figures(
        actor,
        since=filters.since,
        until=filters.until,
        unit=unit,
        group_by=filters.group_by,
        source=filters.source,
    )
    return {
        "since": f.since,
        "until": f.until,
        "group_by": f.group_by,
        "total": f.total.as_dict(),
        "rows": [r.as_dict() for r in f.rows],
    }
