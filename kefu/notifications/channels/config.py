"""Reading channel settings (ChannelConfig rows) at send time."""

from __future__ import annotations

from kefu.notifications.channels.base import DeliveryError
from kefu.notifications.models import ChannelConfig


def config_for(channel: str) -> ChannelConfig | None:
    return ChannelConfig.objects.filter(channel=channel).first()


def enabled_config(channel: str) -> ChannelConfig:
    config = config_for(channel)
    if config is None or not config.enabled or not config.endpoint:
        raise DeliveryError(f"channel {channel} is not configured", permanent=True)
    return config
