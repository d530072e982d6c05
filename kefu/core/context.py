"""Where the current request came from, for the audit log (set by middleware / commands)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass

from kefu.core.choices import Via


@dataclass(frozen=True)
class Origin:
    via: str = Via.SYSTEM
    ip: str | None = None
    request_id: str = ""


_origin: ContextVar[Origin] = ContextVar("kefu_origin", default=Origin())  # noqa: B039 (frozen)


def current_origin() -> Origin:
    return _origin.get()


@contextlib.contextmanager
def origin(value: Origin) -> Iterator[None]:
    token = _origin.set(value)
    try:
        yield
    finally:
        _origin.reset(token)
