"""In-app notices: a row per message for the user in `to` (exactly once per message)."""

from __future__ import annotations

from kefu.core.models import User
from kefu.notifications.channels.base import DeliveryError, SendResult
from kefu.notifications.models import InAppNotification, OutboxMessage


def send(message: OutboxMessage) -> SendResult:
    user = User.objects.filter(pk=int(message.to), is_active=True).first()
    if user is None:
        raise DeliveryError(f"no active user {message.to}", permanent=True)
    notice, _created = InAppNotification.objects.get_or_create(
        message=message,
        defaults={
            "user": user,
            "title": message.subject or message.body[:60],
            "body": message.body,
            "url": message.link,
        },
    )
    from kefu.notifications.selectors import forget_unread_count

    forget_unread_count(user)
    return SendResult(provider_message_id=f"inapp:{notice.pk}")
