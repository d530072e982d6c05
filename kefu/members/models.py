"""Members (会员): tiers, members registered at a store and audited by headquarters, the
points ledger, purchases and greetings."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kefu.core.models.base import TimestampedModel
from kefu.members.choices import (
    Gender,
    GreetingKind,
    GreetingStatus,
    MemberStatus,
    PointsKind,
    PurchaseSource,
)


class MemberTier(models.Model):
    """A tier (普通 / 银卡 / 金卡 / 钻石). A member moves up when lifetime spend reaches
    `min_spend`; `points_per_yuan` is the earning rate; `validity_months` the term."""

    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=40)
    level = models.PositiveSmallIntegerField(_("level"), unique=True)
    min_spend = models.DecimalField(
        _("spend to reach"), max_digits=14, decimal_places=2, default=Decimal("0")
    )
    points_per_yuan = models.DecimalField(
        _("points per yuan"), max_digits=6, decimal_places=2, default=Decimal("1")
    )
    validity_months = models.PositiveSmallIntegerField(_("validity (months)"), default=12)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("member tier")
        verbose_name_plural = _("member tiers")
        ordering = ["level"]
        constraints = [
            models.CheckConstraint(
                condition=Q(min_spend__gte=0), name="members_membertier_min_spend_gte_0"
            ),
            models.CheckConstraint(
                condition=Q(points_per_yuan__gte=0), name="members_membertier_rate_gte_0"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Member(TimestampedModel):
    """One membership, from the store's 《会员申请表》. `unit` is the registering store."""

    customer = models.ForeignKey(
        "customers.Customer",
        verbose_name=_("customer"),
        on_delete=models.PROTECT,
        related_name="members",
    )
    unit = models.ForeignKey(
        "core.OrgUnit", verbose_name=_("store"), on_delete=models.PROTECT, related_name="members"
    )
    card_number = models.CharField(_("card number"), max_length=32, unique=True)
    tier = models.ForeignKey(
        MemberTier,
        verbose_name=_("tier"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="members",
    )
    status = models.CharField(
        _("status"), max_length=12, choices=MemberStatus.choices, default=MemberStatus.PENDING
    )
    # 《会员申请表》
    name = models.CharField(_("name"), max_length=100)
    gender = models.CharField(_("gender"), max_length=8, choices=Gender.choices, blank=True)
    birthday = models.DateField(_("date of birth"), null=True, blank=True)
    phone = models.CharField(_("mobile phone"), max_length=20, db_index=True)
    id_number = models.CharField(_("ID number"), max_length=18, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    email = models.EmailField(_("email"), blank=True)
    occupation = models.CharField(_("occupation"), max_length=100, blank=True)
    company = models.CharField(_("employer"), max_length=200, blank=True)
    registered_on = models.DateField(_("registered on"))
    expires_on = models.DateField(_("expires on"), null=True, blank=True)
    # headquarters' audit
    missing_fields = models.JSONField(_("missing fields"), default=list, blank=True)
    return_reason = models.TextField(_("reason for return"), blank=True)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    audited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    audited_at = models.DateTimeField(_("audited at"), null=True, blank=True)
    # running totals (the ledger is the truth; these are kept in step under a row lock)
    points_balance = models.IntegerField(_("points balance"), default=0)
    lifetime_spend = models.DecimalField(
        _("lifetime spend"), max_digits=14, decimal_places=2, default=Decimal("0")
    )

    class Meta:
        verbose_name = _("member")
        verbose_name_plural = _("members")
        indexes = [
            models.Index(fields=["unit", "status"], name="members_member_unit_status_idx"),
            models.Index(fields=["status", "expires_on"], name="members_member_expires_idx"),
            models.Index(fields=["id_number"], name="members_member_id_number_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(points_balance__gte=0), name="members_member_points_balance_gte_0"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.card_number} {self.name}"

    def audit_repr(self) -> str:
        """The audit log names a member by card number only (no personal data)."""
        return self.card_number


class Purchase(models.Model):
    """A member's purchase at a store; `receipt_number` (小票号) is unique per store."""

    member = models.ForeignKey(
        Member, verbose_name=_("member"), on_delete=models.PROTECT, related_name="purchases"
    )
    unit = models.ForeignKey(
        "core.OrgUnit", verbose_name=_("store"), on_delete=models.PROTECT, related_name="+"
    )
    purchased_at = models.DateTimeField(_("purchased at"), db_index=True)
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)
    receipt_number = models.CharField(_("receipt number"), max_length=64, blank=True)
    items = models.TextField(_("items"), blank=True)
    notes = models.CharField(_("notes"), max_length=300, blank=True)
    points_earned = models.IntegerField(_("points earned"), default=0)
    source = models.CharField(
        _("source"), max_length=10, choices=PurchaseSource.choices, default=PurchaseSource.MANUAL
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("purchase")
        verbose_name_plural = _("purchases")
        indexes = [
            models.Index(fields=["member", "purchased_at"], name="members_purchase_member_idx"),
            models.Index(fields=["unit", "purchased_at"], name="members_purchase_unit_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "receipt_number"],
                condition=~Q(receipt_number=""),
                name="members_purchase_receipt_uniq",
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="members_purchase_amount_gt_0"),
            models.CheckConstraint(
                condition=Q(points_earned__gte=0), name="members_purchase_points_gte_0"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member_id} ¥{self.amount}"


class PointsEntry(models.Model):
    """One line of the points ledger (signed `points`). Earn and positive adjust entries are
    lots: `remaining` is what is left of them, spent and expired first-in first-out."""

    member = models.ForeignKey(
        Member, verbose_name=_("member"), on_delete=models.PROTECT, related_name="points_entries"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=PointsKind.choices)
    points = models.IntegerField(_("points"))
    balance_after = models.IntegerField(_("balance after"))
    remaining = models.IntegerField(_("remaining"), null=True, blank=True)
    expires_on = models.DateField(_("expires on"), null=True, blank=True)
    purchase = models.ForeignKey(
        Purchase,
        verbose_name=_("purchase"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="points_entries",
    )
    lot = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="expiries"
    )
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("points entry")
        verbose_name_plural = _("points entries")
        indexes = [
            models.Index(fields=["member", "id"], name="members_points_member_idx"),
            models.Index(
                fields=["expires_on"],
                condition=Q(remaining__gt=0),
                name="members_points_open_lots_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(balance_after__gte=0), name="members_pointsentry_balance_gte_0"
            ),
            models.CheckConstraint(
                condition=Q(remaining__isnull=True) | Q(remaining__gte=0),
                name="members_pointsentry_remaining_gte_0",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member_id} {self.kind} {self.points:+d}"


class Greeting(models.Model):
    """A greeting due on a day (birthday: greeting and gift card; top tiers get a call)."""

    member = models.ForeignKey(
        Member, verbose_name=_("member"), on_delete=models.CASCADE, related_name="greetings"
    )
    kind = models.CharField(
        _("kind"), max_length=12, choices=GreetingKind.choices, default=GreetingKind.BIRTHDAY
    )
    on_date = models.DateField(_("date"))
    status = models.CharField(
        _("status"), max_length=10, choices=GreetingStatus.choices, default=GreetingStatus.PENDING
    )
    call = models.BooleanField(_("phone call"), default=False)  # top-tier member
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("greeting")
        verbose_name_plural = _("greetings")
        indexes = [models.Index(fields=["on_date", "kind"], name="members_greeting_date_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["member", "kind", "on_date"], name="members_greeting_uniq"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member_id} {self.kind} {self.on_date}"
