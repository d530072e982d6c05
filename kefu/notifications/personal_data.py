"""The notifications' part of a customer's personal data (registered in
NotificationsConfig.ready).

Export: the messages sent to the customer (channel, recipient, template, status, times;
no bodies, which may name other people) and channel opt-outs. Erase: the recipient of
every message to the customer is blanked and the texts of those and of staff messages
about the customer's tickets are masked; messages still waiting are cancelled ("erased")."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q
from django.utils.translation import gettext_lazy

from kefu.notifications.choices import Status
from kefu.notifications.models import (
    ChannelOptOut,
    DeliveryAttempt,
    InAppNotification,
    OutboxMessage,
)

if TYPE_CHECKING:
    from kefu.customers.models import Customer
    from kefu.customers.personal_data_registry import Redactor, Rows

ERASED_REASON = "erased"
PENDING = (Status.QUEUED, Status.SENDING)
BATCH = 500


def export_notifications(customer: Customer) -> dict[str, Rows]:
    return {
        "notifications": list(
            OutboxMessage.objects.filter(customer_id=customer.pk)
            .order_by("created_at", "id")
            .values("channel", "to", "template_key", "status", "created_at", "sent_at")
        ),
        "notification_opt_outs": list(
            ChannelOptOut.objects.filter(customer_id=customer.pk)
            .order_by("channel")
            .values("channel", "reason", "created_at")
        ),
    }


def _about(customer: Customer) -> Q:
    """Messages to the customer, and messages about one of the customer's tickets."""
    ticket_ids = [str(pk) for pk in customer.tickets.values_list("pk", flat=True)]
    return Q(customer_id=customer.pk) | Q(related_type="tickets.ticket", related_id__in=ticket_ids)


def erase_notifications(customer: Customer, redactor: Redactor) -> dict[str, int]:
    rows = list(OutboxMessage.objects.filter(_about(customer)).order_by("id"))
    cancelled = 0
    for m in rows:
        if m.customer_id == customer.pk:
            m.to = ""
        m.subject = redactor.text(m.subject)
        m.body = redactor.text(m.body)
        m.link = redactor.text(m.link)
        m.params = redactor.data(m.params)
        m.last_error = redactor.text(m.last_error)
        if m.customer_id == customer.pk and m.status in PENDING:
            m.status, m.last_error, m.next_attempt_at = Status.CANCELLED, ERASED_REASON, None
            cancelled += 1
    OutboxMessage.objects.bulk_update(
        rows,
        ["to", "subject", "body", "link", "params", "last_error", "status", "next_attempt_at"],
        batch_size=BATCH,
    )
    ids = [m.pk for m in rows]
    attempts = list(DeliveryAttempt.objects.filter(message_id__in=ids).exclude(error=""))
    for a in attempts:
        a.error = redactor.text(a.error)
    DeliveryAttempt.objects.bulk_update(attempts, ["error"], batch_size=BATCH)
    notices = list(InAppNotification.objects.filter(message_id__in=ids))
    for n in notices:
        n.title, n.body = redactor.text(n.title) or "-", redactor.text(n.body)
    InAppNotification.objects.bulk_update(notices, ["title", "body"], batch_size=BATCH)
    opt_outs = ChannelOptOut.objects.filter(customer_id=customer.pk).exclude(reason="")
    return {
        "notifications": len(rows),
        "notifications_cancelled": cancelled,
        "delivery_attempts": len(attempts),
        "inapp_notifications": len(notices),
        "notification_opt_outs": opt_outs.update(reason=""),
    }


def register() -> None:
    from kefu.customers.personal_data_registry import register_personal_data_provider

    register_personal_data_provider(
        "notifications",
        gettext_lazy("Notifications"),
        exporter=export_notifications,
        eraser=erase_notifications,
        order=60,
    )
