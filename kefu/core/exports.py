"""Every list exports to xlsx: one writer, one audit entry per export.

    from kefu.core.exports import ExportColumn, export_xlsx_response

    columns = [ExportColumn("编号", "number"), ExportColumn(_("Phone"), "phone", personal=True)]
    return export_xlsx_response(
        actor=request.user, filename="客户档案", sheet=_("Customers"), columns=columns,
        rows=({"number": c.pk, "phone": c.phone} for c in qs.iterator()),
        object_type="customers.customer",
    )

Rows are dicts (or objects: the column's `key` is read with getattr) written in constant
memory, so a million rows stream through. Masking is the caller's job: pass already masked
values to actors without the reveal permission. The audit entry records the row count and
the personal columns' names, never the data.
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

import xlsxwriter
from django.http import FileResponse
from django.utils import timezone
from django.utils.functional import Promise

from kefu.core.services.audit import record_audit, record_personal_data_access

if TYPE_CHECKING:
    from kefu.core.models import User

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_UNSAFE_FILENAME = re.compile(r"[\\/:*?\"<>|\r\n]+")
# a cell starting with these is a formula in Excel; prefix with ' (CSV/formula injection)
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class ExportColumn:
    header: str | Promise
    key: str
    width: int = 14
    personal: bool = False
    value: Callable[[Any], Any] | None = None  # overrides reading `key`


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.replace(tzinfo=None)
    if isinstance(value, date | int | float):
        return value
    if isinstance(value, Decimal):
        return float(value)
    text = str(value)
    if text.startswith(_FORMULA_START):
        return "'" + text
    return text


def write_xlsx(
    target: Any,
    *,
    columns: Sequence[ExportColumn],
    rows: Iterable[Any],
    sheet: str | Promise = "Sheet1",
) -> int:
    """Write rows to `target` (a path or binary file); returns the number of data rows."""
    book = xlsxwriter.Workbook(target, {"constant_memory": True, "strings_to_urls": False})
    ws = book.add_worksheet(_UNSAFE_FILENAME.sub(" ", str(sheet))[:31] or "Sheet1")
    head = book.add_format({"bold": True, "bg_color": "#EEF2F7", "border": 1})
    datetime_fmt = book.add_format({"num_format": "yyyy-mm-dd hh:mm"})
    date_fmt = book.add_format({"num_format": "yyyy-mm-dd"})
    for i, col in enumerate(columns):
        ws.set_column(i, i, col.width)
        ws.write_string(0, i, str(col.header), head)
    ws.freeze_panes(1, 0)
    n = 0
    for n, row in enumerate(rows, start=1):
        for i, col in enumerate(columns):
            if col.value is not None:
                raw = col.value(row)
            elif isinstance(row, dict):
                raw = row.get(col.key)
            else:
                raw = getattr(row, col.key, None)
            value = _cell(raw)
            if isinstance(value, datetime):
                ws.write_datetime(n, i, value, datetime_fmt)
            elif isinstance(value, date):
                ws.write_datetime(n, i, value, date_fmt)
            elif isinstance(value, int | float):
                ws.write_number(n, i, value)
            else:
                ws.write_string(n, i, value)
    if n:
        ws.autofilter(0, 0, n, max(len(columns) - 1, 0))
    book.close()
    return n


def xlsx_filename(name: str | Promise) -> str:
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return f"{_UNSAFE_FILENAME.sub('_', str(name)).strip() or 'export'}-{stamp}.xlsx"


def export_xlsx_response(
    *,
    actor: User,
    filename: str | Promise,
    columns: Sequence[ExportColumn],
    rows: Iterable[Any],
    object_type: str,
    sheet: str | Promise = "",
    masked: bool = True,
) -> FileResponse:
    """Stream an xlsx download of `rows` and log the export (row count, personal columns).

    `masked` says whether personal columns hold masked values; unmasked personal data is
    logged as a personal-data export, anything else as an ordinary export."""
    spool = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115
    count = write_xlsx(spool, columns=columns, rows=rows, sheet=sheet or filename)
    personal = [c.key for c in columns if c.personal]
    if personal and not masked:
        record_personal_data_access(
            actor=actor, kind="export", object_type=object_type, fields=personal, rows=count
        )
    else:
        record_audit(
            actor=actor,
            action="data.export",
            object_type=object_type,
            changes={"rows": count, "columns": [c.key for c in columns]},
        )
    spool.seek(0)
    name = xlsx_filename(filename)
    response = FileResponse(spool, content_type=XLSX_MIME)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return response
