"""Progress of a running import, readable by every process while the import's transaction is
still open.

Why not the ImportJob row: a commit writes every row in one transaction, and an UPDATE of
the job inside it is invisible to the web process until the end (and on SQLite the writer
holds the database lock). So progress travels outside the database:

* through Django's cache when it is shared between processes (Redis: any backend other than
  local memory or dummy);
* otherwise through a small JSON file `MEDIA_ROOT/imports/progress/<job id>.json`, replaced
  atomically (write a temporary file, then `os.replace`), which every process on the machine
  sees — the SQLite set-up runs web and worker on one host.

The writer throttles itself (at most a few writes per second); readers get
`{"processed", "total", "rate", "phase"}` or None. The job row keeps the final counts.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.cache import cache

_LOCAL_CACHES = (
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
)
_TTL = 24 * 3600


def _shared_cache() -> bool:
    backend = str(settings.CACHES.get("default", {}).get("BACKEND", ""))
    return backend not in _LOCAL_CACHES


def _key(job_id: int) -> str:
    return f"kefu:import-progress:{job_id}"


def _path(job_id: int) -> Path:
    return Path(settings.MEDIA_ROOT) / "imports" / "progress" / f"{job_id}.json"


def write(job_id: int, data: dict[str, Any]) -> None:
    if _shared_cache():
        cache.set(_key(job_id), data, _TTL)
        return
    path = _path(job_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    tmp.write_text(json.dumps(data), encoding="utf-8")
    os.replace(tmp, path)


def read(job_id: int) -> dict[str, Any] | None:
    if _shared_cache():
        value = cache.get(_key(job_id))
        return value if isinstance(value, dict) else None
    try:
        value = json.loads(_path(job_id).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return value if isinstance(value, dict) else None


def clear(job_id: int) -> None:
    if _shared_cache():
        cache.delete(_key(job_id))
        return
    _path(job_id).unlink(missing_ok=True)


class Reporter:
    """Publishes `processed` of `total` for one job and phase, at most every `every` seconds."""

    def __init__(self, job_id: int | None, *, phase: str, total: int, every: float = 0.5) -> None:
        self.job_id = job_id
        self.phase = phase
        self.total = total
        self.every = every
        self.started = time.monotonic()
        self._last = 0.0

    def __call__(self, processed: int, *, force: bool = False) -> None:
        if self.job_id is None:
            return
        now = time.monotonic()
        if not force and now - self._last < self.every:
            return
        self._last = now
        elapsed = max(now - self.started, 1e-6)
        write(
            self.job_id,
            {
                "phase": self.phase,
                "processed": processed,
                "total": max(self.total, processed),
                "rate": round(processed / elapsed, 1),
            },
        )
