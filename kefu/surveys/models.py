"""Satisfaction ratings (shared by surveys and revisits), survey definitions and invitations."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kefu.surveys.choices import (
    CSAT_MAX,
    CSAT_MIN,
    NPS_MAX,
    NPS_MIN,
    InvitationChannel,
    InvitationStatus,
    RatingSource,
    SurveyKind,
)

_USER = settings.AUTH_USER_MODEL


class SatisfactionRating(models.Model):
    """One answer about satisfaction: from a survey link or a phone revisit.

    Written only through `kefu.surveys.services.record_rating`; read through
    `kefu.surveys.selectors.satisfaction_figures`."""

    source = models.CharField(_("source"), max_length=10, choices=RatingSource.choices)
    csat = models.PositiveSmallIntegerField(_("CSAT score"), null=True, blank=True)
    nps = models.PositiveSmallIntegerField(_("NPS score"), null=True, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    ticket = models.ForeignKey(
        "tickets.Ticket",
        verbose_name=_("ticket"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="satisfaction_ratings",
    )
    customer = models.ForeignKey(
        "customers.Customer",
        verbose_name=_("customer"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="satisfaction_ratings",
    )
    unit = models.ForeignKey(
        "core.OrgUnit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+"
    )
    agent = models.ForeignKey(
        _USER,
        verbose_name=_("agent"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # No FK: the revisits app may be installed later or not at all.
    revisit_task_id = models.BigIntegerField(_("revisit task"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("satisfaction rating")
        verbose_name_plural = _("satisfaction ratings")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["unit", "created_at"], name="surveys_rating_unit_idx"),
            models.Index(fields=["agent", "created_at"], name="surveys_rating_agent_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(csat__isnull=True) | Q(csat__gte=CSAT_MIN, csat__lte=CSAT_MAX),
                name="surveys_rating_csat_range",
            ),
            models.CheckConstraint(
                condition=Q(nps__isnull=True) | Q(nps__gte=NPS_MIN, nps__lte=NPS_MAX),
                name="surveys_rating_nps_range",
            ),
            models.CheckConstraint(
                condition=Q(csat__isnull=False) | Q(nps__isnull=False),
                name="surveys_rating_has_score",
            ),
            models.CheckConstraint(
                condition=Q(source__in=RatingSource.values), name="surveys_rating_source_valid"
            ),
        ]

    def __str__(self) -> str:
        parts = []
        if self.csat is not None:
            parts.append(f"CSAT {self.csat}")
        if self.nps is not None:
            parts.append(f"NPS {self.nps}")
        return f"{self.get_source_display()} " + " / ".join(parts)


class Survey(models.Model):
    """A survey definition: one score question (CSAT 1–5 or NPS 0–10) and an optional
    free-text question. Applies to tickets of its unit and every unit below it."""

    unit = models.ForeignKey(
        "core.OrgUnit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=SurveyKind.choices)
    title = models.CharField(_("title"), max_length=120)
    question = models.CharField(_("score question"), max_length=300)
    comment_question = models.CharField(
        _("comment question"),
        max_length=300,
        blank=True,
        help_text=_("Leave empty to ask no free-text question."),
    )
    active = models.BooleanField(_("active"), default=True)
    expires_after_days = models.PositiveSmallIntegerField(_("link valid for (days)"), default=7)
    auto_sample_percent = models.PositiveSmallIntegerField(
        _("automatic invitations (percent of resolved tickets)"),
        default=0,
        help_text=_("0 sends no automatic invitations."),
    )
    auto_channel = models.CharField(
        _("channel of automatic invitations"),
        max_length=10,
        choices=InvitationChannel.choices,
        default=InvitationChannel.SMS,
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("survey")
        verbose_name_plural = _("surveys")
        ordering = ["title", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(auto_sample_percent__lte=100), name="surveys_survey_sample_pct"
            ),
            models.CheckConstraint(
                condition=Q(expires_after_days__gte=1, expires_after_days__lte=90),
                name="surveys_survey_expiry_range",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class SurveyInvitation(models.Model):
    """A survey link sent for one ticket. Only a hash of the token is stored."""

    survey = models.ForeignKey(
        Survey, verbose_name=_("survey"), on_delete=models.PROTECT, related_name="invitations"
    )
    ticket = models.ForeignKey(
        "tickets.Ticket",
        verbose_name=_("ticket"),
        on_delete=models.CASCADE,
        related_name="survey_invitations",
    )
    customer = models.ForeignKey(
        "customers.Customer",
        verbose_name=_("customer"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    unit = models.ForeignKey(
        "core.OrgUnit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+"
    )
    token_hash = models.CharField(_("token hash"), max_length=64, unique=True)
    channel = models.CharField(_("channel"), max_length=10, choices=InvitationChannel.choices)
    recipient = models.CharField(_("recipient"), max_length=254, blank=True)
    sent_by = models.ForeignKey(
        _USER,
        verbose_name=_("sent by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    sent_at = models.DateTimeField(_("sent at"), default=timezone.now, db_index=True)
    expires_at = models.DateTimeField(_("expires at"))
    opened_at = models.DateTimeField(_("opened at"), null=True, blank=True)
    used_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    rating = models.OneToOneField(
        SatisfactionRating,
        verbose_name=_("rating"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="invitation",
    )

    class Meta:
        verbose_name = _("survey invitation")
        verbose_name_plural = _("survey invitations")
        ordering = ["-sent_at", "-id"]
        indexes = [
            models.Index(fields=["unit", "sent_at"], name="surveys_invite_unit_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.survey} · {self.ticket_id}"

    def status_at(self, now: datetime | None = None) -> InvitationStatus:
        moment = now or timezone.now()
        if self.used_at is not None:
            return InvitationStatus.ANSWERED
        if self.expires_at <= moment:
            return InvitationStatus.EXPIRED
        if self.opened_at is not None:
            return InvitationStatus.OPENED
        return InvitationStatus.SENT

    @property
    def status(self) -> InvitationStatus:
        return self.status_at()
