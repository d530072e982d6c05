"""API shapes of customers (phone intake: lookup and quick create)."""

from datetime import datetime

from ninja import Field, Schema


class OpenTicketOut(Schema):
    id: int
    number: str
    title: str
    type: str
    status: str
    created_at: datetime


class CustomerOut(Schema):
    id: int
    name: str
    kind: str
    grade: str
    is_key_account: bool
    unit_id: int
    phones: list[str]
    open_tickets: list[OpenTicketOut] = []


class CustomerIn(Schema):
    name: str = Field(min_length=1, max_length=200)
    kind: str = Field("person", max_length=10)
    phones: list[str] = Field([], max_length=10)
    email: str = Field("", max_length=254)
    unit_id: int | None = None
