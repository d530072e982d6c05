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

import re
from collections.abc import Iterable, Sequence
from datetime import datetime
from operator import itemgetter
from typing import Any

from django.db import connection
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
from kefu.core.permissions import Perm
from kefu.core.selectors.scope import scope_for
from kefu.customers.choices import CreditLevel, CustomerKind, Grade, Source
from kefu.customers.models import Customer, CustomerPhone, CustomerTag, Tag
from kefu.customers.names import name_key
from kefu.customers.services import normalize_phone

_SPLIT_PHONES = re.compile(r"[，,;；、/]+")
_SPACES = re.compile(r"\s+")
_SPLIT_TAGS = re.compile(r"[，,;；、]+")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_COMPANY_HINTS = ("公司", "集团", "厂", "商行", "经营部", "中心", "事务所", "门店", "研究院")
_KINDS = {
    "个人": CustomerKind.PERSON,
    "person": CustomerKind.PERSON,
    "企业": CustomerKind.COMPANY,
    "公司": CustomerKind.COMPANY,
    "单位": CustomerKind.COMPANY,
    "company": CustomerKind.COMPANY,
}
_SOURCE_NAMES = {
    "门店": Source.STORE,
    "店铺": Source.STORE,
    "电话": Source.PHONE,
    "热线": Source.PHONE,
    "网站": Source.WEB,
    "网络": Source.WEB,
    "线上": Source.WEB,
    "邮件": Source.EMAIL,
    "导入": Source.IMPORT,
    "推荐": Source.REFERRAL,
    "转介绍": Source.REFERRAL,
    "其他": Source.OTHER,
}
_SOURCES: dict[str, str] = {
    **{s.value: s.value for s in Source},
    **{k: v.value for k, v in _SOURCE_NAMES.items()},
}
_GRADES = frozenset(Grade.values)
_CREDIT_LEVELS = frozenset(CreditLevel.values)
_GRADE_DEFAULT = Grade.C.value
_SOURCE_DEFAULT = Source.IMPORT.value
_PERSON = CustomerKind.PERSON.value
_COMPANY = CustomerKind.COMPANY.value


def _text(value: Any) -> str:
    """parsers.text with a fast path for the strings a CSV file gives."""
    if value.__class__ is str:
        out: str = value.strip()
        return out.replace("\x00", "").strip() if "\x00" in out else out
    return parsers.text(value)


def _max_length(limit: int) -> Any:
    def parse(value: Any) -> str:
        out = _text(value)
        if len(out) > limit:
            raise CellInvalid(_("At most %(n)d characters.") % {"n": limit})
        return out

    return parse


def _kind(value: Any) -> str:
    raw = _text(value)
    if not raw:
        return ""
    kind = _KINDS.get(raw.lower())
    if kind is None:
        raise CellInvalid(_("Write 个人 or 企业."))
    return kind.value


def _phone_parts(raw: str) -> list[str]:
    """Split on ，;、/ and on spaces between whole numbers ("138 1234 5678" stays one)."""
    if raw.isdigit():  # the usual cell: one number
        return [raw]
    parts: list[str] = []
    for chunk in _SPLIT_PHONES.split(raw):
        pieces = _SPACES.split(chunk.strip())
        if len(pieces) > 1 and all(len(normalize_phone(p)) >= 7 for p in pieces):
            parts.extend(pieces)
        elif chunk.strip():
            parts.append(chunk.strip())
    return parts


def _phones(value: Any) -> list[str]:
    raw = _text(value)
    if not raw:
        return []
    out: list[str] = []
    for part in _phone_parts(raw):
        number = normalize_phone(part)
        if not 7 <= len(number) <= 20:
            raise CellInvalid(_("“%(value)s” is not a phone number.") % {"value": part[:30]})
        if number not in out:
            out.append(number)
    return out


def _grade(value: Any) -> str:
    raw = _text(value).upper()
    if raw and raw not in _GRADES:
        raise CellInvalid(_("Choose a grade from A to D."))
    return raw or _GRADE_DEFAULT


def _credit_level(value: Any) -> str:
    raw = _text(value).upper()
    if raw and raw not in _CREDIT_LEVELS:
        raise CellInvalid(_("Write AAA, AA, A, B or C."))
    return raw


def _credit_score(value: Any) -> int | None:
    if value.__class__ is str and value.isdigit():
        score: int | None = int(value)
    else:
        score = parsers.integer(value)
    if score is not None and not 0 <= score <= 1000:
        raise CellInvalid(_("Write a score from 0 to 1000."))
    return score


def _source(value: Any) -> str:
    raw = _text(value)
    if not raw:
        return _SOURCE_DEFAULT
    source = _SOURCES.get(raw.lower())
    if source is None:
        raise CellInvalid(_("Unknown source; write 门店, 电话, 网站, 邮件, 推荐 or 其他."))
    return source


def _tags(value: Any) -> list[str]:
    raw = _text(value)
    names = [t.strip() for t in _SPLIT_TAGS.split(raw) if t.strip()] if raw else []
    for name in names:
        if len(name) > 40:
            raise CellInvalid(_("A tag has at most 40 characters."))
    return list(dict.fromkeys(names))


def _email(value: Any) -> str:
    raw = _text(value)
    if raw and (len(raw) > 254 or not _EMAIL.match(raw)):
        raise CellInvalid(_("Not an e-mail address."))
    return raw


COLUMNS = (
    Column(
        "name",
        "客户名称",
        aliases=("名称", "客户", "姓名"),
        required=True,
        parse=_max_length(200),
        example="深圳市华南电器有限公司",
        help=gettext_lazy("Person or company name, at most 200 characters."),
    ),
    Column(
        "kind",
        "客户类型",
        aliases=("类型", "kind"),
        parse=_kind,
        example="企业",
        help=gettext_lazy("个人 or 企业; empty: guessed from the name."),
    ),
    Column(
        "phones",
        "手机/电话",
        aliases=("手机", "电话", "联系电话", "phone", "phones"),
        parse=_phones,
        example="13812345678，0755-26543210",
        help=gettext_lazy("One or more numbers separated by ，; or spaces."),
    ),
    Column(
        "id_number",
        "证件号码/税号",
        aliases=("证件号码", "身份证号", "税号", "id number"),
        parse=_max_length(40),
        example="91440300MA5XXXXXX1",
        help=gettext_lazy("ID card number of a person or tax number of a company."),
    ),
    Column(
        "address",
        "地址",
        aliases=("联系地址", "address"),
        parse=_max_length(300),
        example="广东省深圳市南山区科技园南区1号",
        help=gettext_lazy("Province, city and street in one text."),
    ),
    Column(
        "province",
        "省份",
        aliases=("省",),
        parse=_max_length(40),
        help=gettext_lazy("Instead of 地址: province, city and street in three columns."),
    ),
    Column(
        "city",
        "城市",
        aliases=("市",),
        parse=_max_length(40),
        help=gettext_lazy("Instead of 地址: province, city and street in three columns."),
    ),
    Column(
        "detail",
        "详细地址",
        aliases=("街道地址",),
        parse=_max_length(300),
        help=gettext_lazy("Instead of 地址: province, city and street in three columns."),
    ),
    Column(
        "grade",
        "等级",
        aliases=("客户等级", "grade"),
        parse=_grade,
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
        parse=_credit_level,
        example="AA",
        help=gettext_lazy("AAA, AA, A, B or C; may be empty."),
    ),
    Column(
        "credit_score",
        "信用分",
        aliases=("信用分数", "credit score"),
        parse=_credit_score,
        example="85",
        help=gettext_lazy("A whole number from 0 to 1000; may be empty."),
    ),
    Column(
        "source",
        "来源",
        aliases=("客户来源", "source"),
        parse=_source,
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
        parse=_tags,
        example="VIP，老客户",
        help=gettext_lazy("Tags separated by commas."),
    ),
    Column(
        "email",
        "邮箱",
        aliases=("电子邮箱", "email"),
        parse=_email,
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
        kind = row["kind"] or (_COMPANY if any(h in name for h in _COMPANY_HINTS) else _PERSON)
        row["kind"] = kind
        row["name_key"] = name_key(name, kind)
        return row

    def check_batch(
        self, rows: list[dict[str, Any]], ctx: ImportContext
    ) -> dict[int, dict[str, str]]:
        existing = _existing_phones(sorted({n for row in rows for n in row["phones"]}))
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
                _tune_transaction()
                ctx.data["tuned"] = True
            ids = _reserve_ids(len(rows))
            _copy("customers_customer", _CUSTOMER_COLUMNS, _customer_tuples(rows, ids, now))
        else:
            objs = Customer.objects.bulk_create(
                [
                    Customer(**dict(zip(_CUSTOMER_COLUMNS[3:], t[3:], strict=True)))
                    for t in _customer_tuples(rows, [0] * len(rows), now)
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
        _insert(CustomerPhone, ("customer_id", "number", "label", "is_primary"), phones)
        _insert(CustomerTag, ("customer_id", "tag_id"), links)
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


_CUSTOMER_COLUMNS = (
    "id",
    "created_at",
    "updated_at",
    "unit_id",
    "kind",
    "name",
    "name_key",
    "grade",
    "is_key_account",
    "source",
    "credit_level",
    "credit_score",
    "email",
    "id_number",
    "address",
    "notes",
    "version",
)


def _customer_tuples(
    rows: list[dict[str, Any]], ids: Sequence[int], now: datetime
) -> Iterable[tuple[Any, ...]]:
    for pk, r in zip(ids, rows, strict=True):
        yield (
            pk,
            now,
            now,
            r["unit_id"],
            r["kind"],
            r["name"],
            r["name_key"],
            r["grade"],
            r["is_key_account"],
            r["source"],
            r["credit_level"],
            r["credit_score"],
            r["email"],
            r["id_number"],
            r["address"],
            r["notes"],
            1,
        )


def _existing_phones(numbers: list[str]) -> dict[str, int]:
    """{number: customer id} of the numbers already in the archive."""
    found: dict[str, int] = {}
    if connection.vendor == "postgresql":  # one array parameter instead of 20,000
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT number, customer_id FROM customers_customerphone WHERE number = ANY(%s)",
                [numbers],
            )
            found.update(cursor.fetchall())
        return found
    for start in range(0, len(numbers), 2000):
        found.update(
            CustomerPhone.objects.filter(number__in=numbers[start : start + 2000]).values_list(
                "number", "customer_id"
            )
        )
    return found


def _tune_transaction() -> None:
    """For this transaction only: a bigger pending list for the name trigram (GIN) index, so
    a million names are merged into it in a few large steps instead of many small ones."""
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL gin_pending_list_limit = '64MB'")
        cursor.execute("SET LOCAL work_mem = '256MB'")


def _reserve_ids(n: int) -> list[int]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence('customers_customer', 'id')) "
            "FROM generate_series(1, %s)",
            [n],
        )
        return [r[0] for r in cursor.fetchall()]


def _copy(table: str, columns: Sequence[str], rows: Iterable[tuple[Any, ...]]) -> None:
    sql = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
    with connection.cursor() as cursor:
        raw = cursor.cursor  # the psycopg 3 cursor under Django's wrapper
        with raw.copy(sql) as copy:
            for row in rows:
                copy.write_row(row)


def _insert(model: Any, columns: Sequence[str], rows: list[tuple[Any, ...]]) -> None:
    if not rows:
        return
    if connection.vendor == "postgresql":
        _copy(model._meta.db_table, columns, rows)
        return
    model.objects.bulk_create(
        [model(**dict(zip(columns, r, strict=True))) for r in rows], batch_size=1000
    )


register(CustomerImporter())
