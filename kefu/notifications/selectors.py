"""Reads of notifications for the UI and the API (scoped)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet

from kefu.core.errors import NotFound
from kefu.core.permissions import Perm
from kefu.core.selectors.scope import has_perm_at_top, scope_for
from kefu.notifications.defaults import default_templates
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


def can_see_outbox(actor: User) -> bool:
    return Perm.CONFIGURE in scope_for(actor).all_perms


def outbox_messages(
    actor: User, *, status: str = "", channel: str = "", customer_id: int | None = None
) -> QuerySet[OutboxMessage]:
    """Messages the actor may see: those of customers in units where they hold CONFIGURE;
    messages without a unit (staff robots, in-app) only at headquarters."""
    qs = OutboxMessage.objects.select_related("customer", "unit", "created_by").order_by("-id")
    scope = scope_for(actor)
    if not scope.is_superuser:
        paths = [g.path for g in scope.grants if Perm.CONFIGURE in g.perms]
        if not paths:
            return qs.none()
        units = Q()
        for path in paths:
            units |= Q(unit__path__startswith=path)
        if has_perm_at_top(actor, Perm.CONFIGURE):
            units |= Q(unit__isnull=True)
        qs = qs.filter(units)
    if status:
        qs = qs.filter(status=status)
    if channel:
        qs = qs.filter(channel=channel)
    if customer_id is not None:
        qs = qs.filter(customer_id=customer_id)
    return qs


def outbox_message(actor: User, message_id: int) -> OutboxMessage:
    row = outbox_messages(actor).prefetch_related("delivery_attempts").filter(pk=message_id).first()
    if row is None:
        raise NotFound()
    return row


@dataclass(frozen=True)
class TemplateRow:
    key: str
    channel: str
    subject: str
    body: str
    active: bool
    edited: bool
    description: str


def templates() -> list[TemplateRow]:
    """Every known template key: the built-in defaults, overlaid with edited rows."""
    rows = {t.key: t for t in NotificationTemplate.objects.all()}
    out: list[TemplateRow] = []
    for default in default_templates():
        row = rows.pop(default.key, None)
        if row is None:
            out.append(
                TemplateRow(
                    default.key,
                    default.channel,
                    default.subject,
                    default.body,
                    True,
                    False,
                    default.description,
                )
            )
        else:
            out.append(
                TemplateRow(
                    row.key,
                    row.channel or default.channel,
                    row.subject,
                    row.body,
                    row.active,
                    True,
                    default.description,
                )
            )
    for row in rows.values():
        out.append(TemplateRow(row.key, row.channel, row.subject, row.body, row.active, True, ""))
    return sorted(out, key=lambda t: t.key)


def template_row(key: str) -> TemplateRow:
    for row in templates():
        if row.key == key:
            return row
    raise NotFound()


def channel_configs() -> dict[str, ChannelConfig]:
    return {c.channel: c for c in ChannelConfig.objects.all()}


def opt_outs(actor: User, *, customer_id: int | None = None) -> QuerySet[ChannelOptOut]:
    from kefu.core.selectors.scope import restrict_to_scope

    qs = ChannelOptOut.objects.select_related("customer", "created_by").order_by("-id")
    qs = restrict_to_scope(qs, actor, field="customer__unit")
    if customer_id is not None:
        qs = qs.filter(customer_id=customer_id)
    return qs


def customer_opt_outs(customer: Customer) -> set[str]:
    return set(ChannelOptOut.objects.filter(customer=customer).values_list("channel", flat=True))


def inapp_for(user: User, *, unread_only: bool = False) -> QuerySet[InAppNotification]:
    qs = InAppNotification.objects.filter(user=user).order_by("-created_at", "-id")
    if unread_only:
        qs = qs.filter(read_at__isnull=True)
    return qs


def unread_count(user: User) -> int:
    return InAppNotification.objects.filter(user=user, read_at__isnull=True).count()


BELL_TTL = 60


def _bell_key(user: User) -> str:
    joined = user.date_joined.timestamp() if user.date_joined else 0
    return f"kefu:notifications:unread:{user.pk}:{joined}"


def cached_unread_count(user: User) -> int:
    """The bell's number: cached per user (pages render it on every request), dropped
    whenever a notice is created for the user or they read one."""
    from django.core.cache import cache

    key = _bell_key(user)
    value = cache.get(key)
    if value is None:
        value = unread_count(user)
        cache.set(key, value, BELL_TTL)
    return int(value)


def forget_unread_count(user: User) -> None:
    from django.core.cache import cache

    cache.delete(_bell_key(user))
