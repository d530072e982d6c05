"""Configuration read on every ticket creation (routing rules, SLA policies, which calendar a
unit uses), kept in this process.

The same mechanism as the business-calendar cache (kefu/core/services/calendar.py): values
live in this process; a write clears them here at once and changes a version key in Django's
cache (again after commit); other processes look at that key at most every
`settings.KEFU_CALENDAR_CACHE_SECONDS` and drop their copies when it changed.

Writes are noticed twice: the config services call `invalidate()` (bulk updates such as
reordering send no model signals), and every save or delete of a watched model (also from
the admin, a shell, a fixture) invalidates through `watch()`."""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable, Hashable
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import Model
from django.db.models.signals import m2m_changed, post_delete, post_save

VERSION_KEY = "kefu:config:version"


class _ConfigCache:
    def __init__(self) -> None:
        self._values: dict[Hashable, Any] = {}
        self._version: Any = None
        self._checked = float("-inf")
        self._lock = threading.Lock()

    def get[T](self, key: Hashable, load: Callable[[], T]) -> T:
        now = time.monotonic()
        if now - self._checked >= settings.KEFU_CALENDAR_CACHE_SECONDS:
            self._refresh(now)
        try:
            return self._values[key]
        except KeyError:
            pass
        value = load()
        self._values[key] = value
        return value

    def _refresh(self, now: float) -> None:
        version = cache.get(VERSION_KEY)
        with self._lock:
            self._checked = now
            if version != self._version:
                self._values = {}
                self._version = version

    def bump(self) -> None:
        version = uuid.uuid4().hex
        cache.set(VERSION_KEY, version, None)
        with self._lock:
            self._values = {}
            self._version = version

    def clear(self) -> None:
        with self._lock:
            self._values = {}
            self._checked = float("-inf")


_cache = _ConfigCache()


def cached[T](key: Hashable, load: Callable[[], T]) -> T:
    """The value under `key`, loaded with `load()` when this process has none (or an old
    one). Treat it as read-only: it is shared by every request of this process."""
    return _cache.get(key, load)


def invalidate() -> None:
    """Call inside a config write's transaction: clear now (this process) and after commit
    (all processes; a rollback must not leave the rolled-back state cached)."""
    _cache.bump()
    transaction.on_commit(_cache.bump)


def reset_config_cache() -> None:
    """Forget everything (tests: the database was rolled back under us)."""
    _cache.clear()


def _on_change(**kwargs: Any) -> None:
    invalidate()


def watch(*models: type[Model] | Any) -> None:
    """Invalidate on every save/delete of these models (and m2m changes through them)."""
    for model in models:
        uid = f"kefu.config_cache:{model._meta.label}"
        post_save.connect(_on_change, sender=model, dispatch_uid=f"{uid}:save")
        post_delete.connect(_on_change, sender=model, dispatch_uid=f"{uid}:delete")
        m2m_changed.connect(_on_change, sender=model, dispatch_uid=f"{uid}:m2m")
