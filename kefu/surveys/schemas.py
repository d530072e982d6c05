"""API schemas of the surveys app."""

from datetime import date, datetime
from typing import Any

from ninja import Field, Schema

MAX_ID = 2**31 - 1


class SurveyIn(Schema):
    unit_id: int = Field(..., ge=1, le=MAX_ID)
    kind: str = Field(..., pattern="^(csat|nps)$")
    title: str = Field(..., min_length=1, max_length=120)
    question: str = Field(..., min_length=1, max_length=300)
    comment_question: str = Field("", max_length=300)
    active: bool = True
    expires_after_days: int = Field(7, ge=1, le=90)
    auto_sample_percent: int = Field(0, ge=0, le=100)
    auto_channel: str = Field("sms", pattern="^(sms|email|link)$")


class SurveyPatch(Schema):
    title: str | None = Field(None, min_length=1, max_length=120)
    question: str | None = Field(None, min_length=1, max_length=300)
    comment_question: str | None = Field(None, max_length=300)
    active: bool | None = None
    expires_after_days: int | None = Field(None, ge=1, le=90)
    auto_sample_percent: int | None = Field(None, ge=0, le=100)
    auto_channel: str | None = Field(None, pattern="^(sms|email|link)$")


class SurveyOut(Schema):
    id: int
    unit_id: int
    kind: str
    title: str
    question: str
    comment_question: str
    active: bool
    expires_after_days: int
    auto_sample_percent: int
    auto_channel: str


class InviteIn(Schema):
    ticket_id: int = Field(..., ge=1, le=MAX_ID)
    survey_id: int = Field(..., ge=1, le=MAX_ID)
    channel: str = Field(..., pattern="^(sms|email|link)$")


class InvitationOut(Schema):
    id: int
    survey_id: int
    ticket_id: int
    ticket_number: str
    customer_id: int | None
    channel: str
    recipient: str
    status: str
    sent_at: datetime
    expires_at: datetime
    opened_at: datetime | None
    used_at: datetime | None
    csat: int | None
    nps: int | None


class InvitationCreated(InvitationOut):
    url: str = Field(..., description="The survey link; shown only once (only a hash is kept).")


class InvitationFilter(Schema):
    status: str = Field("", pattern="^(|sent|opened|answered|expired)$")
    ticket_id: int | None = Field(None, ge=1, le=MAX_ID)
    limit: int = Field(50, ge=1, le=200)
    offset: int = Field(0, ge=0)


class InvitationPage(Schema):
    count: int
    items: list[InvitationOut]


class PublicSurveyOut(Schema):
    title: str
    kind: str
    question: str
    comment_question: str
    min_score: int
    max_score: int
    expires_at: datetime


class AnswerIn(Schema):
    score: int
    comment: str = Field("", max_length=2000)


class AnswerOut(Schema):
    ok: bool = True


class FiguresFilter(Schema):
    since: date
    until: date
    group_by: str | None = Field(None, pattern="^(day|week|month|agent|unit)$")
    unit_id: int | None = Field(None, ge=1, le=MAX_ID)
    source: str | None = Field(None, pattern="^(survey|revisit)$")


class FigureOut(Schema):
    key: Any
    label: str
    count: int
    csat_count: int
    csat_average: float | None
    csat_percent: float | None
    nps_count: int
    promoters: int
    passives: int
    detractors: int
    nps: float | None


class FiguresOut(Schema):
    since: date
    until: date
    group_by: str | None
    total: FigureOut
    rows: list[FigureOut]
