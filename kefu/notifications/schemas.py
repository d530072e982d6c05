"""API schemas of notifications."""

from datetime import datetime

from ninja import Field, Schema

MAX_ID = 2**31 - 1


class Paging(Schema):
    limit: int = Field(50, ge=1, le=500)
    offset: int = Field(0, ge=0, le=10_000_000)


class OutboxFilter(Schema):
    status: str = Field("", pattern="^(|queued|sending|sent|failed|cancelled|opted_out)$")
    channel: str = Field("", pattern="^(|email|sms|wecom|dingtalk|inapp)$")
    customer: int | None = Field(None, ge=1, le=MAX_ID)


class AttemptOut(Schema):
    number: int
    started_at: datetime
    finished_at: datetime | None
    ok: bool
    error: str
    response_code: str


class OutboxOut(Schema):
    id: int
    channel: str
    to: str
    subject: str
    template_key: str
    status: str
    attempts: int
    next_attempt_at: datetime | None
    last_error: str
    dedupe_key: str
    customer_id: int | None
    related_type: str
    related_id: str
    provider_message_id: str
    created_at: datetime
    sent_at: datetime | None


class OutboxDetailOut(OutboxOut):
    body: str
    delivery_attempts: list[AttemptOut]


class OutboxPage(Schema):
    items: list[OutboxOut]
    count: int


class TemplateOut(Schema):
    key: str
    channel: str
    subject: str
    body: str
    active: bool
    edited: bool
    description: str


class TemplateIn(Schema):
    subject: str = Field("", max_length=200)
    body: str = Field(..., min_length=1, max_length=20_000)
    channel: str = Field("", pattern="^(|email|sms|wecom|dingtalk|inapp)$")
    active: bool = True


class OptOutIn(Schema):
    customer_id: int = Field(..., ge=1, le=MAX_ID)
    channel: str = Field(..., pattern="^(email|sms|inapp)$")
    reason: str = Field("", max_length=200)


class OptOutFilter(Schema):
    customer_id: int | None = Field(None, ge=1, le=MAX_ID)
    channel: str = Field("", pattern="^(|email|sms|inapp)$")


class OptOutOut(Schema):
    customer_id: int
    channel: str
    reason: str
    created_at: datetime


class OptOutPage(Schema):
    items: list[OptOutOut]
    count: int


class InAppOut(Schema):
    id: int
    title: str
    body: str
    url: str
    created_at: datetime
    read_at: datetime | None


class InAppPage(Schema):
    items: list[InAppOut]
    count: int
    unread: int


class InAppFilter(Schema):
    unread: bool = False


class MarkReadIn(Schema):
    ids: list[int] | None = Field(None, max_length=500)


class MarkReadOut(Schema):
    marked: int
