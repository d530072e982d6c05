"""Configuration of ticket handling: categories, queues, routing rules, macros, saved views."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kefu.core.models.base import TimestampedModel
from kefu.tickets.choices import AssignStrategy


class Category(TimestampedModel):
    """Admin-editable category tree (e.g. 质量问题 → 破损)."""

    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        verbose_name=_("parent category"),
    )
    name = models.CharField(_("name"), max_length=60)
    code = models.CharField(_("code"), max_length=32, unique=True)
    path = models.CharField(max_length=255, editable=False, default="")
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["path"]

    def __str__(self) -> str:
        return self.name


class Queue(TimestampedModel):
    department = models.ForeignKey(
        "core.Department",
        verbose_name=_("department"),
        on_delete=models.CASCADE,
        related_name="queues",
    )
    name = models.CharField(_("name"), max_length=60)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("queue")
        verbose_name_plural = _("queues")
        constraints = [
            models.UniqueConstraint(fields=["department", "name"], name="tickets_queue_uniq"),
        ]

    def __str__(self) -> str:
        return self.name


class RoutingRule(TimestampedModel):
    """Ordered rule: every non-empty condition must match; the first match applies."""

    name = models.CharField(_("name"), max_length=100)
    order = models.PositiveIntegerField(_("order"), default=100)
    is_active = models.BooleanField(_("active"), default=True)
    # conditions (empty = any)
    types = models.JSONField(_("ticket types"), default=list, blank=True)
    channels = models.JSONField(_("channels"), default=list, blank=True)
    categories = models.ManyToManyField(
        Category, blank=True, related_name="+", verbose_name=_("categories")
    )
    keywords = models.JSONField(_("keywords"), default=list, blank=True)
    customer_grades = models.JSONField(_("customer grades"), default=list, blank=True)
    unit = models.ForeignKey(
        "core.OrgUnit",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("unit (and below)"),
    )
    # actions
    department = models.ForeignKey(
        "core.Department",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("department"),
    )
    queue = models.ForeignKey(
        Queue,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("queue"),
    )
    priority = models.CharField(_("priority"), max_length=10, blank=True)
    sla_policy = models.ForeignKey(
        "sla.SlaPolicy",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("SLA policy"),
    )
    assign_strategy = models.CharField(
        _("assignment"), max_length=12, choices=AssignStrategy.choices, default=AssignStrategy.NONE
    )

    class Meta:
        verbose_name = _("routing rule")
        verbose_name_plural = _("routing rules")
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.name


class RotaPointer(models.Model):
    """Who got the last ticket of a department's rota (round robin), locked when drawing."""

    department = models.OneToOneField("core.Department", on_delete=models.CASCADE, related_name="+")
    last_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    def __str__(self) -> str:
        return f"rota {self.department_id}"


class Macro(TimestampedModel):
    """A canned reply with variables ({{ ticket.number }}, {{ customer.name }} …)."""

    name = models.CharField(_("name"), max_length=100)
    body = models.TextField(_("text"))
    unit = models.ForeignKey(
        "core.OrgUnit",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("unit"),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("macro")
        verbose_name_plural = _("macros")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class SavedView(TimestampedModel):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_views"
    )
    name = models.CharField(_("name"), max_length=60)
    query = models.CharField(_("filters"), max_length=1000)

    class Meta:
        verbose_name = _("saved view")
        verbose_name_plural = _("saved views")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
