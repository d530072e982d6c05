"""Members API: registration and headquarters' audit, points, purchases, the expiring
list, birthday greetings and tiers. Lists mask personal data for everyone."""

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from kefu.core.api_common import ERRORS, actor_of
from kefu.core.errors import NotFound, PermissionDenied, ValidationFailed
from kefu.core.models import OrgUnit, UnitAssignment, User
from kefu.core.selectors import org as org_selectors
from kefu.core.services.audit import record_personal_data_access
from kefu.members import display, selectors
from kefu.members.access import can_reveal
from kefu.members.schemas import (
    AdjustIn,
    CancelIn,
    GreetingPage,
    MemberIn,
    MemberOut,
    MemberPage,
    MemberPatch,
    Paging,
    PointsChangeOut,
    PointsPage,
    PurchaseIn,
    PurchaseOut,
    PurchasePage,
    RedeemIn,
    RenewIn,
    ReturnIn,
    TierIn,
    TierOut,
)
from kefu.members.services import audit, points, purchases, registration, tiers

router = Router(tags=["members"])
MAX_ID = 2**31 - 1


class MemberFilter(Schema):
    status: str = Field("", pattern="^(|pending|returned|filed|cancelled)$")
    q: str = Field("", max_length=100)
    unit: int | None = Field(None, ge=1, le=MAX_ID)
    tier: int | None = Field(None, ge=1, le=MAX_ID)
    customer: int | None = Field(None, ge=1, le=MAX_ID)


class PurchaseFilter(Schema):
    member: int | None = Field(None, ge=1, le=MAX_ID)
    unit: int | None = Field(None, ge=1, le=MAX_ID)
    since: dt.date | None = None
    until: dt.date | None = None


class ExpiringFilter(Schema):
    days: int = Field(30, ge=0, le=366)
    unit: int | None = Field(None, ge=1, le=MAX_ID)


class GreetingFilter(Schema):
    date: dt.date | None = None
    call: bool | None = None


class DetailQuery(Schema):
    reveal: bool = False


def _store(actor: User, unit_id: int | None) -> OrgUnit:
    if unit_id is not None:
        return org_selectors.get_unit(actor, unit_id)
    first = (
        UnitAssignment.objects.filter(user=actor, unit__is_active=True)
        .select_related("unit")
        .order_by("id")
        .first()
    )
    if first is None:
        raise ValidationFailed(details={"unit_id": _("Choose a store.")})
    return first.unit


def _page(qs: QuerySet[Any], paging: Paging, row: Callable[[Any], Any]) -> dict[str, Any]:
    """One page as {"items", "count"}: only the page's rows are read and mapped."""
    items = qs[paging.offset : paging.offset + paging.limit]
    return {"items": [row(x) for x in items], "count": qs.count()}


def _detail(actor: User, member_id: int, reveal: bool = False) -> dict[str, Any]:
    member = selectors.get_member(actor, member_id)
    if reveal:
        if not can_reveal(actor, member.unit):
            raise PermissionDenied()
        record_personal_data_access(
            actor=actor,
            kind="reveal",
            obj=member,
            unit=member.unit,
            fields=["phone", "id_number", "address", "email"],
        )
    return display.member_detail(member, reveal=reveal)


# -- fixed paths first (before /{member_id}) ------------------------------------------


@router.get("/purchases", response={200: PurchasePage, **ERRORS})
def list_purchases(
    request: HttpRequest, filters: Query[PurchaseFilter], paging: Query[Paging]
) -> Any:
    qs = selectors.list_purchases(actor_of(request), **filters.dict())
    return _page(qs, paging, display.purchase_row)


@router.post("/purchases", response={201: PurchaseOut, **ERRORS})
def record_purchase(request: HttpRequest, payload: PurchaseIn) -> Any:
    actor = actor_of(request)
    member = selectors.get_member(actor, payload.member_id)
    unit = org_selectors.get_unit(actor, payload.unit_id) if payload.unit_id else None
    purchase = purchases.record_purchase(
        actor=actor,
        member=member,
        amount=payload.amount,
        purchased_at=payload.purchased_at,
        unit=unit,
        receipt_number=payload.receipt_number,
        items=payload.items,
        notes=payload.notes,
    )
    return Status(201, display.purchase_row(purchase))


@router.get("/expiring", response={200: MemberPage, **ERRORS})
def expiring(request: HttpRequest, filters: Query[ExpiringFilter], paging: Query[Paging]) -> Any:
    """《到期会员名单》: filed members whose membership ends within `days` days."""
    qs = selectors.expiring_members(actor_of(request), days=filters.days, unit=filters.unit)
    return _page(qs, paging, display.member_row)


@router.get("/greetings", response={200: GreetingPage, **ERRORS})
def greetings(request: HttpRequest, filters: Query[GreetingFilter], paging: Query[Paging]) -> Any:
    """The day's birthday greetings (default today); `call`: the top tier's phone calls."""
    on_date = filters.date or timezone.localdate()
    qs = selectors.greetings_on(actor_of(request), on_date=on_date, call=filters.call)
    return _page(qs, paging, display.greeting_row)


@router.get("/tiers", response={200: list[TierOut], **ERRORS})
def list_tiers(request: HttpRequest) -> Any:
    return list(selectors.list_tiers())


@router.post("/tiers", response={201: TierOut, **ERRORS})
def create_tier(request: HttpRequest, payload: TierIn) -> Any:
    return Status(201, tiers.save_tier(actor=actor_of(request), **payload.dict()))


@router.patch("/tiers/{tier_id}", response={200: TierOut, **ERRORS})
def update_tier(request: HttpRequest, tier_id: int, payload: TierIn) -> Any:
    tier = selectors.list_tiers().filter(pk=tier_id).first() if tier_id <= MAX_ID else None
    if tier is None:
        raise NotFound()
    return tiers.save_tier(actor=actor_of(request), tier=tier, **payload.dict())


# -- members ---------------------------------------------------------------------------


@router.get("", response={200: MemberPage, **ERRORS})
def list_members(request: HttpRequest, filters: Query[MemberFilter], paging: Query[Paging]) -> Any:
    qs = selectors.list_members(actor_of(request), **filters.dict())
    return _page(qs, paging, display.member_row)


@router.post("", response={201: MemberOut, **ERRORS})
def register_member(request: HttpRequest, payload: MemberIn) -> Any:
    actor = actor_of(request)
    fields = payload.dict(exclude={"unit_id"})
    member = registration.register_member(
        actor=actor, unit=_store(actor, payload.unit_id), **fields
    )
    return Status(201, _detail(actor, member.pk))


@router.get("/{member_id}", response={200: MemberOut, **ERRORS})
def get_member(request: HttpRequest, member_id: int, query: Query[DetailQuery]) -> Any:
    """`?reveal=true` shows phone, ID number and address in full (logged; needs the
    personal-data permission)."""
    return _detail(actor_of(request), _id(member_id), reveal=query.reveal)


@router.patch("/{member_id}", response={200: MemberOut, **ERRORS})
def update_member(request: HttpRequest, member_id: int, payload: MemberPatch) -> Any:
    actor = actor_of(request)
    member = selectors.get_member(actor, _id(member_id))
    registration.update_member(actor=actor, member=member, **payload.dict(exclude_unset=True))
    return _detail(actor, member.pk)


def _act(request: HttpRequest, member_id: int, action: Callable[..., Any], **kw: Any) -> Any:
    actor = actor_of(request)
    member = selectors.get_member(actor, _id(member_id))
    action(actor=actor, member=member, **kw)
    return _detail(actor, member.pk)


@router.post("/{member_id}/submit", response={200: MemberOut, **ERRORS})
def submit(request: HttpRequest, member_id: int) -> Any:
    """The store resubmits a returned application (退回补充 → 待审核)."""
    return _act(request, member_id, registration.submit_member)


@router.post("/{member_id}/return", response={200: MemberOut, **ERRORS})
def return_(request: HttpRequest, member_id: int, payload: ReturnIn) -> Any:
    """Headquarters sends an application back with the missing fields and a reason."""
    return _act(
        request,
        member_id,
        audit.return_member,
        reason=payload.reason,
        missing=payload.missing_fields,
    )


@router.post("/{member_id}/file", response={200: MemberOut, **ERRORS})
def file(request: HttpRequest, member_id: int) -> Any:
    """Headquarters files a complete application (已建档); 422 `member_incomplete` lists
    the missing fields otherwise."""
    return _act(request, member_id, audit.file_member)


@router.post("/{member_id}/cancel", response={200: MemberOut, **ERRORS})
def cancel(request: HttpRequest, member_id: int, payload: CancelIn) -> Any:
    return _act(request, member_id, audit.cancel_member, reason=payload.reason)


@router.post("/{member_id}/renew", response={200: MemberOut, **ERRORS})
def renew(request: HttpRequest, member_id: int, payload: RenewIn) -> Any:
    return _act(request, member_id, audit.renew_member, months=payload.months)


@router.get("/{member_id}/points", response={200: PointsPage, **ERRORS})
def ledger(request: HttpRequest, member_id: int, paging: Query[Paging]) -> Any:
    member = selectors.get_member(actor_of(request), _id(member_id))
    return _page(selectors.member_ledger(member), paging, display.entry_row)


def _points(request: HttpRequest, member_id: int, action: Callable[..., Any], **kw: Any) -> Any:
    actor = actor_of(request)
    member = selectors.get_member(actor, _id(member_id))
    change = action(actor=actor, member=member, **kw)
    return Status(
        201, {"balance": change.member.points_balance, "entry": display.entry_row(change.entry)}
    )


@router.post("/{member_id}/points/redeem", response={201: PointsChangeOut, **ERRORS})
def redeem(request: HttpRequest, member_id: int, payload: RedeemIn) -> Any:
    """409 `points_insufficient` when the balance is too small."""
    return _points(
        request, member_id, points.redeem_points, points=payload.points, reason=payload.reason
    )


@router.post("/{member_id}/points/adjust", response={201: PointsChangeOut, **ERRORS})
def adjust(request: HttpRequest, member_id: int, payload: AdjustIn) -> Any:
    return _points(
        request, member_id, points.adjust_points, points=payload.points, reason=payload.reason
    )


def _id(member_id: int) -> int:
    if not 1 <= member_id <= MAX_ID:
        raise NotFound()
    return member_id
