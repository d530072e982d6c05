"""Importing the member register (会员登记表) and member purchases (购买记录) from the
stores' spreadsheets. Headers as on the handbook's forms; English keys are accepted too.
Both write through the members services (`import_members`, `record_purchases`)."""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kefu.core.imports import parsers
from kefu.core.imports.registry import (
    CellInvalid,
    Column,
    ImportContext,
    Importer,
    RowInvalid,
    register,
)
from kefu.core.models import OrgUnit
from kefu.core.permissions import Perm
from kefu.core.selectors.scope import restrict_to_scope, scope_for
from kefu.members.choices import Gender, MemberStatus, PurchaseSource
from kefu.members.models import Member, MemberTier, Purchase
from kefu.members.services.bulk import MemberRow, import_members
from kefu.members.services.customer_link import normalize_phone
from kefu.members.services.purchases import PurchaseRow, record_purchases
from kefu.members.services.validation import id_number_ok, mobile_ok

_GENDERS = {
    "男": Gender.MALE,
    "male": Gender.MALE,
    "m": Gender.MALE,
    "女": Gender.FEMALE,
    "female": Gender.FEMALE,
    "f": Gender.FEMALE,
}
_STATUSES = {
    "待审核": MemberStatus.PENDING,
    "退回补充": MemberStatus.RETURNED,
    "已建档": MemberStatus.FILED,
    "已注销": MemberStatus.CANCELLED,
    **{s: s for s in MemberStatus.values},
}


def _gender(value: Any) -> str:
    raw = parsers.text(value).lower()
    if not raw:
        return ""
    if raw not in _GENDERS:
        raise CellInvalid(_("Write 男 or 女."))
    return _GENDERS[raw]


def _status(value: Any) -> str:
    raw = parsers.text(value)
    if raw and raw not in _STATUSES:
        raise CellInvalid(_("Write 待审核, 退回补充, 已建档 or 已注销."))
    return _STATUSES.get(raw, "")


def _mobile(value: Any) -> str:
    number = normalize_phone(parsers.text(value))
    if not mobile_ok(number):
        raise CellInvalid(_("Enter an 11-digit mobile number."))
    return number


def _id_number(value: Any) -> str:
    raw = parsers.text(value).upper()
    if raw and not id_number_ok(raw):
        raise CellInvalid(_("Not a valid 18-character ID number."))
    return raw


def _points(value: Any) -> int:
    number = parsers.integer(value) or 0
    if not 0 <= number <= 10_000_000:
        raise CellInvalid(_("Enter a whole number from 0."))
    return number


def _when(value: Any) -> datetime:
    """A date or date-time cell as an aware date-time (a plain date: noon that day)."""
    if isinstance(value, datetime):
        return value if timezone.is_aware(value) else timezone.make_aware(value)
    day = parsers.date(value)
    if day is None:
        raise CellInvalid(_("Enter the date of purchase."))
    return timezone.make_aware(datetime.combine(day, time(12, 0)))


def _amount(value: Any) -> Decimal:
    number = parsers.decimal(value)
    if number is None or not Decimal(0) < number < Decimal(100_000_000):
        raise CellInvalid(_("Enter an amount above zero."))
    if number != number.quantize(Decimal("0.01")):
        raise CellInvalid(_("At most two decimal places."))
    return number


def _stores(ctx: ImportContext, perm: Perm) -> dict[str, OrgUnit]:
    """Units the actor may import into, by name and by code (case-folded)."""
    scope = scope_for(ctx.actor)
    out: dict[str, OrgUnit] = {}
    for unit in OrgUnit.objects.filter(scope.units_q(), is_active=True):
        if perm in scope.perms_at(unit.path):
            out.setdefault(unit.name.casefold(), unit)
            out[unit.code.casefold()] = unit
    return out


def _store(row: dict[str, Any], ctx: ImportContext, errors: dict[str, str]) -> OrgUnit | None:
    if row.get("store"):
        unit = ctx.data["stores"].get(row["store"].casefold())
        if unit is None:
            errors["store"] = _("Unknown store, or not one you may import into.")
        return unit  # type: ignore[no-any-return]
    if ctx.unit is None:
        errors["store"] = _("Name the store.")
    return ctx.unit


class MemberImporter(Importer):
    key = "members"
    label = gettext_lazy("Members (会员登记表)")
    perm = Perm.MANAGE_MEMBERS
    object_type = "members.member"
    personal_fields = ("phone", "id_number", "address", "birthday", "name")
    batch_size = 2000
    columns = (
        Column(
            "card_number",
            "会员卡号",
            ("卡号", "card_number", "card"),
            True,
            parsers.max_length(32),
            "202611000001",
        ),
        Column("name", "姓名", ("会员姓名", "name"), True, parsers.max_length(100), "张三"),
        Column("gender", "性别", ("gender", "sex"), False, _gender, "女"),
        Column("birthday", "出生日期", ("生日", "birthday"), False, parsers.date, "1990-03-07"),
        Column(
            "phone", "手机号码", ("手机", "电话", "phone", "mobile"), True, _mobile, "13800138000"
        ),
        Column("id_number", "身份证号", ("身份证号码", "证件号码", "id_number"), False, _id_number),
        Column("address", "地址", ("住址", "联系地址", "address"), False, parsers.max_length(300)),
        Column("email", "电子邮箱", ("邮箱", "email"), False, parsers.max_length(254)),
        Column("occupation", "职业", ("occupation",), False, parsers.max_length(100)),
        Column("company", "工作单位", ("单位", "company"), False, parsers.max_length(200)),
        Column(
            "registered_on",
            "入会日期",
            ("登记日期", "registered_on"),
            False,
            parsers.date,
            "2025-05-01",
        ),
        Column("expires_on", "到期日期", ("有效期至", "expires_on"), False, parsers.date),
        Column(
            "store",
            "门店",
            ("登记门店", "store", "unit"),
            False,
            parsers.max_length(100),
            "上海一店",
            gettext_lazy("Store name or code; empty: the unit chosen on upload."),
        ),
        Column("tier", "会员等级", ("等级", "tier"), False, parsers.max_length(40), "普通"),
        Column(
            "status",
            "状态",
            ("审核状态", "status"),
            False,
            _status,
            "已建档",
            gettext_lazy("Empty: filed when complete, else pending audit."),
        ),
        Column("points", "积分余额", ("积分", "points"), False, _points, "0"),
    )

    def prepare(self, ctx: ImportContext) -> None:
        ctx.data["stores"] = _stores(ctx, self.perm)
        tiers: dict[str, MemberTier] = {}
        for tier in MemberTier.objects.filter(is_active=True):
            tiers[tier.name.casefold()] = tier
            tiers[tier.code.casefold()] = tier
        ctx.data["tiers"] = tiers
        ctx.data["cards"] = {}  # card number → first row in the file

    def validate(self, row: dict[str, Any], ctx: ImportContext) -> dict[str, Any]:
        errors: dict[str, str] = {}
        row["unit"] = _store(row, ctx, errors)
        row["tier_obj"] = None
        if row.get("tier"):
            row["tier_obj"] = ctx.data["tiers"].get(row["tier"].casefold())
            if row["tier_obj"] is None:
                errors["tier"] = _("Unknown tier.")
        if (
            row["birthday"] is not None
            and not date(1900, 1, 1) <= row["birthday"] <= timezone.localdate()
        ):
            errors["birthday"] = _("Enter a date of birth in the past.")
        first = ctx.data["cards"].get(row["card_number"])
        if first is not None:
            errors["card_number"] = _("Already in row %(row)s of this file.") % {"row": first}
        if errors:
            raise RowInvalid(errors)
        ctx.data["cards"][row["card_number"]] = ctx.row
        return row

    def check_batch(
        self, rows: list[dict[str, Any]], ctx: ImportContext
    ) -> dict[int, dict[str, str]]:
        taken = set(
            Member.objects.filter(card_number__in=[r["card_number"] for r in rows]).values_list(
                "card_number", flat=True
            )
        )
        return {
            i: {"card_number": _("This card number is already registered.")}
            for i, r in enumerate(rows)
            if r["card_number"] in taken
        }

    def write(self, rows: list[dict[str, Any]], ctx: ImportContext) -> dict[str, int]:
        members = import_members(
            actor=ctx.actor,
            rows=[
                MemberRow(
                    unit=r["unit"],
                    card_number=r["card_number"],
                    name=r["name"],
                    phone=r["phone"],
                    gender=r["gender"],
                    birthday=r["birthday"],
                    id_number=r["id_number"],
                    address=r["address"],
                    email=r["email"],
                    occupation=r["occupation"],
                    company=r["company"],
                    registered_on=r["registered_on"],
                    expires_on=r["expires_on"],
                    tier=r["tier_obj"],
                    status=r["status"],
                    points=r["points"],
                )
                for r in rows
            ],
        )
        return {"created": len(members)}


class PurchaseImporter(Importer):
    key = "purchases"
    label = gettext_lazy("Member purchases (购买记录)")
    perm = Perm.MANAGE_MEMBERS
    object_type = "members.purchase"
    batch_size = 5000
    columns = (
        Column(
            "card_number",
            "会员卡号",
            ("卡号", "card_number", "card"),
            True,
            parsers.max_length(32),
            "202611000001",
        ),
        Column(
            "purchased_at",
            "购买日期",
            ("消费日期", "日期", "purchased_at", "date"),
            True,
            _when,
            "2026-03-15",
        ),
        Column("amount", "金额", ("消费金额", "amount"), True, _amount, "288.00"),
        Column(
            "receipt_number",
            "小票号",
            ("小票号码", "单号", "receipt_number", "receipt"),
            False,
            parsers.max_length(64),
            "SH1-20260315-0012",
            gettext_lazy("Unique per store: a receipt already imported is refused."),
        ),
        Column(
            "store",
            "门店",
            ("消费门店", "store", "unit"),
            False,
            parsers.max_length(100),
            "上海一店",
            gettext_lazy("Store name or code; empty: the unit chosen on upload."),
        ),
        Column("items", "商品", ("商品明细", "items"), False, parsers.max_length(2000)),
        Column("notes", "备注", ("notes",), False, parsers.max_length(300)),
    )

    def prepare(self, ctx: ImportContext) -> None:
        ctx.data["stores"] = _stores(ctx, self.perm)
        ctx.data["receipts"] = {}  # (store id, receipt) → first row

    def validate(self, row: dict[str, Any], ctx: ImportContext) -> dict[str, Any]:
        errors: dict[str, str] = {}
        row["unit"] = _store(row, ctx, errors)
        if row["purchased_at"] > timezone.now():
            errors["purchased_at"] = _("The purchase date lies in the future.")
        key = (row["unit"].pk if row["unit"] else 0, row["receipt_number"])
        if row["receipt_number"] and key in ctx.data["receipts"]:
            errors["receipt_number"] = _("Already in row %(row)s of this file.") % {
                "row": ctx.data["receipts"][key]
            }
        if errors:
            raise RowInvalid(errors)
        if row["receipt_number"]:
            ctx.data["receipts"][key] = ctx.row
        return row

    def check_batch(
        self, rows: list[dict[str, Any]], ctx: ImportContext
    ) -> dict[int, dict[str, str]]:
        members = dict(
            restrict_to_scope(Member.objects.all(), ctx.actor)
            .filter(card_number__in={r["card_number"] for r in rows})
            .exclude(status=MemberStatus.CANCELLED)
            .values_list("card_number", "pk")
        )
        receipts = [r["receipt_number"] for r in rows if r["receipt_number"]]
        taken = (
            set(
                Purchase.objects.filter(
                    unit_id__in={r["unit"].pk for r in rows}, receipt_number__in=receipts
                ).values_list("unit_id", "receipt_number")
            )
            if receipts
            else set()
        )
        failed: dict[int, dict[str, str]] = {}
        for i, r in enumerate(rows):
            r["member_id"] = members.get(r["card_number"])
            if r["member_id"] is None:
                failed[i] = {"card_number": _("No member with this card number.")}
            elif (r["unit"].pk, r["receipt_number"]) in taken:
                failed[i] = {"receipt_number": _("This receipt is already recorded.")}
        return failed

    def write(self, rows: list[dict[str, Any]], ctx: ImportContext) -> dict[str, int]:
        made = record_purchases(
            actor=ctx.actor,
            rows=[
                PurchaseRow(
                    member_id=r["member_id"],
                    unit=r["unit"],
                    amount=r["amount"],
                    purchased_at=r["purchased_at"],
                    receipt_number=r["receipt_number"],
                    items=r["items"],
                    notes=r["notes"],
                )
                for r in rows
            ],
            source=PurchaseSource.IMPORT,
        )
        return {"created": len(made), "points": sum(p.points_earned for p in made)}


register(MemberImporter())
register(PurchaseImporter())
