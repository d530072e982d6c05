from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from kefu.core.errors import PermissionDenied, ValidationFailed
from kefu.members.errors import DuplicateReceipt, WrongMemberStatus
from kefu.members.models import Member, PointsEntry, Purchase
from kefu.members.services.audit import cancel_member
from kefu.members.services.purchases import PurchaseRow, record_purchase, record_purchases
from kefu.members.services.registration import register_member
from kefu.members.tests.factories import form

SH = ZoneInfo("Asia/Shanghai")


def test_purchase_earns_floor_points_at_tier_rate_and_upgrades_tier(filed, clerk, tiers):
    p = record_purchase(actor=clerk, member=filed, amount=Decimal("4999.99"), receipt_number="R1")
    assert p.points_earned == 4999
    filed.refresh_from_db()
    assert filed.tier == tiers[0]
    record_purchase(actor=clerk, member=filed, amount=Decimal("0.01"))
    filed.refresh_from_db()
    assert filed.tier == tiers[1]  # 银卡 at 5000
    assert filed.lifetime_spend == Decimal("5000.00")
    p3 = record_purchase(actor=clerk, member=filed, amount=Decimal("10.50"))
    assert p3.points_earned == 15  # 10.50 × 1.5 rounded down
    filed.refresh_from_db()
    assert filed.points_balance == 4999 + 0 + 15
    assert list(
        PointsEntry.objects.filter(member=filed).order_by("id").values_list("points", "purchase")
    ) == [(4999, p.pk), (15, p3.pk)]


def test_big_purchase_skips_tiers_and_never_downgrades(filed, clerk, tiers, keeper):
    record_purchase(actor=clerk, member=filed, amount=Decimal("60000"))
    filed.refresh_from_db()
    assert filed.tier == tiers[3]
    tiers[3].min_spend = Decimal("90000")
    tiers[3].save()
    record_purchase(actor=clerk, member=filed, amount=Decimal("1"))
    filed.refresh_from_db()
    assert filed.tier == tiers[3]


def test_bulk_purchases_apply_in_date_order_per_member(org, tiers, clerk, keeper):
    a = register_member(actor=clerk, unit=org.shanghai, **form(1))
    b = register_member(actor=clerk, unit=org.shanghai, **form(2))
    rows = [
        PurchaseRow(a.pk, org.shanghai, Decimal("100"), datetime(2026, 3, 1, tzinfo=SH), "R3"),
        PurchaseRow(a.pk, org.shanghai, Decimal("5000"), datetime(2026, 1, 1, tzinfo=SH), "R1"),
        PurchaseRow(b.pk, org.shanghai, Decimal("20"), datetime(2026, 2, 1, tzinfo=SH), "R2"),
    ]
    made = record_purchases(actor=keeper, rows=rows, source="import")
    assert [p.receipt_number for p in made] == ["R3", "R1", "R2"]
    assert [p.points_earned for p in made] == [150, 5000, 20]  # R3 after the upgrade
    a.refresh_from_db()
    b.refresh_from_db()
    assert (a.points_balance, a.lifetime_spend, a.tier_id) == (5150, Decimal("5100"), tiers[1].pk)
    assert (b.points_balance, b.tier_id) == (20, tiers[0].pk)
    assert list(
        PointsEntry.objects.filter(member=a)
        .order_by("purchase__purchased_at")
        .values_list("balance_after", flat=True)
    ) == [5000, 5150]


def test_duplicate_receipts_are_refused_per_store(org, filed, clerk, keeper):
    record_purchase(actor=clerk, member=filed, amount=Decimal("1"), receipt_number="X1")
    with pytest.raises(DuplicateReceipt) as exc:
        record_purchase(actor=clerk, member=filed, amount=Decimal("2"), receipt_number="X1")
    assert exc.value.details == {"receipt_numbers": ["X1"]}
    same_at_other_store = record_purchase(
        actor=keeper, member=filed, amount=Decimal("2"), receipt_number="X1", unit=org.guangzhou
    )
    assert same_at_other_store.unit == org.guangzhou
    row = PurchaseRow(filed.pk, org.shanghai, Decimal("1"), datetime(2026, 1, 1, tzinfo=SH), "D")
    with pytest.raises(DuplicateReceipt):
        record_purchases(actor=keeper, rows=[row, row])
    assert Purchase.objects.count() == 2


@pytest.mark.parametrize("amount", ["0", "-1", "1.234", "100000000"])
def test_bad_amounts_are_refused(filed, clerk, amount):
    with pytest.raises(ValidationFailed):
        record_purchase(actor=clerk, member=filed, amount=Decimal(amount))
    assert Purchase.objects.count() == 0


def test_other_store_and_cancelled_member_are_refused(filed, gz_clerk, clerk, keeper, org):
    with pytest.raises(PermissionDenied):
        record_purchase(actor=gz_clerk, member=filed, amount=Decimal("1"))
    cancel_member(actor=keeper, member=filed, reason="注销")
    with pytest.raises(WrongMemberStatus):
        record_purchase(actor=clerk, member=filed, amount=Decimal("1"))
    assert Purchase.objects.count() == 0
    assert Member.objects.get(pk=filed.pk).points_balance == 0


def test_bulk_write_uses_a_constant_number_of_queries(
    org, tiers, clerk, keeper, django_assert_max_num_queries
):
    members = [register_member(actor=clerk, unit=org.shanghai, **form(i)) for i in range(1, 21)]
    rows = [
        PurchaseRow(m.pk, org.shanghai, Decimal("10"), datetime(2026, 1, d, tzinfo=SH), f"B{i}{d}")
        for i, m in enumerate(members)
        for d in (1, 2)
    ]
    with django_assert_max_num_queries(16):
        record_purchases(actor=keeper, rows=rows, source="import")
    assert PointsEntry.objects.count() == 40
