"""Background entry points of notifications. Tasks only call services."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

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


@task()
def birthday_greetings_task() -> dict[str, int]:
    """Queue today's birthday greetings (the members app creates the Greeting rows at 06:00)."""
    from kefu.notifications.producers import queue_birthday_greetings

    return queue_birthday_greetings()


@task()
def holiday_greeting_task(
    actor_id: int, campaign: str, channel: str, template: str, holiday: str, segment: dict[str, Any]
) -> dict[str, int]:
    from kefu.core.models import User
    from kefu.notifications.producers import send_holiday_greeting

    actor = User.objects.get(pk=actor_id)
    return send_holiday_greeting(
        actor=actor,
        campaign=campaign,
        channel=channel,
        template=template,
        holiday=holiday,
        segment=segment,
    )


register_periodic(
    "notifications.birthdays",
    birthday_greetings_task,
    every=timedelta(days=1),
    offset=timedelta(hours=9),
    description="Queue the day's birthday greetings (SMS; in-app call reminders).",
)
