"""Tasks used by the worker tests (importable by a worker subprocess)."""

from __future__ import annotations

from django.db import transaction
from django.tasks import task

from kefu.core.services.audit import record_audit


@task()
def ping(note: str) -> dict[str, str]:
    """Writes an audit row (so a worker subprocess visibly wrote to the test database)."""
    with transaction.atomic():
        event = record_audit(actor=None, action="tests.ping", object_repr=note)
    return {"note": note, "via": event.via}


@task()
def boom() -> None:
    raise RuntimeError("boom for the worker tests")
