"""The customer archive (客户档案): customers, their phones, contacts, addresses, tags and
credit history; plus the duplicate finder's pairs and the record of every merge."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kefu.core.models.base import TimestampedModel
from kefu.customers.choices import CreditLevel, CustomerKind, DuplicateStatus, Grade, Source


class Tag(models.Model):
    name = models.CharField(_("name"), max_length=40, unique=True)
    color = models.CharField(_("colour"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("tag")
        verbose_name_plural = _("tags")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Customer(TimestampedModel):
    unit = models.ForeignKey(
        "core.OrgUnit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="customers"
    )
    kind = models.CharField(
        _("kind"), max_length=10, choices=CustomerKind.choices, default=CustomerKind.PERSON
    )
    name = models.CharField(_("name"), max_length=200)
    # normalised name (kefu.customers.names.name_key): dedupe blocking and exact-name search
    name_key = models.CharField(_("normalised name"), max_length=200, blank=True, db_index=True)
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
    source = models.CharField(
        _("source"), max_length=10, choices=Source.choices, blank=True, default=""
    )
    source_unit = models.ForeignKey(
        "core.OrgUnit",
        verbose_name=_("source unit or store"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    credit_level = models.CharField(
        _("credit rating"), max_length=3, choices=CreditLevel.choices, blank=True, default=""
    )
    credit_score = models.PositiveSmallIntegerField(_("credit score"), null=True, blank=True)
    email = models.EmailField(_("email"), blank=True)
    id_number = models.CharField(_("ID / tax number"), max_length=40, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    # bumped by every update; PATCH with If-Match compares it (optimistic locking)
    version = models.PositiveIntegerField(default=1)
    # set by erase_personal_data (on request): the row stays so tickets keep their customer
    erased_at = models.DateTimeField(_("personal data erased at"), null=True, blank=True)
    erased_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("personal data erased by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        indexes = [
            models.Index(fields=["unit", "name"], name="customers_unit_name_idx"),
            models.Index(fields=["id_number"], name="customers_id_number_idx"),
        ]

    def __str__(self) -> str:
        return self.name

    def audit_repr(self) -> str:
        """What the audit log shows for this customer: the id, never the name."""
        return f"#{self.pk}"

    @property
    def is_erased(self) -> bool:
        return self.erased_at is not None


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


class CustomerTag(models.Model):
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="tag_links")
    tag = models.ForeignKey(Tag, on_delete=models.CASCADE, related_name="customer_links")

    class Meta:
        verbose_name = _("customer tag")
        verbose_name_plural = _("customer tags")
        constraints = [
            models.UniqueConstraint(fields=["customer", "tag"], name="customers_tag_uniq"),
        ]

    def __str__(self) -> str:
        return f"{self.customer_id}:{self.tag_id}"


class Contact(TimestampedModel):
    """A contact person of a company customer (or a relative / assistant of a person)."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(_("name"), max_length=100)
    title = models.CharField(_("position"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True, db_index=True)
    email = models.EmailField(_("email"), blank=True)
    is_primary = models.BooleanField(_("primary contact"), default=False)
    notes = models.CharField(_("notes"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        ordering = ["-is_primary", "id"]

    def __str__(self) -> str:
        return self.name


class Address(TimestampedModel):
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="addresses")
    label = models.CharField(_("label"), max_length=40, blank=True)
    province = models.CharField(_("province"), max_length=40, blank=True)
    city = models.CharField(_("city"), max_length=40, blank=True)
    district = models.CharField(_("district"), max_length=40, blank=True)
    detail = models.CharField(_("street address"), max_length=300)
    postcode = models.CharField(_("postcode"), max_length=10, blank=True)
    is_default = models.BooleanField(_("default address"), default=False)

    class Meta:
        verbose_name = _("address")
        verbose_name_plural = _("addresses")
        ordering = ["-is_default", "id"]

    def __str__(self) -> str:
        return f"{self.province}{self.city}{self.district}{self.detail}"


class CreditChange(models.Model):
    """One dated change of a customer's credit rating, with its reason (信用评级 history)."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="credit_changes")
    old_level = models.CharField(_("old rating"), max_length=3, blank=True)
    new_level = models.CharField(_("new rating"), max_length=3, blank=True)
    old_score = models.PositiveSmallIntegerField(_("old score"), null=True, blank=True)
    new_score = models.PositiveSmallIntegerField(_("new score"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=500)
    effective_on = models.DateField(_("effective on"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("credit change")
        verbose_name_plural = _("credit changes")
        ordering = ["-effective_on", "-id"]

    def __str__(self) -> str:
        return f"{self.old_level or '-'} → {self.new_level or '-'}"


class CustomerMerge(models.Model):
    """The record of one merge, enough to explain it afterwards: who merged what into whom,
    why (the finder's score and reasons), a snapshot of every merged customer and how many
    linked rows of each kind moved to the survivor."""

    survivor = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="merges")
    merged_ids = models.JSONField(_("merged customer ids"), default=list)
    snapshots = models.JSONField(_("merged customers as they were"), default=list)
    moved = models.JSONField(_("linked records moved"), default=dict)
    reasons = models.JSONField(_("why"), default=dict, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("merged at"), auto_now_add=True)

    class Meta:
        verbose_name = _("customer merge")
        verbose_name_plural = _("customer merges")
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.merged_ids} → {self.survivor_id}"


class CustomerAlias(models.Model):
    """Another name of a customer: an old name kept by a merge (统一客户名称) or entered by hand.
    `old_customer_id` remembers the id a merged customer had, so old links can be followed."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="aliases")
    name = models.CharField(_("name"), max_length=200)
    name_key = models.CharField(max_length=200, blank=True, db_index=True)
    old_customer_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    merge = models.ForeignKey(
        CustomerMerge, null=True, blank=True, on_delete=models.SET_NULL, related_name="aliases"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("alias")
        verbose_name_plural = _("aliases")

    def __str__(self) -> str:
        return self.name


class DuplicatePair(models.Model):
    """A pair of customers the duplicate finder thinks are one (customer_a_id < customer_b_id).
    Merging deletes the merged customer and with it its pairs; dismissing keeps the pair so
    the finder does not propose it again."""

    customer_a = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="+")
    customer_b = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="+")
    score = models.FloatField(_("score"))
    reasons = models.JSONField(_("reasons"), default=list)
    status = models.CharField(
        _("status"), max_length=10, choices=DuplicateStatus.choices, default=DuplicateStatus.OPEN
    )
    found_at = models.DateTimeField(_("found at"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("possible duplicate")
        verbose_name_plural = _("possible duplicates")
        constraints = [
            models.UniqueConstraint(
                fields=["customer_a", "customer_b"], name="customers_duplicate_pair_uniq"
            ),
        ]
        indexes = [models.Index(fields=["status", "-score"], name="customers_dup_status_idx")]

    def __str__(self) -> str:
        return f"{self.customer_a_id} ~ {self.customer_b_id}"
