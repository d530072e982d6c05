"""What an app provides to import a register (表) from a spreadsheet.

    class CustomerImporter(Importer):
        key = "customers"
        label = _("Customers")
        perm = Perm.EDIT_CUSTOMERS
        columns = (
            Column("name", "客户名称", aliases=("名称", "name"), required=True),
            Column("phone", "电话", aliases=("手机", "phone"), parse=parsers.phone),
            Column("birthday", "出生日期", parse=parsers.date),
        )

        def prepare(self, ctx): ...          # load lookups once (units by name, tiers …)
        def validate(self, row, ctx): ...    # cross-field and database checks, per row
        def write(self, rows, ctx): ...      # bulk-write one batch of clean rows

    register(CustomerImporter())            # in the app's `importers.py` (autodiscovered)

Rows are dicts keyed by `Column.key`, already parsed. `validate` returns the cleaned row
or raises `RowInvalid({column_key: reason})`. `write` runs inside the import's single
transaction, batch by batch, and returns counts (e.g. {"created": 5000}). Nothing is
written during a dry run.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.utils.functional import Promise

from kefu.core.permissions import Perm

if TYPE_CHECKING:
    from kefu.core.models import OrgUnit, User


class CellInvalid(ValueError):
    """Raised by a column parser; the message is shown to the user as the reason."""


class RowInvalid(ValueError):
    """Raised by `Importer.validate` with {column_key: reason} (key "" for the whole row)."""

    def __init__(self, errors: dict[str, str]) -> None:
        self.errors = errors
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))


def _text(value: Any) -> Any:
    return value


@dataclass(frozen=True)
class Column:
    key: str
    header: str  # Chinese header as in the handbook's form; the template uses it
    aliases: tuple[str, ...] = ()  # other accepted headers (English, older forms)
    required: bool = False
    parse: Callable[[Any], Any] = _text  # raw cell → value; raise CellInvalid(reason)
    example: str = ""  # shown in the template's example row
    help: str | Promise = ""  # shown in the template's notes sheet

    @property
    def all_headers(self) -> tuple[str, ...]:
        return (self.header, self.key, *self.aliases)


@dataclass
class ImportContext:
    """Per-run state handed to prepare/validate/write. `data` is the importer's own."""

    actor: User
    unit: OrgUnit | None  # the unit chosen on the upload form (default for rows)
    dry_run: bool
    options: dict[str, Any] = field(default_factory=dict)
    data: dict[str, Any] = field(default_factory=dict)
    row: int = 0  # the row being validated, as Excel numbers it (set by the engine)


class Importer:
    key: str = ""
    label: str | Promise = ""
    perm: Perm = Perm.CONFIGURE
    columns: Sequence[Column] = ()
    batch_size: int = 5000
    # the audited object type of export/import logs, e.g. "customers.customer"
    object_type: str = ""
    # column keys holding personal data (for the audit log's field list)
    personal_fields: tuple[str, ...] = ()
    # True when `validate` depends only on the row and `prepare`'s lookups (database checks
    # that may change between dry run and commit live in `check_batch`): the commit then
    # writes the rows the dry run checked, running `check_batch` again, instead of parsing
    # the file a second time. Rows must hold plain values (str, int, float, bool, None,
    # lists, dicts); anything else quietly falls back to parsing again.
    reuse_checked_rows: bool = False

    def prepare(self, ctx: ImportContext) -> None:
        """Load what validation needs once (lookups by name, existing keys …)."""

    def validate(self, row: dict[str, Any], ctx: ImportContext) -> dict[str, Any]:
        return row

    def check_batch(
        self, rows: list[dict[str, Any]], ctx: ImportContext
    ) -> dict[int, dict[str, str]]:
        """Database checks for a batch of validated rows at once (one query instead of one
        per row): {index in `rows`: {column_key: reason}} for the rows that fail."""
        return {}

    def write(self, rows: list[dict[str, Any]], ctx: ImportContext) -> dict[str, int]:
        raise NotImplementedError


_IMPORTERS: dict[str, Importer] = {}


def register(importer: Importer) -> Importer:
    if not importer.key:
        raise ValueError("An importer needs a key.")
    _IMPORTERS[importer.key] = importer
    return importer


def get_importer(key: str) -> Importer | None:
    return _IMPORTERS.get(key)


def registered() -> list[Importer]:
    return list(_IMPORTERS.values())
