"""The complaint closed loop (SPEC §3): one Complaint per complaint ticket, with remedies."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kefu.tickets.choices import ComplaintStage, RemedyKind, RemedyStatus

_USER = settings.AUTH_USER_MODEL


class Complaint(models.Model):
    ticket = models.OneToOneField(
        "tickets.Ticket", on_delete=models.CASCADE, related_name="complaint"
    )
    stage = models.CharField(
        _("stage"), max_length=12, choices=ComplaintStage.choices, default=ComplaintStage.REGISTER
    )
    stage_owner = models.ForeignKey(
        _USER,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("stage owner"),
    )
    stage_due = models.DateTimeField(_("stage due"), null=True, blank=True)
    demand = models.TextField(_("what the customer asks for"), blank=True)
    # 判定
    is_valid = models.BooleanField(_("upheld"), null=True)
    judgement_note = models.TextField(_("judgement"), blank=True)
    tactful_reply = models.TextField(_("tactful reply"), blank=True)
    # 调查
    responsible_department = models.ForeignKey(
        "core.Department",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("responsible department"),
    )
    responsible_person = models.CharField(_("responsible person"), max_length=100, blank=True)
    root_cause = models.TextField(_("root cause"), blank=True)
    cause_category = models.CharField(_("cause"), max_length=30, blank=True)
    # 实施 / 确认 / 回访 / 总结
    penalty = models.TextField(_("penalty for the responsible party"), blank=True)
    implementation_note = models.TextField(_("implementation"), blank=True)
    customer_accepted = models.BooleanField(_("customer accepted"), null=True)
    satisfaction = models.PositiveSmallIntegerField(_("satisfaction (1–5)"), null=True, blank=True)
    revisit_note = models.TextField(_("revisit"), blank=True)
    summary = models.TextField(_("summary"), blank=True)
    evaluation = models.TextField(_("evaluation"), blank=True)
    in_case_library = models.BooleanField(_("in case library"), default=False)
    archived_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")
        indexes = [models.Index(fields=["stage", "stage_due"], name="tickets_complaint_idx")]

    def __str__(self) -> str:
        return f"complaint {self.ticket_id} ({self.stage})"


class Remedy(models.Model):
    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="remedies")
    kind = models.CharField(_("kind"), max_length=20, choices=RemedyKind.choices)
    description = models.TextField(_("description"))
    cost = models.DecimalField(_("cost (¥)"), max_digits=12, decimal_places=2, default=0)
    status = models.CharField(
        _("status"), max_length=10, choices=RemedyStatus.choices, default=RemedyStatus.PROPOSED
    )
    proposed_by = models.ForeignKey(
        _USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_by = models.ForeignKey(
        _USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("remedy")
        verbose_name_plural = _("remedies")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.kind} ¥{self.cost}"
