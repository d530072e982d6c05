from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kefu.tickets.choices import Channel, Priority, SlaState, Status, TicketType
from kefu.tickets.search import SearchVectorField

_USER = settings.AUTH_USER_MODEL


class Ticket(models.Model):
    """A service request (工单). Every change goes through a service and leaves an event."""

    number = models.CharField(_("number"), max_length=20, unique=True)
    type = models.CharField(_("type"), max_length=20, choices=TicketType.choices)
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.NEW
    )
    priority = models.CharField(
        _("priority"), max_length=10, choices=Priority.choices, default=Priority.NORMAL
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    reference = models.CharField(
        _("order / waybill number"), max_length=64, blank=True, db_index=False
    )  # indexed in Meta (no LIKE-pattern twin: every lookup is exact)
    category = models.ForeignKey(
        "tickets.Category",
        verbose_name=_("category"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # customer and the contact data as given (snapshot)
    customer = models.ForeignKey(
        "customers.Customer",
        verbose_name=_("customer"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tickets",
        db_index=False,  # tickets_customer_idx (customer, status) leads with it
    )
    contact_name = models.CharField(_("contact name"), max_length=100, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=40, blank=True)  # Meta
    contact_email = models.EmailField(_("contact email"), blank=True)
    # ownership
    unit = models.ForeignKey(
        "core.OrgUnit",
        verbose_name=_("unit"),
        on_delete=models.PROTECT,
        related_name="tickets",
        db_index=False,  # tickets_unit_due_idx leads with it
    )
    department = models.ForeignKey(
        "core.Department",
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tickets",
        db_index=False,  # tickets_dept_due_idx leads with it
    )
    queue = models.ForeignKey(
        "tickets.Queue",
        verbose_name=_("queue"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="tickets",
    )
    assignee = models.ForeignKey(
        _USER,
        verbose_name=_("assignee"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_tickets",
        db_index=False,  # tickets_assignee_due_idx leads with it
    )
    first_contact_owner = models.ForeignKey(
        _USER,
        verbose_name=_("first-contact owner"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="first_contact_tickets",
    )
    created_by = models.ForeignKey(
        _USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # times
    received_at = models.DateTimeField(_("received at"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    first_responded_at = models.DateTimeField(_("first response at"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    next_follow_up_at = models.DateTimeField(_("next follow-up"), null=True, blank=True)
    # SLA clocks (kept on the row so queue queries sort on indexed columns)
    sla_policy = models.ForeignKey(
        "sla.SlaPolicy", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    sla_state = models.CharField(
        _("SLA state"), max_length=10, choices=SlaState.choices, default=SlaState.NONE
    )
    first_response_due = models.DateTimeField(_("first response due"), null=True, blank=True)
    next_response_due = models.DateTimeField(_("next response due"), null=True, blank=True)
    resolution_due = models.DateTimeField(_("resolution due"), null=True, blank=True)
    next_sla_check_at = models.DateTimeField(null=True, blank=True)
    sla_paused_at = models.DateTimeField(null=True, blank=True)
    sla_warned_at = models.DateTimeField(null=True, blank=True)
    sla_breached_at = models.DateTimeField(null=True, blank=True)
    escalation_level = models.PositiveSmallIntegerField(default=0)
    # email threading, optimistic locking
    message_id = models.CharField(max_length=255, blank=True)  # indexed in Meta
    version = models.PositiveIntegerField(default=1)
    # bigrams of title + description (kefu.tickets.search); NULL until indexed
    search_vector = SearchVectorField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("ticket")
        verbose_name_plural = _("tickets")
        # Every index is paid for on each ticket write (the SLA scan rewrites thousands of
        # rows a minute): single-column twins of these composites and LIKE-pattern copies
        # of exact-match columns are left out.
        indexes = [
            models.Index(fields=["reference"], name="tickets_reference_idx"),
            models.Index(fields=["contact_phone"], name="tickets_contact_phone_idx"),
            models.Index(fields=["message_id"], name="tickets_message_id_idx"),
            models.Index(
                fields=["department", "status", "resolution_due"], name="tickets_dept_due_idx"
            ),
            models.Index(
                fields=["assignee", "status", "resolution_due"], name="tickets_assignee_due_idx"
            ),
            models.Index(fields=["unit", "status", "resolution_due"], name="tickets_unit_due_idx"),
            models.Index(
                fields=["next_sla_check_at"],
                name="tickets_sla_check_idx",
                condition=Q(next_sla_check_at__isnull=False),
            ),
            models.Index(fields=["customer", "status"], name="tickets_customer_idx"),
            # the dashboard's window (created_at range) counted by type, channel, department,
            # unit, status and SLA outcome from the index alone (PostgreSQL; on SQLite the
            # INCLUDE columns are left out and it is a plain created_at index)
            models.Index(
                fields=["created_at"],
                name="tickets_created_cover_idx",
                include=[
                    "id",
                    "unit",
                    "department",
                    "status",
                    "type",
                    "channel",
                    "sla_state",
                    "sla_breached_at",
                ],
            ),
            # the open work (new, open, pending: a small part of years of history) by due
            # time: a department's queue and every scope's, counted from the index alone
            models.Index(
                fields=["department", "resolution_due", "id"],
                name="tickets_active_dept_idx",
                include=["unit", "status", "assignee"],
                condition=Q(status__in=["new", "open", "pending"]),
            ),
            models.Index(
                fields=["resolution_due", "id"],
                name="tickets_active_due_idx",
                include=["unit", "department", "status", "assignee"],
                condition=Q(status__in=["new", "open", "pending"]),
            ),
            # the default queue order: due time then id (PostgreSQL sorts NULLs last in an
            # ascending index, matching ORDER BY resolution_due ASC NULLS LAST, id)
            models.Index(fields=["resolution_due", "id"], name="tickets_due_id_idx"),
            # text search: tickets without search tokens are always rechecked (kefu.tickets.search)
            models.Index(
                fields=["id"],
                name="tickets_search_null_idx",
                condition=Q(search_vector__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    def audit_repr(self) -> str:
        """The audit log names a ticket by number (a title may hold personal data)."""
        return self.number


class TicketCounter(models.Model):
    """Per-day sequence for human-readable numbers (KF202611220001); the row is locked while
    a number is drawn, so concurrent creations never collide."""

    day = models.DateField(unique=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.day}: {self.last}"


class IdempotencyKey(models.Model):
    """A retried write with the same key returns the first result and writes nothing.

    Create keeps `ticket` (the created ticket) and answers from it; every other write of the
    tickets API stores its `operation`, its target `ticket` and the first answer
    (`response_status`, `response_body`), replayed as is."""

    user = models.ForeignKey(_USER, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=200)
    request_hash = models.CharField(max_length=64)
    ticket = models.ForeignKey(Ticket, null=True, on_delete=models.CASCADE, related_name="+")
    operation = models.CharField(max_length=40, default="ticket.create")
    response_status = models.PositiveSmallIntegerField(null=True, blank=True)
    response_body = models.JSONField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="tickets_idempotency_uniq"),
        ]

    def __str__(self) -> str:
        return self.key
