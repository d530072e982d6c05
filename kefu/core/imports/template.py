"""The downloadable template of an importer: its headers (required ones marked ＊), an example
row, and a notes sheet with each column's help."""

from __future__ import annotations

from typing import Any

import xlsxwriter
from django.utils.translation import gettext as _

from kefu.core.imports.registry import Importer


def write_template(target: Any, importer: Importer) -> None:
    book = xlsxwriter.Workbook(target, {"in_memory": True, "strings_to_numbers": False})
    head = book.add_format({"bold": True, "bg_color": "#EEF2F7", "border": 1})
    required = book.add_format({"bold": True, "bg_color": "#FDECEC", "border": 1})
    text = book.add_format({"num_format": "@"})
    sheet = book.add_worksheet(str(importer.label)[:31] or "Sheet1")
    for i, col in enumerate(importer.columns):
        sheet.set_column(i, i, max(12, len(col.header) * 2 + 4), text)
        label = f"{col.header}*" if col.required else col.header
        sheet.write_string(0, i, label, required if col.required else head)
        sheet.write_string(1, i, col.example)
    sheet.freeze_panes(1, 0)
    notes = book.add_worksheet(_("Notes")[:31])
    notes.set_column(0, 0, 18)
    notes.set_column(1, 1, 10)
    notes.set_column(2, 2, 60)
    notes.set_column(3, 3, 30)
    titles = (_("Column"), _("Required"), _("How to fill it in"), _("Also accepted"))
    for i, title in enumerate(titles):
        notes.write_string(0, i, title, head)
    for r, col in enumerate(importer.columns, start=1):
        notes.write_string(r, 0, col.header)
        notes.write_string(r, 1, "是" if col.required else "")
        notes.write_string(r, 2, str(col.help))
        notes.write_string(r, 3, "、".join(col.aliases))
    last = len(importer.columns) + 2
    notes.write_string(
        last,
        0,
        _(
            "Delete the example row before importing. Row 1 holds the headers; "
            "columns may be in any order; other columns are ignored."
        ),
    )
    book.close()
