"""`kefu demo` step of the members app: tiers (普通/银卡/金卡/钻石), members in every audit
state, two years of purchases with points, some memberships ending within 30 days and some
birthdays today (with the day's greetings made)."""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone

from kefu.core.choices import UnitKind
from kefu.core.demo.registry import DemoContext, register_demo_step
from kefu.core.models import OrgUnit, User
from kefu.members.choices import Gender, MemberStatus
from kefu.members.dates import add_months
from kefu.members.models import Member, MemberTier, PointsEntry
from kefu.members.services import audit, greetings, points, purchases, registration, tiers
from kefu.members.services.bulk import MemberRow, import_members

MEMBERS_PER_SCALE = 40
TIERS = (
    ("normal", "普通", 1, "0", "1", 12),
    ("silver", "银卡", 2, "3000", "1.2", 12),
    ("gold", "金卡", 3, "10000", "1.5", 24),
    ("diamond", "钻石", 4, "30000", "2", 24),
)
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_STATES = [MemberStatus.FILED] * 14 + [MemberStatus.PENDING] * 3 + [MemberStatus.CANCELLED]
PURCHASE_CHUNK = 5000


def _id_number(area: str, born: date, rng: random.Random) -> str:
    body = f"{area}{born:%Y%m%d}{rng.randrange(1000):03d}"
    total = sum(int(c) * w for c, w in zip(body, _WEIGHTS, strict=True))
    return body + "10X98765432"[total % 11]


def _tiers(actor: User) -> list[MemberTier]:
    if MemberTier.objects.exists():
        return list(MemberTier.objects.order_by("level"))
    return [
        tiers.save_tier(
            actor=actor,
            code=code,
            name=name,
            level=level,
            min_spend=Decimal(spend),
            points_per_yuan=Decimal(rate),
            validity_months=months,
        )
        for code, name, level, spend, rate, months in TIERS
    ]


def _person(fake: Any, rng: random.Random, today: date, birthday_today: bool) -> dict[str, Any]:
    born = fake.date_of_birth(minimum_age=18, maximum_age=75)
    if birthday_today:
        year = born.year if (today.month, today.day) != (2, 29) else 1992
        born = date(year, today.month, today.day)
    gender = rng.choice([Gender.MALE, Gender.FEMALE])
    name = fake.name_male() if gender == Gender.MALE else fake.name_female()
    return {
        "name": name,
        "gender": gender,
        "birthday": born,
        "phone": fake.phone_number(),
        "id_number": _id_number(fake.ssn()[:6], born, rng),
        "address": fake.address().split(" ")[0][:300],
    }


def _registered_on(rng: random.Random, today: date, expiring: bool) -> date:
    """Expiring members joined a year ago give or take 30 days ahead; others in 2 years."""
    if expiring:
        return add_months(today, -12) + timedelta(days=rng.randrange(1, 30))
    return today - timedelta(days=rng.randrange(40, 700))


def _audit_states(actor: User, stores: list[OrgUnit], fake: Any, rng: random.Random) -> int:
    """A few members through the services: pending incomplete, returned, resubmitted, filed."""
    today = timezone.localdate()
    made = 0
    for i in range(8):
        person = _person(fake, rng, today, birthday_today=False)
        if i % 4 in (0, 1):  # incomplete forms
            person["id_number"] = ""
            person["address"] = "" if i % 2 else person["address"]
        member = registration.register_member(actor=actor, unit=stores[i % len(stores)], **person)
        made += 1
        if i % 4 == 1:
            audit.return_member(actor=actor, member=member, reason="请补充身份证复印件和住址")
        elif i % 4 == 2:
            audit.file_member(actor=actor, member=member)
        elif i == 7:
            filed = audit.file_member(actor=actor, member=member)
            audit.cancel_member(actor=actor, member=filed, reason="会员本人申请注销")
    return made


def _bulk_members(
    actor: User, stores: list[OrgUnit], fake: Any, rng: random.Random, n: int, tier_list: list[Any]
) -> list[Member]:
    today = timezone.localdate()
    rows = []
    for i in range(n):
        birthday = i % 12 == 3  # a few birthdays today, filed so they are greeted
        person = _person(fake, rng, today, birthday_today=birthday)
        expiring = i % 10 == 5
        registered = _registered_on(rng, today, expiring)
        rows.append(
            MemberRow(
                unit=stores[i % len(stores)],
                card_number=f"8{registered:%y%m}{i:07d}",
                registered_on=registered,
                tier=tier_list[-1] if i % 24 == 3 else (tier_list[0] if expiring else None),
                status=MemberStatus.FILED if birthday or expiring else rng.choice(_STATES),
                **person,
            )
        )
    return import_members(actor=actor, rows=rows)


def _purchases(actor: User, members: list[Member], rng: random.Random) -> int:
    today = timezone.localdate()
    rows = []
    for m in members:
        if m.status != MemberStatus.FILED:
            continue
        for k in range(rng.randrange(0, 12)):
            day = max(m.registered_on, today - timedelta(days=rng.randrange(1, 730)))
            when = timezone.make_aware(datetime.combine(day, time(rng.randrange(9, 21), 0)))
            amount = Decimal(rng.choice([rng.randrange(30, 500), rng.randrange(500, 6000)]))
            rows.append(
                purchases.PurchaseRow(
                    member_id=m.pk,
                    unit=m.unit,
                    amount=amount + Decimal(rng.randrange(100)) / 100,
                    purchased_at=when,
                    receipt_number=f"{m.unit.code}-{day:%Y%m%d}-{m.pk:06d}{k:02d}",
                )
            )
    for start in range(0, len(rows), PURCHASE_CHUNK):
        purchases.record_purchases(
            actor=actor, rows=rows[start : start + PURCHASE_CHUNK], source="import"
        )
    return len(rows)


@register_demo_step("members", order=220)
def members(ctx: DemoContext) -> dict[str, int]:
    company = ctx.require_company()
    actor = ctx.actor
    assert actor is not None
    fake, rng = ctx.faker("members"), ctx.rng("members")
    stores = [u for u in company.leaves if u.kind == UnitKind.STORE] or company.leaves
    tier_list = _tiers(actor)
    made = _audit_states(actor, stores, fake, rng)
    bulk = _bulk_members(actor, stores, fake, rng, MEMBERS_PER_SCALE * ctx.scale, tier_list)
    bought = _purchases(actor, bulk, rng)
    for m in Member.objects.filter(status=MemberStatus.FILED, points_balance__gte=200).order_by(
        "id"
    )[:5]:
        points.redeem_points(actor=actor, member=m, points=100, reason="兑换购物袋")
    expired = points.expire_points()
    run = greetings.create_birthday_greetings()
    return {
        "member_tiers": len(tier_list),
        "members": made + len(bulk),
        "member_purchases": bought,
        "points_entries": PointsEntry.objects.count(),
        "points_expired": expired,
        "birthday_greetings": run.created,
    }
