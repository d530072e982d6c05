"""Importing the customer register (客户档案) from a spreadsheet.

Columns as in the handbook's 客户档案 form; see `COLUMNS`. A row's phones must be new: the
same phone twice in the file is an error on the later row, and a phone already in the
archive is an error naming the existing customer (merge there instead of importing twice).

The address goes into the customer's address field (as `create_customer` does), from 地址 or
from 省份 + 城市 + 详细地址. `write` is the hot path of a million-row import: on PostgreSQL
customers, phones and tag links go in with COPY (customer ids reserved beforehand with one
`nextval … generate_series` query per batch, so the child rows can point at them); on
SQLite with bulk_create (which returns the ids).
"""

from __future__ import annotations

from operator import itemgetter
from typing import Any

from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kefu.core.imports import parsers
from kefu.core.imports.registry import Column, ImportContext, Importer, RowInvalid, register
from kefu.core.permissions import Perm
from kefu.core.selectors.scope import scope_for
from kefu.customers.import_cells import (
    COMPANY,
    COMPANY_HINTS,
    PERSON,
    max_length,
    parse_credit_level,
    parse_credit_score,
    parse_email,
    parse_grade,
    parse_kind,
    parse_phones,
    parse_source,
    parse_tags,
)
from kefu.customers.import_sql import (
    CUSTOMER_COLUMNS,
    copy_rows,
    customer_tuples,
    existing_phones,
    insert,
    reserve_ids,
    tune_transaction,
)
from kefu.customers.models import Customer, CustomerPhone, CustomerTag, Tag
from kefu.customers.names import name_key

COLUMNS = (
    Column(
        "name",
        "客户名称",
        aliases=("名称", "客户", "姓名"),
        required=True,
        parse=max_length(200),
        example="深圳市华南电器有限公司",
        help=gettext_lazy("Person or company name, at most 200 characters."),
    ),
    Column(
        "kind",
        "客户类型",
        aliases=("类型", "kind"),
        parse=parse_kind,
        example="企业",
        help=gettext_lazy("个人 or 企业; empty: guessed from the name."),
    ),
    Column(
        "phones",
        "手机/电话",
        aliases=("手机", "电话", "联系电话", "phone", "phones"),
        parse=parse_phones,
        example="13812345678，0755-26543210",
        help=gettext_lazy("One or more numbers separated by ，; or spaces."),
    ),
    Column(
        "id_number",
        "证件号码/税号",
        aliases=("证件号码", "身份证号", "税号", "id number"),
        parse=max_length(40),
        example="91440300MA5XXXXXX1",
        help=gettext_lazy("ID card number of a person or tax number of a company."),
    ),
    Column(
        "address",
        "地址",
        aliases=("联系地址", "address"),
        parse=max_length(300),
        example="广东省深圳市南山区科技园南区1号",
        help=gettext_lazy("Province, city and street in one text."),
    ),
    Column(
        "province",
        "省份",
        aliases=("省",),
        parse=max_length(40),
        help=gettext_lazy("Instead of 地址: province, city and street in three columns."),
    ),
    Column(
        "city",
        "城市",
        aliases=("市",),
        parse=max_length(40),
        help=gettext_lazy("Instead of 地址: province, city and street in three columns."),
    ),
    Column(
        "detail",
        "详细地址",
        aliases=("街道地址",),
        parse=max_length(300),
        help=gettext_lazy("Instead of 地址: province, city and street in three columns."),
    ),
    Column(
        "grade",
        "等级",
        aliases=("客户等级", "grade"),
        parse=parse_grade,
        example="B",
        help=gettext_lazy("A, B, C or D; empty: C."),
    ),
    Column(
        "is_key_account",
        "大客户",
        aliases=("是否大客户", "key account"),
        parse=parsers.yes_no,
        example="否",
        help=gettext_lazy("是 or 否."),
    ),
    Column(
        "credit_level",
        "信用等级",
        aliases=("信用评级", "credit"),
        parse=parse_credit_level,
        example="AA",
        help=gettext_lazy("AAA, AA, A, B or C; may be empty."),
    ),
    Column(
        "credit_score",
        "信用分",
        aliases=("信用分数", "credit score"),
        parse=parse_credit_score,
        example="85",
        help=gettext_lazy("A whole number from 0 to 1000; may be empty."),
    ),
    Column(
        "source",
        "来源",
        aliases=("客户来源", "source"),
        parse=parse_source,
        example="门店",
        help=gettext_lazy("门店, 电话, 网站, 邮件, 推荐 or 其他; empty: 导入."),
    ),
    Column(
        "unit",
        "所属单位",
        aliases=("单位", "门店", "unit"),
        parse=parsers.text,
        example="",
        help=gettext_lazy("Unit name or code; empty: the unit chosen when uploading."),
    ),
    Column(
        "tags",
        "标签",
        aliases=("tags",),
        parse=parse_tags,
        example="VIP，老客户",
        help=gettext_lazy("Tags separated by commas."),
    ),
    Column(
        "email",
        "邮箱",
        aliases=("电子邮箱", "email"),
        parse=parse_email,
        example="service@example.com",
        help=gettext_lazy("E-mail address; may be empty."),
    ),
    Column(
        "notes",
        "备注",
        aliases=("notes",),
        parse=parsers.text,
        example="",
        help=gettext_lazy("Free text."),
    ),
)


class CustomerImporter(Importer):
    key = "customers"
    label = gettext_lazy("Customers")
    perm = Perm.EDIT_CUSTOMERS
    columns = COLUMNS
    batch_size = 20000
    object_type = "customers.customer"
    personal_fields = ("name", "phones", "id_number", "address", "email")
    reuse_checked_rows = True  # validate() reads only the row and prepare(); phones: check_batch

    def prepare(self, ctx: ImportContext) -> None:
        from kefu.core.models import OrgUnit

        scope = scope_for(ctx.actor)
        units: dict[str, int] = {}
        for pk, code, name, path in OrgUnit.objects.filter(
            scope.units_q(), is_active=True
        ).values_list("pk", "code", "name", "path"):
            if Perm.EDIT_CUSTOMERS in scope.perms_at(path):
                units.setdefault(name.casefold(), pk)
                units[code.casefold()] = pk
        ctx.data["units"] = units
        ctx.data["seen"] = {}  # phone → first row number

    def validate(self, row: dict[str, Any], ctx: ImportContext) -> dict[str, Any]:
        errors: dict[str, str] = {}
        if row["unit"]:
            unit_id = ctx.data["units"].get(row["unit"].casefold())
            if unit_id is None:
                errors["unit"] = _("Unknown unit, or not one you may import into.")
            row["unit_id"] = unit_id
        else:
            row["unit_id"] = ctx.unit.pk if ctx.unit is not None else None
        parts = (row.pop("province"), row.pop("city"), row.pop("detail"))
        if not row["address"] and any(parts):
            row["address"] = "".join(parts)
            if len(row["address"]) > 300:
                errors["detail"] = _("At most %(n)d characters.") % {"n": 300}
        seen: dict[str, int] = ctx.data["seen"]
        for number in row["phones"]:
            first = seen.get(number)
            if first is not None:
                errors["phones"] = _("%(phone)s is already in row %(row)s of this file.") % {
                    "phone": number,
                    "row": first,
                }
                break
        if errors:
            raise RowInvalid(errors)
        for number in row["phones"]:
            seen[number] = ctx.row
        name = row["name"]
        kind = row["kind"] or (COMPANY if any(h in name for h in COMPANY_HINTS) else PERSON)
        row["kind"] = kind
        row["name_key"] = name_key(name, kind)
        return row

    def check_batch(
        self, rows: list[dict[str, Any]], ctx: ImportContext
    ) -> dict[int, dict[str, str]]:
        existing = existing_phones(sorted({n for row in rows for n in row["phones"]}))
        if not existing:
            return {}
        failed: dict[int, dict[str, str]] = {}
        for i, row in enumerate(rows):
            for number in row["phones"]:
                if number in existing:
                    failed[i] = {
                        "phones": _(
                            "%(phone)s belongs to customer #%(id)s already; "
                            "merge into that customer instead."
                        )
                        % {"phone": number, "id": existing[number]}
                    }
                    break
        return failed

    def write(self, rows: list[dict[str, Any]], ctx: ImportContext) -> dict[str, int]:
        tag_ids = self._tag_ids({t for row in rows for t in row["tags"]}, ctx)
        now = timezone.now()
        if connection.vendor == "postgresql":
            # in name order, the name indexes take the batch in a few sweeps instead of 20,000
            # random descents (much less buffer churn once they outgrow shared_buffers)
            rows = sorted(rows, key=itemgetter("name"))
            if not ctx.data.get("tuned"):
                tune_transaction()
                ctx.data["tuned"] = True
            ids = reserve_ids(len(rows))
            copy_rows("customers_customer", CUSTOMER_COLUMNS, customer_tuples(rows, ids, now))
        else:
            objs = Customer.objects.bulk_create(
                [
                    Customer(**dict(zip(CUSTOMER_COLUMNS[3:], t[3:], strict=True)))
                    for t in customer_tuples(rows, [0] * len(rows), now)
                ],
                batch_size=1000,
            )
            ids = [c.pk for c in objs]
        phones = [
            (cid, n, "", i == 0)
            for cid, row in zip(ids, rows, strict=True)
            for i, n in enumerate(row["phones"])
        ]
        links = [(cid, tag_ids[t]) for cid, row in zip(ids, rows, strict=True) for t in row["tags"]]
        phones.sort(key=itemgetter(1))  # number order, for the number indexes
        insert(CustomerPhone, ("customer_id", "number", "label", "is_primary"), phones)
        insert(CustomerTag, ("customer_id", "tag_id"), links)
        return {
            "customers": len(rows),
            "phones": len(phones),
            "tags": len(links),
        }

    def _tag_ids(self, names: set[str], ctx: ImportContext) -> dict[str, int]:
        known: dict[str, int] = ctx.data.setdefault("tag_ids", {})
        missing = names - known.keys()
        if missing:
            known.update(Tag.objects.filter(name__in=missing).values_list("name", "pk"))
            new = missing - known.keys()
            if new:
                Tag.objects.bulk_create([Tag(name=n) for n in sorted(new)])
                known.update(Tag.objects.filter(name__in=new).values_list("name", "pk"))
        return known


register(CustomerImporter())
