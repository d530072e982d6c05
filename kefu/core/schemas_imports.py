"""API shapes of spreadsheet imports."""

from datetime import datetime
from typing import Any

from ninja import Field, Schema


class ImportErrorOut(Schema):
    row: int
    column: str
    value: str
    reason: str


class ProgressOut(Schema):
    processed: int
    total: int
    rate: float
    percent: int


class ImportJobOut(Schema):
    id: int
    importer: str
    status: str
    original_name: str
    unit_id: int
    total_rows: int
    valid_rows: int
    error_rows: int
    valid_only: bool
    background: bool
    progress: ProgressOut
    result: dict[str, Any]
    message: str
    warnings: list[str]
    errors: list[ImportErrorOut] = Field(description="The first 1,000 row errors")
    preview: dict[str, Any] = Field(description="{headers, rows}: the first clean rows, masked")
    created_at: datetime
    validated_at: datetime | None
    finished_at: datetime | None


class CommitIn(Schema):
    valid_only: bool = False
