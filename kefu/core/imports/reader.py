"""Reading an uploaded spreadsheet row by row, and matching its header row to the importer's
columns.

    table = open_table(path, filename="客户.xlsx")       # ImportFailed: a clear reason
    header = map_headers(table.headers, importer.columns)  # ImportFailed: missing columns
    for row_number, cells in table.rows: ...               # row 2, 3, … as Excel shows them

Workbooks (.xlsx, .xlsm, .xls, .ods) are read with python-calamine (the first sheet); text
files (.csv, .txt) are decoded as UTF-8 (with or without BOM) or else GB18030 (GBK, what
Excel saves on a Chinese Windows), with the delimiter (comma, tab or semicolon) taken from
the header line. Blank rows are skipped. The file size and the number of rows are limited
by KEFU_IMPORT_MAX_BYTES (default 200 MB) and KEFU_IMPORT_MAX_ROWS (default 2,000,000).
"""

from __future__ import annotations

import codecs
import csv
import os
import unicodedata
import zipfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from kefu.core.errors import ImportFailed
from kefu.core.imports.registry import Column

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")
TEXT_SUFFIXES = (".csv", ".txt")
SUFFIXES = WORKBOOK_SUFFIXES + TEXT_SUFFIXES
_CHUNK = 1 << 20
_DELIMITERS = (",", "\t", ";")


def max_bytes() -> int:
    return int(getattr(settings, "KEFU_IMPORT_MAX_BYTES", 200 * 1024 * 1024))


def max_rows() -> int:
    return int(getattr(settings, "KEFU_IMPORT_MAX_ROWS", 2_000_000))


def check_filename(filename: str) -> str:
    """The lower-case suffix of an accepted file name, else ImportFailed."""
    suffix = Path(filename or "").suffix.lower()
    if suffix not in SUFFIXES:
        raise ImportFailed(
            _("Upload an Excel workbook (.xlsx, .xls) or a CSV file; %(name)s is neither.")
            % {"name": filename or "?"},
            code="import_file_type",
        )
    return suffix


def check_size(size: int) -> None:
    limit = max_bytes()
    if size > limit:
        raise ImportFailed(
            _("The file is larger than %(mb)s MB. Split it into smaller files.")
            % {"mb": f"{limit / 1024 / 1024:g}"},
            code="import_too_large",
        )
    if size == 0:
        raise ImportFailed(_("The file is empty."), code="import_empty")


@dataclass
class Table:
    headers: list[str]
    header_row: int  # 1-based row number of the header
    rows: Iterator[tuple[int, list[Any]]]  # (row number as Excel shows it, cells)
    estimated_rows: int  # for the progress bar before the first full pass


@dataclass
class HeaderMap:
    """Which cell index holds which column; headers as they are written in the file."""

    index: dict[str, int]  # column key → cell index
    header_of: dict[str, str]  # column key → header text in the file
    missing: list[Column] = field(default_factory=list)  # optional columns not in the file
    warnings: list[str] = field(default_factory=list)


def normalise_header(text: Any) -> str:
    """'  客户名称＊ ' → '客户名称'; full-width to half-width, case-folded."""
    out = unicodedata.normalize("NFKC", str(text if text is not None else "")).strip()
    out = out.rstrip("*").strip()
    return "".join(out.split()).casefold()


def map_headers(headers: Sequence[str], columns: Sequence[Column]) -> HeaderMap:
    lookup: dict[str, Column] = {}
    for col in columns:
        for name in col.all_headers:
            lookup.setdefault(normalise_header(name), col)
    index: dict[str, int] = {}
    header_of: dict[str, str] = {}
    unknown: list[str] = []
    duplicates: list[str] = []
    for i, raw in enumerate(headers):
        key = normalise_header(raw)
        if not key:
            continue
        found = lookup.get(key)
        if found is None:
            unknown.append(str(raw).strip())
        elif found.key in index:
            duplicates.append(f"{header_of[found.key]} / {str(raw).strip()}")
        else:
            index[found.key] = i
            header_of[found.key] = str(raw).strip()
    if duplicates:
        raise ImportFailed(
            _("These columns appear more than once: %(cols)s. Keep one of each.")
            % {"cols": "、".join(duplicates)},
            code="import_duplicate_columns",
        )
    required = [c.header for c in columns if c.required and c.key not in index]
    if required:
        raise ImportFailed(
            _("Required columns are missing: %(cols)s. Download the template to see them.")
            % {"cols": "、".join(required)},
            code="import_missing_columns",
            details={"missing": required},
        )
    warnings = []
    if unknown:
        warnings.append(
            _("These columns are not imported: %(cols)s.") % {"cols": "、".join(unknown)}
        )
    missing = [c for c in columns if c.key not in index]
    return HeaderMap(index=index, header_of=header_of, missing=missing, warnings=warnings)


def open_table(path: str | os.PathLike[str], *, filename: str) -> Table:
    suffix = check_filename(filename)
    check_size(os.path.getsize(path))
    if suffix in WORKBOOK_SUFFIXES:
        return _open_workbook(Path(path))
    return _open_text(Path(path))


def _blank(cells: Sequence[Any]) -> bool:
    return all(c is None or (isinstance(c, str) and not c.strip()) for c in cells)


def _blank_text(cells: list[str]) -> bool:
    """_blank for the all-string rows of a CSV file, at C speed."""
    return not "".join(cells).strip()


def _corrupt() -> ImportFailed:
    return ImportFailed(
        _(
            "The workbook cannot be read; it may be damaged or not a spreadsheet. "
            "Open it in Excel, save it again as .xlsx and retry."
        ),
        code="import_unreadable",
    )


def max_unzipped_bytes() -> int:
    return int(getattr(settings, "KEFU_IMPORT_MAX_UNZIPPED_BYTES", 2 * 1024 * 1024 * 1024))


def _check_unzipped_size(path: Path) -> None:
    """An .xlsx/.ods is a zip: refuse one that would expand past the limit (a zip bomb)
    before the reader inflates it."""
    if not zipfile.is_zipfile(path):
        return
    try:
        with zipfile.ZipFile(path) as archive:
            total = sum(max(info.file_size, 0) for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError):
        raise _corrupt() from None
    limit = max_unzipped_bytes()
    if total > limit:
        message = _("The workbook expands to more than %(mb)s MB when opened.")
        hint = _("Split it into smaller files.")
        mb = f"{limit / 1024 / 1024:g}"
        raise ImportFailed(f"{message % {'mb': mb}} {hint}", code="import_too_large")


def _open_workbook(path: Path) -> Table:
    import python_calamine

    _check_unzipped_size(path)

    try:
        book = python_calamine.CalamineWorkbook.from_path(str(path))
        sheet = book.get_sheet_by_index(0)
        height = int(sheet.total_height or 0)
        it = iter(sheet.iter_rows())
    except python_calamine.PasswordError:
        raise ImportFailed(
            _("The workbook is password-protected. Remove the password and retry."),
            code="import_unreadable",
        ) from None
    except Exception:
        raise _corrupt() from None

    def numbered() -> Iterator[tuple[int, list[Any]]]:
        try:
            yield from enumerate(it, start=1)
        except Exception:
            raise _corrupt() from None

    rows = numbered()
    return _with_header(rows, estimated=height)


def _with_header(
    rows: Iterator[tuple[int, list[Any]]], *, estimated: int, text: bool = False
) -> Table:
    blank = _blank_text if text else _blank
    for number, cells in rows:
        if not blank(cells):
            headers = ["" if c is None else str(c) for c in cells]
            return Table(headers, number, _data_rows(rows, blank), max(estimated - number, 0))
    raise ImportFailed(_("The file has no header row and no data."), code="import_empty")


def _data_rows(
    rows: Iterator[tuple[int, list[Any]]], blank: Callable[[Any], bool]
) -> Iterator[tuple[int, list[Any]]]:
    limit = max_rows()
    seen = 0
    for number, cells in rows:
        if blank(cells):
            continue
        seen += 1
        if seen > limit:
            raise ImportFailed(
                _("The file has more than %(n)s rows. Split it into smaller files.")
                % {"n": f"{limit:,}"},
                code="import_too_many_rows",
            )
        yield number, cells


def detect_encoding(path: Path) -> str:
    """'utf-8-sig' or 'gb18030', checked over the whole file; ImportFailed for anything else."""
    with path.open("rb") as fh:
        head = fh.read(4)
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise _not_text()
    for encoding in ("utf-8-sig", "gb18030"):
        decoder = codecs.getincrementaldecoder(encoding)()
        try:
            with path.open("rb") as fh:
                while chunk := fh.read(_CHUNK):
                    if b"\x00\x00\x00" in chunk:
                        raise _not_text()
                    decoder.decode(chunk)
                decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            continue
        return encoding
    raise _not_text()


def _not_text() -> ImportFailed:
    return ImportFailed(
        _("The file is neither UTF-8 nor GBK text. Save it as CSV (UTF-8) and try again."),
        code="import_encoding",
    )


def _sniff_delimiter(first_line: str) -> str:
    counts = {d: first_line.count(d) for d in _DELIMITERS}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _count_lines(path: Path) -> int:
    lines = 0
    with path.open("rb") as fh:
        while chunk := fh.read(_CHUNK):
            lines += chunk.count(b"\n")
    return lines + 1


def _open_text(path: Path) -> Table:
    encoding = detect_encoding(path)
    with path.open(encoding=encoding, newline="") as fh:
        first_line = fh.readline()
    delimiter = _sniff_delimiter(first_line)

    def numbered() -> Iterator[tuple[int, list[Any]]]:
        with path.open(encoding=encoding, newline="") as fh:
            reader = csv.reader(fh, delimiter=delimiter)
            try:
                yield from enumerate(reader, start=1)
            except csv.Error as exc:
                raise ImportFailed(
                    _("Row %(row)s of the CSV file cannot be read: %(reason)s")
                    % {"row": reader.line_num, "reason": exc},
                    code="import_unreadable",
                ) from None

    return _with_header(numbered(), estimated=_count_lines(path), text=True)
