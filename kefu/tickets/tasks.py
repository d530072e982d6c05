"""Background entry points of the tickets app. Tasks only call services."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.tasks import task
from django.utils import timezone

from kefu.core.schedule import register_periodic
from kefu.tickets.mailout import MailRejected, MailSendFailed, deliver_reply_mail


def _retry_delay(attempt: int) -> timedelta:
    return timedelta(minutes=min(60, 2 ** (attempt - 1)))


@task()
def send_reply_mail(event_id: int, attempt: int = 1) -> str:
    """Send an agent's reply by mail. On failure it raises (the task result shows the
    error) after queueing the next attempt with a growing delay (1, 2, 4 … 60 minutes),
    when the task backend can defer; a permanent refusal (5xx) is not retried, and a
    retry after a success sends nothing."""
    try:
        return deliver_reply_mail(event_id=event_id)
    except MailRejected:
        raise  # 5xx or a malformed message: another try cannot help
    except MailSendFailed:
        max_attempts = int(getattr(settings, "KEFU_MAIL_MAX_ATTEMPTS", 8))
        backend = send_reply_mail.get_backend()
        if attempt < max_attempts and backend.supports_defer:
            send_reply_mail.using(run_after=timezone.now() + _retry_delay(attempt)).enqueue(
                event_id, attempt + 1
            )
        raise


@task()
def purge_idempotency_keys() -> int:
    """Delete Idempotency-Key records (of every ticket write) older than
    settings.KEFU_IDEMPOTENCY_KEY_DAYS (30 by default)."""
    from kefu.tickets.services.idempotency import KEEP_DAYS, purge_keys

    return purge_keys(keep_days=int(getattr(settings, "KEFU_IDEMPOTENCY_KEY_DAYS", KEEP_DAYS)))


register_periodic(
    "tickets.purge_idempotency_keys",
    purge_idempotency_keys,
    every=timedelta(days=1),
    offset=timedelta(hours=3, minutes=40),
    description="Delete Idempotency-Key records past their keeping time (30 days).",
)
