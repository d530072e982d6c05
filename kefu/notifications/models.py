"""The outbox: templates, queued messages, delivery attempts, opt-outs, in-app notices and
channel settings."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kefu.notifications.choices import Channel, Status


class NotificationTemplate(models.Model):
    """An admin-editable template (Django template syntax). A key without a row, or with an
    inactive row, falls back to the built-in default in `kefu.notifications.defaults`."""

    key = models.CharField(_("key"), max_length=100, unique=True)
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices, blank=True)
    subject = models.CharField(_("subject"), max_length=200, blank=True)
    body = models.TextField(_("body"))
    active = models.BooleanField(_("active"), default=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("updated by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("notification template")
        verbose_name_plural = _("notification templates")
        ordering = ["key"]

    def __str__(self) -> str:
        return self.key


class OutboxMessage(models.Model):
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    to = models.CharField(_("recipient"), max_length=500)
    subject = models.CharField(_("subject"), max_length=200, blank=True)
    body = models.TextField(_("body"), blank=True)
    template_key = models.CharField(_("template"), max_length=100, blank=True)
    link = models.CharField(_("link"), max_length=500, blank=True)
    # The template context as plain data (SMS providers with approved templates need it).
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.QUEUED
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"), null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)
    dedupe_key = models.CharField(_("deduplication key"), max_length=200, unique=True)
    customer = models.ForeignKey(
        "customers.Customer",
        verbose_name=_("customer"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="outbox_messages",
    )
    unit = models.ForeignKey(
        "core.OrgUnit",
        verbose_name=_("unit"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    related_type = models.CharField(_("related object type"), max_length=100, blank=True)
    related_id = models.CharField(_("related object id"), max_length=64, blank=True)
    provider_message_id = models.CharField(_("provider message id"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("outbox message")
        verbose_name_plural = _("outbox messages")
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="notifications_outbox_due_idx"),
            models.Index(
                fields=["related_type", "related_id"], name="notifications_outbox_rel_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.channel} → {self.to} #{self.pk}"

    def audit_repr(self) -> str:
        """The audit log names a message without its recipient (personal data)."""
        return f"{self.channel} #{self.pk}"


class DeliveryAttempt(models.Model):
    message = models.ForeignKey(
        OutboxMessage, on_delete=models.CASCADE, related_name="delivery_attempts"
    )
    number = models.PositiveIntegerField(_("attempt"), default=1)
    started_at = models.DateTimeField(_("started at"))
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    ok = models.BooleanField(_("succeeded"), default=False)
    error = models.CharField(_("error"), max_length=500, blank=True)
    response_code = models.CharField(_("response code"), max_length=50, blank=True)

    class Meta:
        verbose_name = _("delivery attempt")
        verbose_name_plural = _("delivery attempts")
        ordering = ["message", "number", "id"]

    def __str__(self) -> str:
        return f"#{self.message_id}/{self.number}"


class ChannelOptOut(models.Model):
    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.CASCADE, related_name="channel_opt_outs"
    )
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("channel opt-out")
        verbose_name_plural = _("channel opt-outs")
        ordering = ["customer", "channel"]
        constraints = [
            models.UniqueConstraint(
                fields=["customer", "channel"], name="notifications_channeloptout_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.customer_id}:{self.channel}"


class InAppNotification(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="inapp_notifications"
    )
    message = models.OneToOneField(
        OutboxMessage,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="inapp_notification",
    )
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("body"), blank=True)
    url = models.CharField(_("link"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        verbose_name = _("in-app notification")
        verbose_name_plural = _("in-app notifications")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["user", "read_at"], name="notifications_inapp_unread_idx"),
        ]

    def __str__(self) -> str:
        return self.title


class ChannelConfig(models.Model):
    """Settings of one channel: robot webhook URLs and secrets, the SMS provider and its
    keys. `secret` is write-only in the UI and API (shown masked)."""

    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices, unique=True)
    enabled = models.BooleanField(_("enabled"), default=True)
    provider = models.CharField(_("provider"), max_length=50, blank=True)
    endpoint = models.CharField(_("endpoint or webhook URL"), max_length=500, blank=True)
    key_id = models.CharField(_("access key id"), max_length=200, blank=True)
    secret = models.CharField(_("secret"), max_length=500, blank=True)
    sign_name = models.CharField(_("SMS sign name"), max_length=100, blank=True)
    options = models.JSONField(_("options"), default=dict, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("updated by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("channel settings")
        verbose_name_plural = _("channel settings")
        ordering = ["channel"]

    def __str__(self) -> str:
        return self.channel

    @property
    def masked_secret(self) -> str:
        if not self.secret:
            return ""
        if len(self.secret) <= 8:
            return "•" * 6
        return f"{self.secret[:3]}••••••{self.secret[-2:]}"
