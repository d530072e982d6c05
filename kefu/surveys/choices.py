"""Enumerations of the surveys app."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class RatingSource(models.TextChoices):
    SURVEY = "survey", _("Survey")
    REVISIT = "revisit", _("Revisit")


class SurveyKind(models.TextChoices):
    CSAT = "csat", _("CSAT (1–5)")
    NPS = "nps", _("NPS (0–10)")


class InvitationChannel(models.TextChoices):
    SMS = "sms", _("SMS")
    EMAIL = "email", _("Email")
    LINK = "link", _("Link only")


class InvitationStatus(models.TextChoices):
    SENT = "sent", _("Sent")
    OPENED = "opened", _("Opened")
    ANSWERED = "answered", _("Answered")
    EXPIRED = "expired", _("Expired")


class GroupBy(models.TextChoices):
    DAY = "day", _("Day")
    WEEK = "week", _("Week")
    MONTH = "month", _("Month")
    AGENT = "agent", _("Agent")
    UNIT = "unit", _("Unit")


CSAT_MIN, CSAT_MAX = 1, 5
NPS_MIN, NPS_MAX = 0, 10
