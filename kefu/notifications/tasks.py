"""Background entry points of notifications. Tasks only call services."""

from __future__ import annotations

from datetime import timedelta

from django.tasks import task

from kefu.core.schedule import register_periodic
from kefu.notifications import delivery


@task()
def deliver_message_task(message_id: int) -> str:
    return delivery.deliver(message_id=message_id)


@task()
def sweep_outbox() -> dict[str, int]:
    """Send due messages: retries whose backoff ran out, delayed sends, lost claims."""
    return delivery.sweep()


register_periodic(
    "notifications.sweep",
    sweep_outbox,
    every=timedelta(minutes=1),
    description="Send due outbox messages and retries.",
)
