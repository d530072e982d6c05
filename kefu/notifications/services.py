"""The write side of notifications: queueing into the outbox, opt-outs, retry and cancel.

Every outbound message in kefu goes through `queue_message`; the send happens in a
background task after the caller's transaction commits (`kefu.notifications.delivery`)."""

from __future__ import annotations

import json
import logging
import re
import uuid
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, models, transaction
from django.utils import timezone

from kefu.core.services.audit import record_audit
from kefu.notifications import rendering
from kefu.notifications.choices import Channel, Status
from kefu.notifications.defaults import default_template
from kefu.notifications.errors import (
    BadRecipient,
    NotCancellable,
    NotRetryable,
    TemplateInvalid,
    UnknownChannel,
    UnknownTemplate,
)
from kefu.notifications.models import ChannelOptOut, NotificationTemplate, OutboxMessage

if TYPE_CHECKING:
    from kefu.core.models import User
    from kefu.customers.models import Customer

logger = logging.getLogger("kefu.notifications")

_PHONE = re.compile(r"^\+?[0-9]{5,20}$")


def _check_channel(channel: str) -> Channel:
    try:
        return Channel(channel)
    except ValueError:
        raise UnknownChannel(details={"channel": channel}) from None


def normalize_recipient(channel: Channel, to: str) -> str:
    """The recipient in its stored form; raises BadRecipient."""
    value = (to or "").strip()
    if channel == Channel.EMAIL:
        try:
            validate_email(value)
        except ValidationError:
            raise BadRecipient(details={"to": to}) from None
    elif channel == Channel.SMS:
        value = re.sub(r"[\s-]", "", value)
        if not _PHONE.match(value):
            raise BadRecipient(details={"to": to})
    elif channel == Channel.INAPP and not value.isdigit():
        raise BadRecipient(details={"to": to})
    # Robots: `to` is free text (mobiles to @mention, comma-separated, or empty for the group).
    return value[:500]


def resolve_template(key: str) -> tuple[str, str]:
    """(subject source, body source) of template `key`: the active row, else the default."""
    row = NotificationTemplate.objects.filter(key=key, active=True).first()
    if row is not None:
        return row.subject, row.body
    fallback = default_template(key)
    if fallback is None:
        raise UnknownTemplate(details={"template": key})
    return fallback.subject, fallback.body


def render_message(key: str, context: dict[str, Any]) -> tuple[str, str]:
    """(subject, body) of template `key` rendered with `context`. A broken admin edit falls
    back to the built-in default, so a typo never blocks the service queueing the message."""
    subject_src, body_src = resolve_template(key)
    try:
        return rendering.render(subject_src, context), rendering.render(body_src, context)
    except Exception as exc:
        fallback = default_template(key)
        logger.warning("template %s failed to render (%s); using the default", key, exc)
        if fallback is None or (fallback.subject, fallback.body) == (subject_src, body_src):
            raise TemplateInvalid(details={"template": key, "error": str(exc)[:200]}) from exc
        try:
            return (
                rendering.render(fallback.subject, context),
                rendering.render(fallback.body, context),
            )
        except Exception as exc2:
            raise TemplateInvalid(details={"template": key, "error": str(exc2)[:200]}) from exc2


def is_opted_out(*, customer: Customer | None, channel: str) -> bool:
    if customer is None:
        return False
    return ChannelOptOut.objects.filter(customer=customer, channel=channel).exists()


def _json_params(context: dict[str, Any]) -> dict[str, Any]:
    """The context as JSON-safe plain data (dates and other values become strings)."""
    data = rendering.plain(context)
    return json.loads(json.dumps(data, default=str, ensure_ascii=False))


def _related(related: models.Model | None) -> tuple[str, str]:
    if related is None:
        return "", ""
    return related._meta.label_lower, str(related.pk)


def queue_message(
    *,
    actor: User | None,
    channel: str,
    to: str,
    template: str,
    context: dict[str, Any],
    customer: Customer | None = None,
    subject: str = "",
    dedupe_key: str = "",
    related: models.Model | None = None,
    send_after: datetime | None = None,
) -> OutboxMessage | None:
    """Put one message in the outbox and send it in the background after commit.

    Returns None when `customer` opted out of `channel` (an `opted_out` row records why).
    The same non-empty `dedupe_key` always gives the first message back, without a second
    send. `subject` (when given) replaces the template's subject."""
    kind = _check_channel(channel)
    recipient = normalize_recipient(kind, to)
    if dedupe_key:
        existing = OutboxMessage.objects.filter(dedupe_key=dedupe_key).first()
        if existing is not None:
            return None if existing.status == Status.OPTED_OUT else existing
    if kind == Channel.SMS and customer is not None:
        from kefu.notifications.quiet import quiet_until

        held = quiet_until(send_after or timezone.now())
        send_after = held or send_after
    rendered_subject, body = render_message(template, context)
    related_type, related_id = _related(related)
    opted_out = is_opted_out(customer=customer, channel=kind)
    row = OutboxMessage(
        channel=kind,
        to=recipient,
        subject=(subject or rendered_subject)[:200],
        body=body,
        template_key=template,
        link=str(context.get("url") or "")[:500],
        params=_json_params(context),
        status=Status.OPTED_OUT if opted_out else Status.QUEUED,
        next_attempt_at=None if opted_out else (send_after or timezone.now()),
        last_error=f"customer opted out of {kind}" if opted_out else "",
        dedupe_key=dedupe_key or f"auto:{uuid.uuid4().hex}",
        customer=customer,
        unit=customer.unit if customer is not None else None,
        related_type=related_type,
        related_id=related_id,
        created_by=actor if actor is not None and actor.pk else None,
    )
    try:
        with transaction.atomic():
            row.save()
            record_audit(
                actor=actor,
                action="notifications.opted_out" if opted_out else "notifications.queued",
                obj=row,
                unit=row.unit,
                changes={"channel": kind.value, "template": template},
            )
    except IntegrityError:
        # Another transaction queued the same key first.
        existing = OutboxMessage.objects.filter(dedupe_key=row.dedupe_key).first()
        if existing is None:
            raise
        return None if existing.status == Status.OPTED_OUT else existing
    if opted_out:
        return None
    if send_after is None or send_after <= timezone.now():
        _send_after_commit(row)
    return row


def _send_after_commit(row: OutboxMessage) -> None:
    from kefu.core.tasks_util import enqueue_on_commit
    from kefu.notifications.tasks import deliver_message_task

    enqueue_on_commit(deliver_message_task, row.pk)


def retry_message(*, actor: User, message_id: int) -> OutboxMessage:
    """Queue a failed or cancelled message again (a fresh budget of attempts)."""
    with transaction.atomic():
        row = OutboxMessage.objects.select_for_update().get(pk=message_id)
        if row.status not in (Status.FAILED, Status.CANCELLED):
            raise NotRetryable(details={"status": row.status})
        before = row.status
        row.status = Status.QUEUED
        row.attempts = 0
        row.next_attempt_at = timezone.now()
        row.save(update_fields=["status", "attempts", "next_attempt_at"])
        record_audit(
            actor=actor,
            action="notifications.retried",
            obj=row,
            unit=row.unit,
            changes={"status": [before, row.status]},
        )
        _send_after_commit(row)
    return row


def cancel_message(*, actor: User, message_id: int) -> OutboxMessage:
    """Cancel a message that has not been handed to its channel yet."""
    with transaction.atomic():
        row = OutboxMessage.objects.select_for_update().get(pk=message_id)
        if row.status != Status.QUEUED:
            raise NotCancellable(details={"status": row.status})
        row.status = Status.CANCELLED
        row.next_attempt_at = None
        row.save(update_fields=["status", "next_attempt_at"])
        record_audit(
            actor=actor,
            action="notifications.cancelled",
            obj=row,
            unit=row.unit,
            changes={"status": [Status.QUEUED, Status.CANCELLED]},
        )
    return row
