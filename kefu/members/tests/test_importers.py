from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.db import transaction
from django.utils import translation

from kefu.core.imports import engine
from kefu.core.imports.registry import ImportContext, RowInvalid, get_importer
from kefu.members.choices import MemberStatus
from kefu.members.importers import MemberImporter, PurchaseImporter
from kefu.members.models import Member, PointsEntry, Purchase
from kefu.members.tests.factories import id_number


@pytest.fixture(autouse=True)
def _english_messages():
    """The assertions below compare the English messages."""
    with translation.override("en"):
        yield


def _ctx(actor, unit, dry_run=False):
    return ImportContext(actor=actor, unit=unit, dry_run=dry_run)


def _member_row(n, **over):
    row = {
        "card_number": f"IMP{n}",
        "name": f"导入{n}",
        "gender": "female",
        "birthday": date(1990, 3, 7),
        "phone": f"139{n:08d}",
        "id_number": id_number(n),
        "address": "上海市黄浦区",
        "email": "",
        "occupation": "",
        "company": "",
        "registered_on": date(2025, 5, 1),
        "expires_on": None,
        "store": "",
        "tier": "",
        "status": "",
        "points": 0,
    }
    row.update(over)
    return row


def test_importers_are_registered():
    assert isinstance(get_importer("members"), MemberImporter)
    assert isinstance(get_importer("purchases"), PurchaseImporter)


def test_member_import_validates_and_writes_in_bulk(org, tiers, keeper, clerk):
    imp = MemberImporter()
    ctx = _ctx(keeper, org.shanghai)
    imp.prepare(ctx)
    rows = [
        imp.validate(_member_row(1, store="S-GZ1", tier="金卡", points=300), ctx),
        imp.validate(_member_row(2, id_number="", address=""), ctx),
    ]
    with pytest.raises(RowInvalid) as exc:
        imp.validate(_member_row(3, card_number="IMP1"), ctx)
    assert "card_number" in exc.value.errors
    with pytest.raises(RowInvalid) as exc:
        imp.validate(_member_row(4, store="nowhere", tier="铂金"), ctx)
    assert set(exc.value.errors) == {"store", "tier"}
    assert imp.check_batch(rows, ctx) == {}
    assert imp.write(rows, ctx) == {"created": 2}
    a, b = Member.objects.order_by("card_number")
    assert (a.unit, a.tier_id, a.status, a.points_balance) == (
        org.guangzhou,
        tiers[2].pk,
        MemberStatus.FILED,
        300,
    )
    assert a.expires_on == date(2027, 5, 1)  # gold: 24 months
    assert (b.status, b.missing_fields) == (MemberStatus.PENDING, ["id_number", "address"])
    assert PointsEntry.objects.get().remaining == 300
    again = [_member_row(1)]
    assert imp.check_batch(again, ctx) == {
        0: {"card_number": "This card number is already registered."}
    }


def test_member_import_denied_for_a_store_clerk(org, tiers, clerk):
    imp = MemberImporter()
    ctx = _ctx(clerk, org.shanghai)
    imp.prepare(ctx)
    assert ctx.data["stores"] == {}


def test_purchase_import_checks_cards_and_receipts_then_records(org, filed, keeper, tiers):
    imp = PurchaseImporter()
    ctx = _ctx(keeper, org.shanghai)
    imp.prepare(ctx)
    from kefu.members.importers import _when

    rows = [
        imp.validate(
            {
                "card_number": filed.card_number,
                "purchased_at": _when("2026-01-02"),
                "amount": Decimal("5000"),
                "receipt_number": "R1",
                "store": "",
                "items": "",
                "notes": "",
            },
            ctx,
        ),
        imp.validate(
            {
                "card_number": filed.card_number,
                "purchased_at": _when("2026-01-03"),
                "amount": Decimal("100"),
                "receipt_number": "R2",
                "store": "上海一店",
                "items": "",
                "notes": "",
            },
            ctx,
        ),
        imp.validate(
            {
                "card_number": "NOPE",
                "purchased_at": _when("2026-01-03"),
                "amount": Decimal("1"),
                "receipt_number": "",
                "store": "",
                "items": "",
                "notes": "",
            },
            ctx,
        ),
    ]
    with pytest.raises(RowInvalid):
        imp.validate(
            {
                "card_number": filed.card_number,
                "purchased_at": _when("2026-01-03"),
                "amount": Decimal("1"),
                "receipt_number": "R1",
                "store": "",
                "items": "",
                "notes": "",
            },
            ctx,
        )
    failed = imp.check_batch(rows, ctx)
    assert failed == {2: {"card_number": "No member with this card number."}}
    assert imp.write(rows[:2], ctx) == {"created": 2, "points": 5150}
    filed.refresh_from_db()
    assert (filed.tier_id, filed.points_balance) == (tiers[1].pk, 5150)
    assert imp.check_batch(rows[:1], ctx) == {
        0: {"receipt_number": "This receipt is already recorded."}
    }


MEMBERS_CSV = """会员卡号,姓名,性别,出生日期,手机号码,身份证号,地址,入会日期,门店,会员等级
C001,王芳,女,1988-02-29,138 0013 8001,{id1},上海市徐汇区,2025-01-10,上海一店,银卡
C002,李强,男,1979/12/01,13800138002,,,2025-02-11,S-GZ1,
C003,赵六,X,1979/12/01,13800138003,,,2025-02-11,,
"""
PURCHASES_CSV = """会员卡号,购买日期,金额,小票号,门店
C001,2026-01-05,¥1200.50,A-1,上海一店
C001,2026-01-06,80,A-2,上海一店
C002,2026-01-07,15.5,B-1,广州一店
"""


def test_imports_through_the_engine(org, tiers, keeper, tmp_path):
    path = tmp_path / "members.csv"
    path.write_text(MEMBERS_CSV.format(id1=id_number(1, date(1988, 2, 29))), encoding="utf-8")
    ctx = _ctx(keeper, org.shanghai, dry_run=True)
    dry = engine.run(MemberImporter(), path=str(path), filename="m.csv", ctx=ctx)
    assert (dry.total_rows, dry.valid_rows, dry.error_rows) == (3, 2, 1)
    assert dry.errors[0]["column"] == "性别"
    with transaction.atomic():
        ctx = _ctx(keeper, org.shanghai)
        result = engine.run(
            MemberImporter(),
            path=str(path),
            filename="m.csv",
            ctx=ctx,
            write=True,
            valid_only=True,
        )
    assert result.counts == {"created": 2}
    assert Member.objects.get(card_number="C001").status == MemberStatus.FILED
    assert Member.objects.get(card_number="C002").status == MemberStatus.PENDING

    path = tmp_path / "purchases.csv"
    path.write_text(PURCHASES_CSV, encoding="utf-8")
    with transaction.atomic():
        result = engine.run(
            PurchaseImporter(),
            path=str(path),
            filename="p.csv",
            ctx=_ctx(keeper, org.shanghai),
            write=True,
        )
    assert result.counts == {"created": 3, "points": 1800 + 120 + 15}
    assert Purchase.objects.count() == 3
    # importing the same file again is refused row by row (receipts already recorded)
    again = engine.run(
        PurchaseImporter(),
        path=str(path),
        filename="p.csv",
        ctx=_ctx(keeper, org.shanghai, dry_run=True),
    )
    assert again.error_rows == 3
