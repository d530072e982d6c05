"""The members demo step: tiers, every audit state, purchases with points, expiring
members and today's birthdays."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth.hashers import make_password
from django.db.models import Sum

from kefu.core.demo.registry import run_demo
from kefu.members.choices import MemberStatus, PointsKind
from kefu.members.models import Greeting, Member, MemberTier, PointsEntry, Purchase

NOW = datetime(2026, 11, 23, 15, 30, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture
def demo(db: Any) -> Any:
    with time_machine.travel(NOW, tick=False):
        ctx = run_demo(seed=1, scale=1, password_hash=make_password("x"))
        yield ctx


def test_demo_members(demo: Any) -> None:
    assert list(MemberTier.objects.values_list("name", flat=True)) == [
        "普通",
        "银卡",
        "金卡",
        "钻石",
    ]
    statuses = set(Member.objects.values_list("status", flat=True))
    assert statuses == set(MemberStatus.values)
    assert Member.objects.filter(status=MemberStatus.RETURNED).exclude(missing_fields=[]).exists()
    assert Purchase.objects.count() == demo.counts["member_purchases"] > 50
    assert PointsEntry.objects.filter(kind=PointsKind.REDEEM).exists()
    today = NOW.date()
    assert Member.objects.filter(
        status=MemberStatus.FILED, expires_on__range=(today, today + timedelta(days=30))
    ).exists()
    assert Greeting.objects.filter(on_date=today).count() == demo.counts["birthday_greetings"] > 0
    assert Greeting.objects.filter(on_date=today, call=True).exists()  # top tier: a call
    # every balance equals the open lots' remaining points
    for m in Member.objects.filter(points_balance__gt=0)[:20]:
        lots = PointsEntry.objects.filter(member=m, remaining__gt=0).aggregate(s=Sum("remaining"))
        assert lots["s"] == m.points_balance
