"""The rows a dry run checked, kept next to the upload so the commit need not parse the file
again (for importers with `reuse_checked_rows`). marshal, not pickle: it holds only plain
values (str, int, float, bool, None, lists, dicts) and loading it cannot run code.

Layout: ("h", {column key: header}), then ("b", [(row number, row dict), …]) per batch, then
("e", total rows), each record as an 8-byte length and `marshal.dumps` (loading whole records
from bytes is several times faster than `marshal.load` on the file). Written to `<name>.tmp`
and renamed at the end, so a spool that exists is complete.
"""

from __future__ import annotations

import marshal
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any, BinaryIO

SUFFIX = ".checked"


def spool_path(upload_path: str) -> Path:
    return Path(upload_path + SUFFIX)


class SpoolWriter:
    def __init__(self, path: Path, header_of: dict[str, str]) -> None:
        self.path = path
        self.tmp = path.with_name(path.name + ".tmp")
        self.fh: BinaryIO | None = self.tmp.open("wb")
        self._dump(("h", header_of))

    def _dump(self, record: tuple[str, Any]) -> None:
        if self.fh is None:
            return
        try:
            data = marshal.dumps(record)
            self.fh.write(len(data).to_bytes(8, "little"))
            self.fh.write(data)
        except ValueError:  # a value marshal cannot hold (date, Decimal …): no spool
            self.abandon()

    def add(self, batch: list[tuple[int, dict[str, Any]]]) -> None:
        self._dump(("b", batch))

    def finish(self, total_rows: int) -> None:
        self._dump(("e", total_rows))
        if self.fh is not None:
            self.fh.close()
            self.fh = None
            os.replace(self.tmp, self.path)

    def abandon(self) -> None:
        if self.fh is not None:
            self.fh.close()
            self.fh = None
        self.tmp.unlink(missing_ok=True)


class Spool:
    """A complete spool, read batch by batch."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.total_rows = 0
        with path.open("rb") as fh:
            kind, self.header_of = _read(fh)
        if kind != "h":
            raise ValueError("not a spool")

    def batches(self) -> Iterator[list[tuple[int, dict[str, Any]]]]:
        with self.path.open("rb") as fh:
            _read(fh)
            while True:
                kind, value = _read(fh)
                if kind == "e":
                    self.total_rows = int(value)
                    return
                yield value


def _read(fh: BinaryIO) -> Any:
    size = int.from_bytes(fh.read(8), "little")
    return marshal.loads(fh.read(size))


def remove(upload_path: str) -> None:
    path = spool_path(upload_path)
    path.unlink(missing_ok=True)
    path.with_name(path.name + ".tmp").unlink(missing_ok=True)
