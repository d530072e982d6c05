"""Structured logs: a JSON formatter (LOG_FORMAT=json) and a filter that masks personal data.

The filter masks mainland mobile numbers (138****5678), resident ID numbers
(110101********1234) and e-mail addresses (z***@example.com) in the formatted message."""

from __future__ import annotations

import json
import logging
import re
from datetime import UTC, datetime

from kefu.core.context import current_origin

ID_NUMBER = re.compile(r"(?<![0-9A-Za-z])(\d{6})\d{8}(\d{3}[\dXx])(?![0-9A-Za-z])")
MOBILE = re.compile(r"(?<!\d)(1[3-9]\d)\d{4}(\d{4})(?!\d)")
EMAIL = re.compile(r"([A-Za-z0-9._%+-])[A-Za-z0-9._%+-]*@([A-Za-z0-9.-]+\.[A-Za-z]{2,})")

REQUEST_FIELDS = ("method", "path", "status", "duration_ms")


def scrub(text: str) -> str:
    """Mask ID numbers, mobile numbers and e-mail addresses in `text`."""
    text = ID_NUMBER.sub(r"\1********\2", text)
    text = MOBILE.sub(r"\1****\2", text)
    return EMAIL.sub(r"\1***@\2", text)


class ScrubPersonalDataFilter(logging.Filter):
    """Replaces the record's message by its masked form (never drops a record)."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 (a broken format string must not lose the record)
            return True
        masked = scrub(message)
        if masked != message:
            record.msg, record.args = masked, None
        path = getattr(record, "path", None)
        if isinstance(path, str):
            record.path = scrub(path)
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, request_id and, for request
    logs, method, path (no query string), status and duration_ms."""

    def format(self, record: logging.LogRecord) -> str:
        data: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, tz=UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        request_id = getattr(record, "request_id", "") or current_origin().request_id
        if request_id:
            data["request_id"] = request_id
        for field in REQUEST_FIELDS:
            value = getattr(record, field, None)
            if value is not None:
                data[field] = value.split("?", 1)[0] if field == "path" else value
        if record.exc_info:
            data["exc"] = scrub(self.formatException(record.exc_info))
        return json.dumps(data, ensure_ascii=False, default=str)
