"""Member reads, scoped to the actor's units (a store clerk sees their store's members)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from kefu.core.errors import NotFound
from kefu.core.selectors.scope import restrict_to_scope
from kefu.members.access import can_view_members
from kefu.members.choices import MemberStatus
from kefu.members.models import Greeting, Member, MemberTier, PointsEntry, Purchase
from kefu.members.services.customer_link import normalize_phone

LIST_RELATED = ("unit", "tier")


def _members(actor: Any) -> QuerySet[Member]:
    if not can_view_members(actor):
        return Member.objects.none()
    return restrict_to_scope(Member.objects.all(), actor)


def list_members(
    actor: Any,
    *,
    status: str = "",
    q: str = "",
    unit: int | None = None,
    tier: int | None = None,
    customer: int | None = None,
) -> QuerySet[Member]:
    """Newest first. `q` matches card number, name or mobile number."""
    qs = _members(actor).select_related(*LIST_RELATED)
    if status:
        qs = qs.filter(status=status)
    if unit:
        qs = qs.filter(unit_id=unit)
    if tier:
        qs = qs.filter(tier_id=tier)
    if customer:
        qs = qs.filter(customer_id=customer)
    q = q.strip()
    if q:
        number = normalize_phone(q)
        match = Q(card_number=q) | Q(name__icontains=q)
        if len(number) >= 7:
            match |= Q(phone=number)
        qs = qs.filter(match)
    return qs.order_by("-id")


def status_counts(actor: Any) -> dict[str, int]:
    """Members per audit status (the list's tabs), in one query."""
    from django.db.models import Count

    rows = _members(actor).values("status").annotate(n=Count("id")).order_by()
    counts = dict.fromkeys(MemberStatus.values, 0)
    counts.update({r["status"]: r["n"] for r in rows})
    return counts


def get_member(actor: Any, member_id: int) -> Member:
    member = (
        _members(actor)
        .select_related("unit", "tier", "customer", "audited_by")
        .filter(pk=member_id)
    )
    found = member.first()
    if found is None:
        raise NotFound()
    return found


def member_ledger(member: Member) -> QuerySet[PointsEntry]:
    """The member's points ledger, newest first."""
    return (
        PointsEntry.objects.filter(member=member)
        .select_related("actor", "purchase")
        .order_by("-id")
    )


def list_purchases(
    actor: Any,
    *,
    member: int | None = None,
    unit: int | None = None,
    since: date | None = None,
    until: date | None = None,
) -> QuerySet[Purchase]:
    """Purchases at the actor's stores (or of a member they can see), newest first."""
    if not can_view_members(actor):
        return Purchase.objects.none()
    qs = restrict_to_scope(Purchase.objects.all(), actor).select_related(
        "member", "unit", "created_by"
    )
    if member:
        qs = qs.filter(member_id=member)
    if unit:
        qs = qs.filter(unit_id=unit)
    if since:
        qs = qs.filter(purchased_at__date__gte=since)
    if until:
        qs = qs.filter(purchased_at__date__lte=until)
    return qs.order_by("-purchased_at", "-id")


def member_purchases(member: Member) -> QuerySet[Purchase]:
    return Purchase.objects.filter(member=member).select_related("unit").order_by("-purchased_at")


def expiring_members(
    actor: Any, *, days: int = 30, today: date | None = None, unit: int | None = None
) -> QuerySet[Member]:
    """《到期会员名单》: filed members whose membership ends within `days` days from today
    (today included), soonest first."""
    today = today or timezone.localdate()
    qs = _members(actor).select_related(*LIST_RELATED)
    qs = qs.filter(
        status=MemberStatus.FILED,
        expires_on__gte=today,
        expires_on__lte=today + timedelta(days=days),
    )
    if unit:
        qs = qs.filter(unit_id=unit)
    return qs.order_by("expires_on", "id")


def greetings_on(actor: Any, *, on_date: date, call: bool | None = None) -> QuerySet[Greeting]:
    """The greetings due on a day for members the actor can see; calls (top tier) first."""
    if not can_view_members(actor):
        return Greeting.objects.none()
    qs = restrict_to_scope(
        Greeting.objects.filter(on_date=on_date), actor, field="member__unit"
    ).select_related("member", "member__unit", "member__tier")
    if call is not None:
        qs = qs.filter(call=call)
    return qs.order_by("-call", "member__unit__path", "member_id")


def get_greeting(actor: Any, greeting_id: int) -> Greeting:
    if not can_view_members(actor):
        raise NotFound()
    found = (
        restrict_to_scope(Greeting.objects.filter(pk=greeting_id), actor, field="member__unit")
        .select_related("member", "member__unit")
        .first()
    )
    if found is None:
        raise NotFound()
    return found


def list_tiers(*, active_only: bool = False) -> QuerySet[MemberTier]:
    qs = MemberTier.objects.all()
    if active_only:
        qs = qs.filter(is_active=True)
    return qs.order_by("level")
