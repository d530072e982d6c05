"""Parse a year's schedule from a CSV file (no database access).

Accepted: UTF-8 with or without BOM, or GBK/GB18030 (what Excel saves on a Chinese
Windows). Header `date,kind,name` or `日期,类型,名称` (name may be left out). Kind: holiday /
workday, 休 / 班, 假 / 班, 节假日 / 调休上班, 休息日 / 工作日. Rows are numbered as lines of
the file (the header is row 1), the way a spreadsheet shows them.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date, datetime

from django.utils.translation import gettext as _

from kefu.core.calendar_engine import HOLIDAY, MAX_YEAR, MIN_YEAR, WORKDAY
from kefu.core.errors import ImportFailed

NAME_MAX = 60
_HEADERS = {
    "date": "date",
    "日期": "date",
    "kind": "kind",
    "type": "kind",
    "类型": "kind",
    "name": "name",
    "名称": "name",
}
_KINDS = {
    "holiday": HOLIDAY,
    "休": HOLIDAY,
    "假": HOLIDAY,
    "节假日": HOLIDAY,
    "休息日": HOLIDAY,
    "workday": WORKDAY,
    "班": WORKDAY,
    "调休上班": WORKDAY,
    "工作日": WORKDAY,
}
_DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y%m%d")


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    value: str
    reason: str


@dataclass(frozen=True)
class ParsedDay:
    row: int
    date: date
    kind: str
    name: str


@dataclass
class ParsedFile:
    year: int | None
    days: list[ParsedDay] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)


def decode(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError as exc:
        raise ImportFailed(
            _("The file is neither UTF-8 nor GBK text. Save it as CSV (UTF-8) and try again.")
        ) from exc


def _columns(header: list[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for index, raw in enumerate(header):
        key = _HEADERS.get(raw.strip().lstrip("\ufeff").lower())
        if key and key not in found:
            found[key] = index
    missing = [c for c in ("date", "kind") if c not in found]
    if missing:
        raise ImportFailed(
            _("The first row must name the columns: date,kind,name (or 日期,类型,名称)."),
            details={"missing_columns": missing, "header": header},
        )
    return found


def _parse_date(text: str) -> date | None:
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()  # noqa: DTZ007 - a date, not a moment
        except ValueError:
            continue
    return None


def _cell(row: list[str], index: int | None) -> str:
    if index is None or index >= len(row):
        return ""
    return row[index].strip()


def _parse_row(
    number: int, row: list[str], cols: dict[str, int], out: ParsedFile, seen: dict[date, int]
) -> None:
    raw_date, raw_kind = _cell(row, cols["date"]), _cell(row, cols["kind"])
    name = _cell(row, cols.get("name"))
    errors: list[RowError] = []
    day = _parse_date(raw_date)
    if day is None:
        errors.append(RowError(number, "date", raw_date, _("Not a date (use 2027-01-01).")))
    elif not MIN_YEAR <= day.year <= MAX_YEAR:
        reason = _("Outside the supported years %(min)s–%(max)s.") % {
            "min": MIN_YEAR,
            "max": MAX_YEAR,
        }
        errors.append(RowError(number, "date", raw_date, reason))
    elif out.year is not None and day.year != out.year:
        reason = _("Not in %(year)s; a file holds one year.") % {"year": out.year}
        errors.append(RowError(number, "date", raw_date, reason))
    elif day in seen:
        reason = _("Same date as row %(row)s.") % {"row": seen[day]}
        errors.append(RowError(number, "date", raw_date, reason))
    kind = _KINDS.get(raw_kind.lower())
    if kind is None:
        reason = _("Unknown kind; use holiday/workday (休/班).")
        errors.append(RowError(number, "kind", raw_kind, reason))
    if len(name) > NAME_MAX:
        reason = _("Longer than %(max)s characters.") % {"max": NAME_MAX}
        errors.append(RowError(number, "name", name, reason))
    if errors:
        out.errors.extend(errors)
        return
    assert day is not None
    assert kind is not None
    if out.year is None:
        out.year = day.year
    seen[day] = number
    out.days.append(ParsedDay(number, day, kind, name))


def parse_calendar_csv(data: bytes, *, year: int | None = None, max_bytes: int) -> ParsedFile:
    """Every row checked; file-level problems raise ImportFailed, row problems are listed."""
    if len(data) > max_bytes:
        raise ImportFailed(
            _("The file is larger than %(size)s KB.") % {"size": max_bytes // 1024},
            details={"max_bytes": max_bytes, "size": len(data)},
        )
    text = decode(data)
    if year is not None and not MIN_YEAR <= year <= MAX_YEAR:
        raise ImportFailed(
            _("The year must lie between %(min)s and %(max)s.")
            % {
                "min": MIN_YEAR,
                "max": MAX_YEAR,
            }
        )
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        numbered = [(reader.line_num, r) for r in reader if any(c.strip() for c in r)]
    except csv.Error as exc:
        raise ImportFailed(_("The file is not a readable CSV file.")) from exc
    if not numbered:
        raise ImportFailed(_("The file is empty."))
    cols = _columns(numbered[0][1])
    out = ParsedFile(year=year)
    seen: dict[date, int] = {}
    for number, row in numbered[1:]:
        _parse_row(number, row, cols, out, seen)
    if not out.days and not out.errors:
        raise ImportFailed(_("The file has no rows below the header."))
    return out
