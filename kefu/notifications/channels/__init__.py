"""Channel adapters: one module per channel, each with `send(message) -> SendResult`."""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module
from typing import TYPE_CHECKING

from kefu.notifications.channels.base import DeliveryError, SendResult

if TYPE_CHECKING:
    from kefu.notifications.models import OutboxMessage

_MODULES = {
    "email": "kefu.notifications.channels.email",
    "sms": "kefu.notifications.channels.sms",
    "wecom": "kefu.notifications.channels.robots",
    "dingtalk": "kefu.notifications.channels.robots",
    "inapp": "kefu.notifications.channels.inapp",
}


def adapter_for(channel: str) -> Callable[[OutboxMessage], SendResult]:
    module_path = _MODULES.get(channel)
    if module_path is None:
        raise DeliveryError(f"no adapter for channel {channel!r}", permanent=True)
    send: Callable[[OutboxMessage], SendResult] = import_module(module_path).send
    return send


__all__ = ["DeliveryError", "SendResult", "adapter_for"]
