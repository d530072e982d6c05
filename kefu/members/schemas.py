"""API shapes of members, points, purchases, greetings and tiers. Personal data arrives
masked unless the detail was asked with ?reveal=true by someone allowed to see it."""

from datetime import date, datetime
from decimal import Decimal

from ninja import Field, Schema

PK = Field(..., ge=1, le=2**31 - 1)


class MemberIn(Schema):
    unit_id: int | None = Field(None, ge=1, le=2**31 - 1, description="store; default: yours")
    name: str = Field(..., max_length=100)
    phone: str = Field(..., max_length=40)
    gender: str = Field("", max_length=8, description="male / female")
    birthday: date | None = None
    id_number: str = Field("", max_length=40)
    address: str = Field("", max_length=300)
    email: str = Field("", max_length=254)
    occupation: str = Field("", max_length=100)
    company: str = Field("", max_length=200)
    card_number: str = Field("", max_length=32, description="empty: one is generated")
    registered_on: date | None = None


class MemberPatch(Schema):
    name: str | None = Field(None, max_length=100)
    phone: str | None = Field(None, max_length=40)
    gender: str | None = Field(None, max_length=8)
    birthday: date | None = None
    id_number: str | None = Field(None, max_length=40)
    address: str | None = Field(None, max_length=300)
    email: str | None = Field(None, max_length=254)
    occupation: str | None = Field(None, max_length=100)
    company: str | None = Field(None, max_length=200)
    card_number: str | None = Field(None, max_length=32)


class MemberListOut(Schema):
    id: int
    card_number: str
    name: str
    gender: str
    phone: str
    status: str
    unit_id: int
    unit_name: str
    tier_id: int | None
    tier_name: str
    registered_on: date
    expires_on: date | None
    points_balance: int
    lifetime_spend: Decimal
    missing_fields: list[str]


class MemberOut(MemberListOut):
    customer_id: int
    birthday: date | None
    id_number: str
    address: str
    email: str
    occupation: str
    company: str
    return_reason: str
    audited_by: str
    audited_at: datetime | None
    revealed: bool


class ReturnIn(Schema):
    reason: str = Field("", max_length=1000)
    missing_fields: list[str] = Field([], max_length=20)


class CancelIn(Schema):
    reason: str = Field(..., max_length=1000)


class RenewIn(Schema):
    months: int | None = Field(None, ge=1, le=120)


class RedeemIn(Schema):
    points: int = Field(..., ge=1, le=10_000_000)
    reason: str = Field("", max_length=200)


class AdjustIn(Schema):
    points: int = Field(..., ge=-10_000_000, le=10_000_000)
    reason: str = Field(..., max_length=200)


class PointsEntryOut(Schema):
    id: int
    kind: str
    points: int
    balance_after: int
    remaining: int | None
    expires_on: date | None
    purchase_id: int | None
    reason: str
    actor: str
    created_at: datetime
    occurred_at: datetime


class PointsChangeOut(Schema):
    balance: int
    entry: PointsEntryOut


class PurchaseIn(Schema):
    member_id: int = PK
    amount: Decimal = Field(..., gt=0, lt=100_000_000, decimal_places=2)
    purchased_at: datetime | None = None
    unit_id: int | None = Field(None, ge=1, le=2**31 - 1, description="default: member's store")
    receipt_number: str = Field("", max_length=64)
    items: str = Field("", max_length=2000)
    notes: str = Field("", max_length=300)


class PurchaseOut(Schema):
    id: int
    member_id: int
    card_number: str
    member_name: str
    unit_id: int
    unit_name: str
    purchased_at: datetime
    amount: Decimal
    receipt_number: str
    items: str
    notes: str
    points_earned: int
    source: str


class GreetingOut(Schema):
    id: int
    kind: str
    on_date: date
    status: str
    call: bool
    member_id: int
    card_number: str
    name: str
    phone: str
    tier_name: str
    unit_name: str


class TierIn(Schema):
    code: str = Field(..., max_length=20)
    name: str = Field(..., max_length=40)
    level: int = Field(..., ge=0, le=100)
    min_spend: Decimal = Field(Decimal("0"), ge=0, lt=10**12, decimal_places=2)
    points_per_yuan: Decimal = Field(Decimal("1"), ge=0, lt=1000, decimal_places=2)
    validity_months: int = Field(12, ge=1, le=120)
    is_active: bool = True


class TierOut(Schema):
    id: int
    code: str
    name: str
    level: int
    min_spend: Decimal
    points_per_yuan: Decimal
    validity_months: int
    is_active: bool


class Paging(Schema):
    limit: int = Field(50, ge=1, le=500)
    offset: int = Field(0, ge=0, le=10_000_000)


class MemberPage(Schema):
    items: list[MemberListOut]
    count: int


class PurchasePage(Schema):
    items: list[PurchaseOut]
    count: int


class GreetingPage(Schema):
    items: list[GreetingOut]
    count: int


class PointsPage(Schema):
    items: list[PointsEntryOut]
    count: int
