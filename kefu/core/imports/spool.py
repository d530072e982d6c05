"""The rows a dry run checked, kept next to the upload so the commit need not parse the file
again (for importers with `reuse_checked_rows`). marshal, not pickle: it holds only plain
values (str, int, float, bool, None, lists, dicts) and loading it cannot run code.

Layout: ("h", {column key: header}), then ("b", [(row number, row dict), …]) per batch, then
("e", total rows). Written to `<name>.tmp` and renamed at the end, so a spool that exists is
complete.
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
            marshal.dump(record, self.fh)
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
            kind, self.header_of = marshal.load(fh)
        if kind != "h":
            raise ValueError("not a spool")

    def batches(self) -> Iterator[list[tuple[int, dict[str, Any]]]]:
        with self.path.open("rb") as fh:
            marshal.load(fh)
            while True:
                kind, value = marshal.load(fh)
                if kind == "e":
                    self.total_rows = int(value)
                    return
                yield value


def remove(upload_path: str) -> None:
    path = spool_path(upload_path)
    path.unlink(missing_ok=True)
    path.with_name(path.name + ".tmp").unlink(missing_ok=True)
