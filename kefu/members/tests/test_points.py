from __future__ import annotations

import threading
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.db import connection, connections

from kefu.core.errors import PermissionDenied, ValidationFailed
from kefu.members.choices import PointsKind
from kefu.members.errors import InsufficientPoints, WrongMemberStatus
from kefu.members.models import Member, PointsEntry
from kefu.members.services.points import adjust_points, expire_points, redeem_points
from kefu.members.services.purchases import record_purchase
from kefu.members.services.registration import register_member
from kefu.members.tests.factories import form

SH = ZoneInfo("Asia/Shanghai")


def _buy(actor, member, amount, when):
    return record_purchase(
        actor=actor, member=member, amount=Decimal(amount), purchased_at=when.replace(tzinfo=SH)
    )


def _ledger(member):
    return list(
        PointsEntry.objects.filter(member=member)
        .order_by("id")
        .values_list("kind", "points", "balance_after", "remaining")
    )


def test_redeem_consumes_oldest_lots_first_and_never_goes_negative(filed, clerk):
    _buy(clerk, filed, "100.90", datetime(2026, 1, 5, 10))  # 100 points
    _buy(clerk, filed, "50", datetime(2026, 3, 5, 10))
    change = redeem_points(actor=clerk, member=filed, points=120, reason="兑换礼品")
    assert change.member.points_balance == 30
    assert _ledger(filed) == [
        ("earn", 100, 100, 0),
        ("earn", 50, 150, 30),
        ("redeem", -120, 30, None),
    ]
    with pytest.raises(InsufficientPoints) as exc:
        redeem_points(actor=clerk, member=filed, points=31)
    assert exc.value.status_code == 409
    assert exc.value.details == {"balance": 30, "requested": 31}
    filed.refresh_from_db()
    assert filed.points_balance == 30
    assert PointsEntry.objects.filter(member=filed).count() == 3


@pytest.mark.parametrize("points", [0, -5, 10**9])
def test_redeem_refuses_bad_amounts(filed, clerk, points):
    with pytest.raises(ValidationFailed):
        redeem_points(actor=clerk, member=filed, points=points)


def test_pending_member_cannot_redeem(org, tiers, clerk):
    member = register_member(actor=clerk, unit=org.shanghai, **form(5))
    _buy(clerk, member, "10", datetime(2026, 1, 5, 10))
    with pytest.raises(WrongMemberStatus):
        redeem_points(actor=clerk, member=member, points=1)


def test_other_store_cannot_redeem(filed, gz_clerk):
    with pytest.raises(PermissionDenied):
        redeem_points(actor=gz_clerk, member=filed, points=1)


def test_adjust_needs_manager_and_reason_and_respects_zero(filed, clerk, keeper):
    with pytest.raises(PermissionDenied):
        adjust_points(actor=clerk, member=filed, points=10, reason="补录")
    with pytest.raises(ValidationFailed):
        adjust_points(actor=keeper, member=filed, points=10, reason="")
    up = adjust_points(actor=keeper, member=filed, points=10, reason="活动补发")
    assert (up.entry.kind, up.entry.remaining, up.member.points_balance) == ("adjust", 10, 10)
    with pytest.raises(InsufficientPoints):
        adjust_points(actor=keeper, member=filed, points=-11, reason="更正")
    down = adjust_points(actor=keeper, member=filed, points=-4, reason="更正")
    assert down.member.points_balance == 6
    up.entry.refresh_from_db()
    assert up.entry.remaining == 6


def test_expiry_is_fifo_and_idempotent(filed, clerk, settings):
    settings.KEFU_MEMBER_POINTS_VALID_MONTHS = 12
    _buy(clerk, filed, "100", datetime(2025, 1, 10, 10))  # valid until 2026-01-10
    _buy(clerk, filed, "40", datetime(2025, 2, 10, 10))  # until 2026-02-10
    _buy(clerk, filed, "7", datetime(2025, 6, 1, 10))  # until 2026-06-01
    redeem_points(actor=clerk, member=filed, points=110)  # lot 1 empty, lot 2 left 30
    assert expire_points(today=date(2026, 1, 11)) == 0  # lot 1 has nothing left
    assert expire_points(today=date(2026, 2, 10)) == 0  # valid through its date
    assert expire_points(today=date(2026, 2, 11)) == 1
    assert expire_points(today=date(2026, 2, 11)) == 0
    filed.refresh_from_db()
    assert filed.points_balance == 7
    expiry = PointsEntry.objects.get(kind=PointsKind.EXPIRE)
    assert expiry.lot is not None
    assert (expiry.points, expiry.balance_after, expiry.lot.points) == (-30, 7, 40)
    assert expire_points(today=date(2026, 7, 1)) == 1
    filed.refresh_from_db()
    assert filed.points_balance == 0


def test_expiry_handles_many_members_in_batches(org, tiers, clerk, keeper, settings):
    settings.KEFU_MEMBER_POINTS_VALID_MONTHS = 1
    members = [register_member(actor=clerk, unit=org.shanghai, **form(i)) for i in range(1, 6)]
    for m in members:
        _buy(clerk, m, "10", datetime(2025, 1, 1, 10))
    assert expire_points(today=date(2025, 3, 1), batch_size=2) == 5
    assert set(Member.objects.values_list("points_balance", flat=True)) == {0}


def test_balance_constraint_holds_in_the_database(filed):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Member.objects.filter(pk=filed.pk).update(points_balance=-1)


@pytest.mark.django_db(transaction=True)
def test_concurrent_redeems_never_overdraw(org, tiers, clerk, keeper):
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL")
    from kefu.members.services.audit import file_member

    member = file_member(
        actor=keeper, member=register_member(actor=clerk, unit=org.shanghai, **form(1))
    )
    _buy(clerk, member, "100", datetime.now(SH) - timedelta(days=1))
    results: list[str] = []
    barrier = threading.Barrier(5)

    def spend() -> None:
        try:
            barrier.wait()
            redeem_points(actor=clerk, member=member, points=30)
            results.append("ok")
        except InsufficientPoints:
            results.append("refused")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=spend) for _ in range(5)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    member.refresh_from_db()
    assert sorted(results) == ["ok", "ok", "ok", "refused", "refused"]
    assert member.points_balance == 10
