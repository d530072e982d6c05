"""Managing notifications: opt-outs, templates, channel settings, in-app read marks."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone

from kefu.core.errors import PermissionDenied
from kefu.core.permissions import Perm
from kefu.core.selectors.scope import (
    has_perm_at_top,
    require_perm,
    require_visible,
    scope_for,
)
from kefu.core.services.audit import diff_fields, record_audit
from kefu.notifications import rendering
from kefu.notifications.choices import CUSTOMER_CHANNELS, Channel, Status
from kefu.notifications.defaults import default_template
from kefu.notifications.errors import TemplateInvalid, UnknownChannel, UnknownTemplate
from kefu.notifications.models import (
    ChannelConfig,
    ChannelOptOut,
    InAppNotification,
    NotificationTemplate,
    OutboxMessage,
)

if TYPE_CHECKING:
    from kefu.core.models import User
    from kefu.customers.models import Customer


def _customer_channel(channel: str) -> Channel:
    if channel not in CUSTOMER_CHANNELS:
        raise UnknownChannel(details={"channel": channel})
    return Channel(channel)


def opt_out(*, actor: User, customer: Customer, channel: str, reason: str = "") -> ChannelOptOut:
    """Stop messages to `customer` on `channel`; queued ones are withdrawn. Idempotent."""
    kind = _customer_channel(channel)
    require_visible(actor, customer.unit)
    require_perm(actor, Perm.EDIT_CUSTOMERS, customer.unit)
    with transaction.atomic():
        row, created = ChannelOptOut.objects.get_or_create(
            customer=customer,
            channel=kind,
            defaults={"reason": reason[:200], "created_by": actor},
        )
        if created:
            withdrawn = OutboxMessage.objects.filter(
                customer=customer, channel=kind, status=Status.QUEUED
            ).update(
                status=Status.OPTED_OUT,
                next_attempt_at=None,
                last_error=f"customer opted out of {kind}",
            )
            record_audit(
                actor=actor,
                action="notifications.opt_out",
                obj=customer,
                unit=customer.unit,
                changes={"channel": kind.value, "reason": reason[:200], "withdrawn": withdrawn},
            )
    return row


def opt_in(*, actor: User, customer: Customer, channel: str) -> bool:
    """Allow `channel` again; False when there was no opt-out."""
    kind = _customer_channel(channel)
    require_visible(actor, customer.unit)
    require_perm(actor, Perm.EDIT_CUSTOMERS, customer.unit)
    with transaction.atomic():
        deleted, _detail = ChannelOptOut.objects.filter(customer=customer, channel=kind).delete()
        if deleted:
            record_audit(
                actor=actor,
                action="notifications.opt_in",
                obj=customer,
                unit=customer.unit,
                changes={"channel": kind.value},
            )
    return bool(deleted)


def require_configure(actor: User) -> None:
    """Templates and channel settings apply to the whole company: headquarters only."""
    if not has_perm_at_top(actor, Perm.CONFIGURE):
        raise PermissionDenied()


def check_template(subject: str, body: str, context: dict[str, Any]) -> tuple[str, str]:
    """Render both parts, or raise TemplateInvalid saying what is wrong."""
    try:
        return rendering.render(subject, context), rendering.render(body, context)
    except Exception as exc:
        raise TemplateInvalid(
            str(exc)[:300], details={"error": f"{type(exc).__name__}: {exc}"[:300]}
        ) from exc


def save_template(
    *,
    actor: User,
    key: str,
    subject: str,
    body: str,
    channel: str = "",
    active: bool = True,
) -> NotificationTemplate:
    require_configure(actor)
    fallback = default_template(key)
    if fallback is None and not NotificationTemplate.objects.filter(key=key).exists():
        raise UnknownTemplate(details={"template": key})
    if channel and channel not in Channel.values:
        raise UnknownChannel(details={"channel": channel})
    check_template(subject, body, dict((fallback.sample if fallback else None) or {}))
    with transaction.atomic():
        row = NotificationTemplate.objects.select_for_update().filter(key=key).first()
        before: dict[str, Any] = {}
        if row is None:
            row = NotificationTemplate(key=key)
        else:
            before = {"subject": row.subject, "body": row.body, "active": row.active}
        row.subject, row.body, row.channel = subject[:200], body, channel
        row.active, row.updated_by = active, actor
        row.save()
        after = {"subject": row.subject, "body": row.body, "active": row.active}
        record_audit(
            actor=actor,
            action="notifications.template_saved",
            obj=row,
            changes=diff_fields(before, after),
        )
    return row


def reset_template(*, actor: User, key: str) -> bool:
    """Drop the edited version of `key` (the built-in default applies again)."""
    require_configure(actor)
    with transaction.atomic():
        deleted, _detail = NotificationTemplate.objects.filter(key=key).delete()
        if deleted and default_template(key) is not None:
            record_audit(
                actor=actor,
                action="notifications.template_reset",
                object_type="notifications.notificationtemplate",
                object_id=key,
                object_repr=key,
            )
    return bool(deleted)


_CONFIG_FIELDS = ("enabled", "provider", "endpoint", "key_id", "sign_name", "options")


def save_channel_config(
    *,
    actor: User,
    channel: str,
    enabled: bool = True,
    provider: str = "",
    endpoint: str = "",
    key_id: str = "",
    secret: str | None = None,
    sign_name: str = "",
    options: dict[str, Any] | None = None,
) -> ChannelConfig:
    """Save a channel's settings. `secret=None` (or "") keeps the stored secret; the audit
    records only that it changed."""
    require_configure(actor)
    kind = Channel(channel) if channel in Channel.values else None
    if kind is None or kind in (Channel.EMAIL, Channel.INAPP):
        raise UnknownChannel(details={"channel": channel})
    with transaction.atomic():
        row = ChannelConfig.objects.select_for_update().filter(channel=kind).first()
        row = row or ChannelConfig(channel=kind)
        before = {f: getattr(row, f) for f in _CONFIG_FIELDS} if row.pk else {}
        row.enabled, row.provider, row.endpoint = enabled, provider[:50], endpoint[:500]
        row.key_id, row.sign_name, row.options = key_id[:200], sign_name[:100], options or {}
        secret_changed = bool(secret) and secret != row.secret
        if secret:
            row.secret = secret[:500]
        row.updated_by = actor
        row.save()
        changes = diff_fields(before, {f: getattr(row, f) for f in _CONFIG_FIELDS})
        if secret_changed:
            changes["secret"] = ["•••", "•••"]
        record_audit(actor=actor, action="notifications.channel_saved", obj=row, changes=changes)
    return row


def mark_read(*, actor: User, ids: list[int] | None = None) -> int:
    """Mark the actor's own in-app notifications read (all unread ones when `ids` is None)."""
    qs = InAppNotification.objects.filter(user=actor, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=ids)
    from kefu.notifications.selectors import forget_unread_count

    with transaction.atomic():
        marked = qs.update(read_at=timezone.now())
    forget_unread_count(actor)
    return marked


def start_holiday_greeting(
    *,
    actor: User,
    channel: str,
    template: str,
    holiday: str,
    segment: dict[str, Any],
) -> str:
    """Check and queue a holiday greeting to a customer segment; the messages are queued in
    batches by a background task after commit. Returns the campaign id (its dedupe prefix)."""
    import uuid

    from kefu.core.tasks_util import enqueue_on_commit
    from kefu.notifications.tasks import holiday_greeting_task

    if Perm.DO_REVISITS not in scope_for(actor).all_perms:
        raise PermissionDenied()
    if channel not in (Channel.SMS, Channel.EMAIL):
        raise UnknownChannel(details={"channel": channel})
    if (
        default_template(template) is None
        and not NotificationTemplate.objects.filter(key=template, active=True).exists()
    ):
        raise UnknownTemplate(details={"template": template})
    campaign = uuid.uuid4().hex[:12]
    with transaction.atomic():
        record_audit(
            actor=actor,
            action="notifications.holiday_greeting",
            object_type="notifications.campaign",
            object_id=campaign,
            object_repr=holiday[:200],
            changes={"channel": channel, "template": template, "segment": segment},
        )
        enqueue_on_commit(
            holiday_greeting_task, actor.pk, campaign, channel, template, holiday, segment
        )
    return campaign


def send_test(*, actor: User, channel: str, to: str = "") -> OutboxMessage:
    """Queue the "notifications.test" message on a channel (settings page)."""
    from kefu.notifications.services import queue_message

    require_configure(actor)
    if channel not in Channel.values:
        raise UnknownChannel(details={"channel": channel})
    target = to or (str(actor.pk) if channel == Channel.INAPP else "")
    if channel == Channel.EMAIL and not target:
        target = actor.email
    message = queue_message(
        actor=actor,
        channel=channel,
        to=target,
        template="notifications.test",
        context={"channel": Channel(channel).label},
    )
    assert message is not None  # no customer: never opted out
    return message
