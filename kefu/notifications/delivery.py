"""Delivering outbox messages: claim, send through the channel adapter, record the attempt,
then mark sent or schedule a retry with exponential backoff.

A claim moves the row to `sending` with a lease (`next_attempt_at` = now + lease). If the
process dies between the send and the mark, the sweep reclaims the row once the lease
expires and sends again with the same idempotency key (the email Message-ID, the SMS
OutId), so the retry is recognised as the same message; the row is marked sent once."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from kefu.notifications.channels import DeliveryError, SendResult, adapter_for
from kefu.notifications.choices import Status
from kefu.notifications.models import ChannelOptOut, DeliveryAttempt, OutboxMessage

logger = logging.getLogger("kefu.notifications")


def max_attempts() -> int:
    return int(getattr(settings, "KEFU_NOTIFY_MAX_ATTEMPTS", 6))


def backoff(attempts: int) -> timedelta:
    """Wait after the `attempts`-th failure: base * 2^(attempts-1), capped."""
    base = float(getattr(settings, "KEFU_NOTIFY_RETRY_BASE_SECONDS", 60))
    cap = float(getattr(settings, "KEFU_NOTIFY_RETRY_MAX_SECONDS", 6 * 3600))
    return timedelta(seconds=min(cap, base * 2 ** max(0, attempts - 1)))


def lease() -> timedelta:
    return timedelta(seconds=float(getattr(settings, "KEFU_NOTIFY_LEASE_SECONDS", 600)))


def _due(now: datetime) -> Q:
    """Queued and due, or stuck in `sending` past its lease (the sender died)."""
    return Q(status__in=[Status.QUEUED, Status.SENDING], next_attempt_at__lte=now)


def _locked(qs: QuerySet[OutboxMessage]) -> QuerySet[OutboxMessage]:
    if connection.features.has_select_for_update_skip_locked:
        return qs.select_for_update(skip_locked=True)
    return qs.select_for_update()


def due_ids(*, now: datetime, limit: int = 200) -> list[int]:
    qs = OutboxMessage.objects.filter(_due(now)).order_by("next_attempt_at", "id")
    return list(qs.values_list("id", flat=True)[:limit])


def _opted_out(row: OutboxMessage) -> bool:
    return ChannelOptOut.objects.filter(customer=row.customer_id, channel=row.channel).exists()


def claim(*, message_id: int, now: datetime) -> tuple[OutboxMessage, DeliveryAttempt] | None:
    """Take the message for one attempt, or None when it is not due or someone else has it."""
    with transaction.atomic():
        row = _locked(OutboxMessage.objects.filter(_due(now), pk=message_id)).first()
        if row is None:
            return None
        if row.customer_id and row.status == Status.QUEUED and _opted_out(row):
            # The customer opted out after the message was queued.
            row.status = Status.OPTED_OUT
            row.next_attempt_at = None
            row.last_error = f"customer opted out of {row.channel}"
            row.save(update_fields=["status", "next_attempt_at", "last_error"])
            return None
        if row.status == Status.SENDING:
            # The previous attempt never reported back: its outcome is unknown.
            DeliveryAttempt.objects.filter(message=row, finished_at__isnull=True).update(
                finished_at=now, error="outcome unknown (lease expired)"
            )
        row.status = Status.SENDING
        row.attempts += 1
        row.next_attempt_at = now + lease()
        row.save(update_fields=["status", "attempts", "next_attempt_at"])
        attempt = DeliveryAttempt.objects.create(message=row, number=row.attempts, started_at=now)
    return row, attempt


def _finish(
    row: OutboxMessage,
    attempt: DeliveryAttempt,
    *,
    result: SendResult | None,
    error: DeliveryError | None,
) -> str:
    now = timezone.now()
    with transaction.atomic():
        current = OutboxMessage.objects.select_for_update().get(pk=row.pk)
        attempt.finished_at = now
        if error is None and result is not None:
            attempt.ok = True
            attempt.response_code = result.response_code[:50]
            current.status = Status.SENT
            current.sent_at = now
            current.next_attempt_at = None
            current.last_error = ""
            current.provider_message_id = result.provider_message_id[:200]
        else:
            assert error is not None
            attempt.error = str(error)[:500]
            attempt.response_code = error.response_code[:50]
            current.last_error = str(error)[:500]
            if error.permanent or current.attempts >= max_attempts():
                current.status = Status.FAILED
                current.next_attempt_at = None
            else:
                current.status = Status.QUEUED
                current.next_attempt_at = now + backoff(current.attempts)
        attempt.save(update_fields=["finished_at", "ok", "error", "response_code"])
        current.save(
            update_fields=[
                "status",
                "sent_at",
                "next_attempt_at",
                "last_error",
                "provider_message_id",
            ]
        )
    return str(current.status)


def deliver(*, message_id: int, now: datetime | None = None) -> str:
    """One attempt at message `message_id`: its status afterwards, or 'skipped' when it was
    not due (already sent, cancelled, taken by another worker, or waiting for a retry)."""
    claimed = claim(message_id=message_id, now=now or timezone.now())
    if claimed is None:
        return "skipped"
    row, attempt = claimed
    result: SendResult | None = None
    error: DeliveryError | None = None
    try:
        result = adapter_for(row.channel)(row)
    except DeliveryError as exc:
        error = exc
    except Exception as exc:  # an adapter bug must not leave the row stuck in `sending`
        logger.exception("notification %s: adapter crashed", row.pk)
        error = DeliveryError(f"{type(exc).__name__}: {exc}")
    if error is not None:
        logger.warning("notification %s attempt %s failed: %s", row.pk, row.attempts, error)
    return _finish(row, attempt, result=result, error=error)


def sweep(*, now: datetime | None = None, limit: int = 200) -> dict[str, int]:
    """Deliver every due message (up to `limit`); counts by outcome."""
    now = now or timezone.now()
    counts: dict[str, int] = {}
    for message_id in due_ids(now=now, limit=limit):
        outcome = deliver(message_id=message_id, now=now)
        counts[outcome] = counts.get(outcome, 0) + 1
    return counts
