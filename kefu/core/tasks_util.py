"""Queueing background work from services: only after the surrounding transaction commits."""

from __future__ import annotations

import logging
from typing import Any

from django.db import transaction
from django.tasks import Task
from django.utils.json import normalize_json

logger = logging.getLogger("kefu.tasks")


def enqueue_on_commit(task: Task[..., Any], *args: Any, **kwargs: Any) -> None:
    """Queue `task(*args, **kwargs)` once the current transaction commits; nothing is queued
    if it rolls back. Outside a transaction the task is queued at once.

    The arguments are checked now (they must be JSON: ids, strings, numbers, lists, dicts),
    so a bad argument fails the service inside its transaction instead of after commit."""
    normalize_json({"args": args, "kwargs": kwargs})

    def _enqueue() -> None:
        result = task.enqueue(*args, **kwargs)
        logger.debug("queued %s id=%s", task.module_path, result.id)

    transaction.on_commit(_enqueue)
