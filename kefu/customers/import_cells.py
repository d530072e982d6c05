"""Cell parsers of the customer import: each takes a raw cell and returns a clean value or
raises CellInvalid with a reason for the person who filled in the sheet."""

from __future__ import annotations

import re
from typing import Any

from django.utils.translation import gettext as _

from kefu.core.imports import parsers
from kefu.core.imports.registry import CellInvalid
from kefu.customers.choices import CreditLevel, CustomerKind, Grade, Source
from kefu.customers.services import normalize_phone

_SPLIT_PHONES = re.compile(r"[，,;；、/]+")
_SPACES = re.compile(r"\s+")
_SPLIT_TAGS = re.compile(r"[，,;；、]+")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
COMPANY_HINTS = ("公司", "集团", "厂", "商行", "经营部", "中心", "事务所", "门店", "研究院")
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
PERSON = CustomerKind.PERSON.value
COMPANY = CustomerKind.COMPANY.value


def text(value: Any) -> str:
    """parsers.text with a fast path for the strings a CSV file gives."""
    if value.__class__ is str:
        out: str = value.strip()
        return out.replace("\x00", "").strip() if "\x00" in out else out
    return parsers.text(value)


def max_length(limit: int) -> Any:
    def parse(value: Any) -> str:
        out = text(value)
        if len(out) > limit:
            raise CellInvalid(_("At most %(n)d characters.") % {"n": limit})
        return out

    return parse


def parse_kind(value: Any) -> str:
    raw = text(value)
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


def parse_phones(value: Any) -> list[str]:
    raw = text(value)
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


def parse_grade(value: Any) -> str:
    raw = text(value).upper()
    if raw and raw not in _GRADES:
        raise CellInvalid(_("Choose a grade from A to D."))
    return raw or _GRADE_DEFAULT


def parse_credit_level(value: Any) -> str:
    raw = text(value).upper()
    if raw and raw not in _CREDIT_LEVELS:
        raise CellInvalid(_("Write AAA, AA, A, B or C."))
    return raw


def parse_credit_score(value: Any) -> int | None:
    if value.__class__ is str and value.isdigit():
        score: int | None = int(value)
    else:
        score = parsers.integer(value)
    if score is not None and not 0 <= score <= 1000:
        raise CellInvalid(_("Write a score from 0 to 1000."))
    return score


def parse_source(value: Any) -> str:
    raw = text(value)
    if not raw:
        return _SOURCE_DEFAULT
    source = _SOURCES.get(raw.lower())
    if source is None:
        raise CellInvalid(_("Unknown source; write 门店, 电话, 网站, 邮件, 推荐 or 其他."))
    return source


def parse_tags(value: Any) -> list[str]:
    raw = text(value)
    names = [t.strip() for t in _SPLIT_TAGS.split(raw) if t.strip()] if raw else []
    for name in names:
        if len(name) > 40:
            raise CellInvalid(_("A tag has at most 40 characters."))
    return list(dict.fromkeys(names))


def parse_email(value: Any) -> str:
    raw = text(value)
    if raw and (len(raw) > 254 or not _EMAIL.match(raw)):
        raise CellInvalid(_("Not an e-mail address."))
    return raw
