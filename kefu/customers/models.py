"""The customer archive (客户档案). Tickets link here; issue 4 extends it (contacts, credit,
members, dedupe)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kefu.core.models.base import TimestampedModel
from kefu.customers.choices import CustomerKind, Grade


class Customer(TimestampedModel):
    unit = models.ForeignKey(
        "core.OrgUnit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="customers"
    )
    kind = models.CharField(
        _("kind"), max_length=10, choices=CustomerKind.choices, default=CustomerKind.PERSON
    )
    name = models.CharField(_("name"), max_length=200)
    grade = models.CharField(_("grade"), max_length=1, choices=Grade.choices, default=Grade.C)
    is_key_account = models.BooleanField(_("key account"), default=False)
    account_manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account manager"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    email = models.EmailField(_("email"), blank=True)
    id_number = models.CharField(_("ID / tax number"), max_length=40, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        indexes = [
            models.Index(fields=["unit", "name"], name="customers_unit_name_idx"),
        ]

    def __str__(self) -> str:
        return self.name


class CustomerPhone(models.Model):
    """A phone number of a customer; `number` is normalised (digits only, no +86)."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="phones")
    number = models.CharField(_("phone"), max_length=20, db_index=True)
    label = models.CharField(_("label"), max_length=20, blank=True)
    is_primary = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("customer phone")
        verbose_name_plural = _("customer phones")
        constraints = [
            models.UniqueConstraint(fields=["customer", "number"], name="customers_phone_uniq"),
        ]

    def __str__(self) -> str:
        return self.number
