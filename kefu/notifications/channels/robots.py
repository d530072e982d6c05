"""Placeholder; the adapter follows."""

from __future__ import annotations

from kefu.notifications.channels.base import DeliveryError, SendResult
from kefu.notifications.models import OutboxMessage


def send(message: OutboxMessage) -> SendResult:
    raise DeliveryError(f"channel {message.channel} is not configured", permanent=True)
