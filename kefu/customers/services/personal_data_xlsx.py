"""The copy of a customer's personal data as an xlsx workbook: a summary sheet, then one
sheet per table of every part (the document from export_personal_data)."""

from __future__ import annotations

import io
from typing import Any

import xlsxwriter
from django.utils.translation import gettext as _

from kefu.core.exports import _cell

SHEET_NAME_MAX = 31


def personal_data_workbook(document: dict[str, Any]) -> bytes:
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True, "strings_to_urls": False})
    head = book.add_format({"bold": True, "bg_color": "#EEF2F7", "border": 1})
    summary = book.add_worksheet(_("Summary")[:SHEET_NAME_MAX])
    for col, title in enumerate((_("Part"), _("Table"), _("Rows"))):
        summary.write_string(0, col, title, head)
    summary.set_column(0, 1, 24)
    line = 1
    used: set[str] = {_("Summary")[:SHEET_NAME_MAX].lower()}
    for part in document["parts"]:
        for table, rows in part["tables"].items():
            summary.write_string(line, 0, part["label"])
            summary.write_string(line, 1, table)
            summary.write_number(line, 2, len(rows))
            line += 1
            _write_table(book, head, _sheet_name(table, used), rows)
    book.close()
    return out.getvalue()


def _sheet_name(table: str, used: set[str]) -> str:
    name, n = table[:SHEET_NAME_MAX], 1
    while name.lower() in used:
        n += 1
        name = f"{table[: SHEET_NAME_MAX - 4]}_{n}"
    used.add(name.lower())
    return name


def _write_table(book: Any, head: Any, name: str, rows: list[dict[str, Any]]) -> None:
    sheet = book.add_worksheet(name)
    columns = list(rows[0]) if rows else []
    for col, key in enumerate(columns):
        sheet.write_string(0, col, key, head)
        sheet.set_column(col, col, 16)
    for r, row in enumerate(rows, start=1):
        for col, key in enumerate(columns):
            value = row.get(key)
            if isinstance(value, list | dict):
                value = ", ".join(str(v) for v in value) if isinstance(value, list) else str(value)
            cell = _cell(value)
            if isinstance(cell, int | float):
                sheet.write_number(r, col, cell)
            else:
                sheet.write_string(r, col, str(cell))
