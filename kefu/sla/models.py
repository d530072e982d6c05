"""SLA policies: targets per ticket type / priority / customer grade / channel."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kefu.core.models.base import TimestampedModel


class SlaPolicy(TimestampedModel):
    """Targets in minutes. Matching: the active policy with the lowest `order` whose every
    non-empty condition matches the ticket. `business_time`: count the owning unit's working
    hours (else natural time)."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    order = models.PositiveIntegerField(_("order"), default=100)
    is_active = models.BooleanField(_("active"), default=True)
    ticket_type = models.CharField(_("ticket type"), max_length=20, blank=True)
    priority = models.CharField(_("priority"), max_length=10, blank=True)
    customer_grade = models.CharField(_("customer grade"), max_length=1, blank=True)
    channel = models.CharField(_("channel"), max_length=20, blank=True)
    first_response_minutes = models.PositiveIntegerField(
        _("first response (minutes)"), null=True, blank=True
    )
    next_response_minutes = models.PositiveIntegerField(
        _("next response (minutes)"), null=True, blank=True
    )
    resolution_minutes = models.PositiveIntegerField(
        _("resolution (minutes)"), null=True, blank=True
    )
    business_time = models.BooleanField(_("count business time"), default=True)
    warn_ratio = models.DecimalField(
        _("warn at share of target"), max_digits=3, decimal_places=2, default=0.80
    )

    class Meta:
        verbose_name = _("SLA policy")
        verbose_name_plural = _("SLA policies")
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.name


class Alert(models.Model):
    """An in-app notification (the bell): SLA warning/breach/escalation or a prohibition
    alert, for one user about one ticket. `key` makes each alert happen once per user."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="sla_alerts"
    )
    ticket = models.ForeignKey(
        "tickets.Ticket", on_delete=models.CASCADE, related_name="alerts", null=True, blank=True
    )
    kind = models.CharField(_("kind"), max_length=30)
    text = models.CharField(_("text"), max_length=300)
    key = models.CharField(max_length=200)
    created_at = models.DateTimeField(_("time"))
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        verbose_name = _("alert")
        verbose_name_plural = _("alerts")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="sla_alert_once"),
        ]
        indexes = [
            models.Index(
                fields=["user"], name="sla_alert_unread_idx", condition=Q(read_at__isnull=True)
            ),
        ]

    def __str__(self) -> str:
        return self.text
