"""One pass over an uploaded file: read, map headers, parse and validate every row, and (when
writing) hand clean rows to the importer in batches. No transaction handling here — the
service (`kefu.core.services.imports`) wraps a writing pass in one `transaction.atomic()`.

A pass never stops at the first bad row during a dry run: it counts every row, keeps the
first MAX_ERRORS errors ({"row", "column", "value", "reason"}; "column" is the header as
written in the file, personal values masked) and a preview of the first clean rows. A writing
pass with `valid_only=False` raises `RowsRejected` at the first bad row, so the caller's
transaction rolls back and nothing is written.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext as _

from kefu.core.errors import ImportFailed
from kefu.core.imports.progress import Reporter
from kefu.core.imports.reader import HeaderMap, map_headers, open_table
from kefu.core.imports.registry import CellInvalid, ImportContext, Importer, RowInvalid
from kefu.core.imports.spool import Spool, SpoolWriter, spool_path

MAX_ERRORS = 1000
PREVIEW_ROWS = 20
VALUE_CHARS = 100
PROGRESS_EVERY = 2000

_loaded = False


def load_importers() -> None:
    """Import every installed app's `importers` module once (they call `register`)."""
    global _loaded
    if not _loaded:
        autodiscover_modules("importers")
        _loaded = True


class RowsRejected(ImportFailed):
    code = "import_rows_rejected"


def mask(value: str) -> str:
    """'13812345678' → '138****5678', '张三丰' → '张*丰'; for personal columns in errors/preview."""
    n = len(value)
    if n <= 1:
        return "*" * n
    if n == 2:
        return value[0] + "*"
    if n < 7:
        return value[0] + "*" * (n - 2) + value[-1]
    return value[:3] + "****" + value[-4:]


def shown(raw: Any, personal: bool) -> str:
    if raw is None:
        return ""
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    text = str(raw).replace("\x00", "").strip()[:VALUE_CHARS]
    return mask(text) if personal and text else text


@dataclass
class RunResult:
    total_rows: int = 0
    valid_rows: int = 0
    error_rows: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    preview: dict[str, Any] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)


@dataclass
class _Plan:
    """Prepared per-file lookups for the row loop."""

    columns: list[tuple[str, int, Callable[[Any], Any], bool]]  # key, index, parse, required
    defaults: dict[str, Any]  # parse(None) of the columns not in the file
    header_of: dict[str, str]
    index: dict[str, int]
    personal: frozenset[str]


def _plan(importer: Importer, header: HeaderMap) -> _Plan:
    defaults: dict[str, Any] = {}
    for col in header.missing:
        try:
            defaults[col.key] = col.parse(None)
        except CellInvalid:
            defaults[col.key] = None
    columns = [
        (c.key, header.index[c.key], c.parse, c.required)
        for c in importer.columns
        if c.key in header.index
    ]
    return _Plan(
        columns, defaults, header.header_of, header.index, frozenset(importer.personal_fields)
    )


class _Pass:
    def __init__(
        self,
        importer: Importer,
        plan: _Plan,
        ctx: ImportContext,
        *,
        write: bool,
        valid_only: bool,
        progress: Reporter | None,
        spool: SpoolWriter | None = None,
    ) -> None:
        self.importer, self.plan, self.ctx = importer, plan, ctx
        self.spool = spool
        self.write, self.valid_only, self.progress = write, valid_only, progress
        self.result = RunResult()
        self.pending: list[tuple[int, dict[str, Any], list[Any]]] = []
        self.preview_rows: list[list[str]] = []

    # -- errors ---------------------------------------------------------------------------
    def reject(self, number: int, cells: list[Any], reasons: dict[str, str]) -> None:
        res = self.result
        res.error_rows += 1
        if self.write and not self.valid_only:
            key, reason = next(iter(reasons.items()))
            raise RowsRejected(
                _("Row %(row)s: %(reason)s Nothing was imported; check the file again.")
                % {"row": number, "reason": f"{self.plan.header_of.get(key, key)} {reason}"}
            )
        for key, reason in reasons.items():
            if len(res.errors) >= MAX_ERRORS:
                return
            idx = self.plan.index.get(key)
            raw = cells[idx] if idx is not None and idx < len(cells) else None
            res.errors.append(
                {
                    "row": number,
                    "column": self.plan.header_of.get(key, key),
                    "value": shown(raw, key in self.plan.personal),
                    "reason": str(reason),
                }
            )

    # -- rows -----------------------------------------------------------------------------
    def parse(self, number: int, cells: list[Any]) -> dict[str, Any] | None:
        row = dict(self.plan.defaults)
        bad: dict[str, str] | None = None
        n = len(cells)
        for key, idx, parse, required in self.plan.columns:
            raw = cells[idx] if idx < n else None
            if required and (raw is None or (isinstance(raw, str) and not raw.strip())):
                bad = bad or {}
                bad[key] = _("Required.")
                continue
            try:
                row[key] = parse(raw)
            except CellInvalid as exc:
                bad = bad or {}
                bad[key] = str(exc)
        if bad is None:
            self.ctx.row = number
            try:
                return self.importer.validate(row, self.ctx)
            except RowInvalid as exc:
                bad = exc.errors
        self.reject(number, cells, bad)
        return None

    def flush(self) -> None:
        if not self.pending:
            return
        rows = [row for _n, row, _c in self.pending]
        if self.spool is not None:
            self.spool.add([(n, row) for n, row, _c in self.pending])
        failed = self.importer.check_batch(rows, self.ctx)
        clean: list[dict[str, Any]] = []
        for i, (number, row, cells) in enumerate(self.pending):
            if i in failed:
                self.reject(number, cells, failed[i])
                continue
            clean.append(row)
            if len(self.preview_rows) < PREVIEW_ROWS:
                self.preview_rows.append(
                    [
                        shown(cells[idx] if idx < len(cells) else None, key in self.plan.personal)
                        for key, idx, _p, _r in self.plan.columns
                    ]
                )
        self.pending = []
        self.result.valid_rows += len(clean)
        if self.write and clean:
            for key, value in self.importer.write(clean, self.ctx).items():
                self.result.counts[key] = self.result.counts.get(key, 0) + value

    def run(self, rows: Any) -> RunResult:
        batch = max(int(self.importer.batch_size), 1)
        total = 0
        for number, cells in rows:
            total += 1
            row = self.parse(number, cells)
            if row is not None:
                self.pending.append((number, row, cells))
                if len(self.pending) >= batch:
                    self.flush()
            if self.progress is not None and total % PROGRESS_EVERY == 0:
                self.progress(total)
        self.flush()
        self.result.total_rows = total
        if self.spool is not None:
            self.spool.finish(total)
        if self.progress is not None:
            self.progress(total, force=True)
        self.result.preview = {
            "headers": [self.plan.header_of[key] for key, _i, _p, _r in self.plan.columns],
            "rows": self.preview_rows,
        }
        return self.result


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Millions of short-lived row dicts set off the cyclic garbage collector over and over
    (a tenth of a big import's time); rows hold no cycles, so it pauses for the pass."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def run(
    importer: Importer,
    *,
    path: str,
    filename: str,
    ctx: ImportContext,
    write: bool = False,
    valid_only: bool = False,
    progress: Reporter | None = None,
    on_open: Callable[[int], None] | None = None,
) -> RunResult:
    """Read `path` once. `on_open(estimated_rows)` is called after the header is read.

    A dry run of an importer with `reuse_checked_rows` keeps the checked rows in a spool next
    to the file; a writing run then reads them from there instead of parsing the file again."""
    with _collector_paused():
        return _run(importer, path, filename, ctx, write, valid_only, progress, on_open)


def _run(
    importer: Importer,
    path: str,
    filename: str,
    ctx: ImportContext,
    write: bool,
    valid_only: bool,
    progress: Reporter | None,
    on_open: Callable[[int], None] | None,
) -> RunResult:
    spooled = spool_path(path)
    if write and importer.reuse_checked_rows and spooled.exists():
        return _run_checked(importer, Spool(spooled), ctx, valid_only=valid_only, progress=progress)
    table = open_table(path, filename=filename)
    header = map_headers(table.headers, importer.columns)
    if on_open is not None:
        on_open(table.estimated_rows)
    importer.prepare(ctx)
    writer = None
    if importer.reuse_checked_rows and not write:
        writer = SpoolWriter(spooled, header.header_of)
    one = _Pass(
        importer,
        _plan(importer, header),
        ctx,
        write=write,
        valid_only=valid_only,
        progress=progress,
        spool=writer,
    )
    try:
        result = one.run(table.rows)
    except BaseException:
        if writer is not None:
            writer.abandon()
        raise
    result.warnings = header.warnings
    if result.total_rows == 0:
        raise ImportFailed(_("The file has a header row but no data rows."), code="import_empty")
    return result


def _run_checked(
    importer: Importer,
    spool: Spool,
    ctx: ImportContext,
    *,
    valid_only: bool,
    progress: Reporter | None,
) -> RunResult:
    """Write the rows a dry run checked: `check_batch` again, then `write`, batch by batch."""
    importer.prepare(ctx)
    plan = _Plan([], {}, spool.header_of, {}, frozenset())
    one = _Pass(importer, plan, ctx, write=True, valid_only=valid_only, progress=progress)
    spooled = 0
    for batch in spool.batches():
        one.pending = [(number, row, []) for number, row in batch]
        spooled += len(batch)
        one.flush()
        if progress is not None and batch:
            progress(batch[-1][0] - 1)
    result = one.result
    result.total_rows = spool.total_rows
    result.error_rows += spool.total_rows - spooled  # rows the dry run found wrong
    if progress is not None:
        progress(result.total_rows, force=True)
    return result
