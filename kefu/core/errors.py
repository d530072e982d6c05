"""Domain errors. Each carries a stable `code` that the API returns unchanged."""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    code = "domain_error"
    status_code = 400
    default_message = "The request could not be carried out."

    def __init__(
        self, message: str | None = None, *, details: Any = None, code: str | None = None
    ) -> None:
        self.message = str(message or self.default_message)
        self.details = details
        if code:
            self.code = code
        super().__init__(self.message)


class ValidationFailed(DomainError):
    code = "validation_error"
    status_code = 422
    default_message = "Some fields are not valid."


class NotFound(DomainError):
    code = "not_found"
    status_code = 404
    default_message = "Not found."


class PermissionDenied(DomainError):
    code = "permission_denied"
    status_code = 403
    default_message = "You do not have permission to do this."


class Conflict(DomainError):
    code = "conflict"
    status_code = 409
    default_message = "The record was changed or already exists."


class CalendarRangeError(ValidationFailed):
    code = "calendar_out_of_range"
    default_message = "The date lies outside the range the business calendar supports."


class ImportFailed(ValidationFailed):
    code = "import_failed"
    default_message = "The file could not be imported."
