"""Enumerations of the notifications app."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    EMAIL = "email", _("Email")
    SMS = "sms", _("SMS")
    WECOM = "wecom", _("WeChat Work robot")
    DINGTALK = "dingtalk", _("DingTalk robot")
    INAPP = "inapp", _("In-app")


class Status(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
    CANCELLED = "cancelled", _("Cancelled")
    OPTED_OUT = "opted_out", _("Opted out")


# A customer can opt out of these (robots post to staff groups, not to customers).
CUSTOMER_CHANNELS = (Channel.EMAIL, Channel.SMS, Channel.INAPP)
FINAL_STATUSES = (Status.SENT, Status.FAILED, Status.CANCELLED, Status.OPTED_OUT)
