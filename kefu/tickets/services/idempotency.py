"""Idempotency-Key for the ticket writes other than create (intake has create's own path).

A write sent with a key runs once per (user, key): the key row, the write and the answer the
client gets are committed in one transaction, so a crash never keeps one without the other.
A retry with the same key, operation, target and body gets the stored answer and writes
nothing; the same key with anything else is refused (409 idempotency_key_reused) and writes
nothing. A write that fails (a domain error) rolls its key row back too: retrying it runs it
again."""

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kefu.core.errors import ValidationFailed
from kefu.core.models import User
from kefu.tickets.errors import IdempotencyMismatch
from kefu.tickets.models import IdempotencyKey, Ticket

KEEP_DAYS = 30


@dataclass(frozen=True)
class Answer:
    """The answer to a write: its status and JSON body; `replayed` when it is the stored one."""

    status: int
    body: Any
    replayed: bool = False


def clean_key(key: str) -> str:
    key = key.strip()
    if not key or len(key) > 200:
        raise ValidationFailed(details={"Idempotency-Key": _("Use 1 to 200 characters.")})
    return key


def fingerprint(*, operation: str, ticket: Ticket, request: dict[str, Any]) -> str:
    """A stable hash of one write: its operation, its target and its input."""
    text = json.dumps(
        {"operation": operation, "ticket": ticket.pk, "request": request},
        sort_keys=True,
        default=str,
        ensure_ascii=False,
    )
    return hashlib.sha256(text.encode()).hexdigest()


def run_once(
    *,
    actor: User,
    key: str,
    operation: str,
    ticket: Ticket,
    request: dict[str, Any],
    perform: Callable[[], Answer],
) -> Answer:
    """Run `perform` (the write and the rendering of its answer) once per (actor, key).

    The key row is inserted first in the writing transaction; a concurrent retry's insert
    waits on the unique index until the first commits (then replays) or rolls back (then
    runs)."""
    key = clean_key(key)
    digest = fingerprint(operation=operation, ticket=ticket, request=request)
    with transaction.atomic():
        try:
            with transaction.atomic():
                record = IdempotencyKey.objects.create(
                    user=actor, key=key, request_hash=digest, operation=operation, ticket=ticket
                )
        except IntegrityError:
            return _replay(actor=actor, key=key, operation=operation, digest=digest)
        answer = perform()
        record.response_status = answer.status
        record.response_body = answer.body
        record.save(update_fields=["response_status", "response_body"])
    return answer


def _replay(*, actor: User, key: str, operation: str, digest: str) -> Answer:
    first = IdempotencyKey.objects.get(user=actor, key=key)
    if first.operation != operation or first.request_hash != digest:
        raise IdempotencyMismatch()
    assert first.response_status is not None
    return Answer(status=first.response_status, body=first.response_body, replayed=True)


def purge_keys(*, now: datetime | None = None, keep_days: int = KEEP_DAYS) -> int:
    """Delete the keys (of every operation, create's too) older than `keep_days`; returns
    how many. A retry later than that runs as a new request."""
    cutoff = (now or timezone.now()) - timedelta(days=keep_days)
    deleted, _rows = IdempotencyKey.objects.filter(created_at__lt=cutoff).delete()
    return deleted
