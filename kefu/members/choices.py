"""Enumerations of the members app."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class MemberStatus(models.TextChoices):
    PENDING = "pending", _("Pending audit")  # 待审核
    RETURNED = "returned", _("Returned for completion")  # 退回补充
    FILED = "filed", _("Filed")  # 已建档
    CANCELLED = "cancelled", _("Cancelled")


class Gender(models.TextChoices):
    MALE = "male", _("Male")
    FEMALE = "female", _("Female")


class PointsKind(models.TextChoices):
    EARN = "earn", _("Earned")
    REDEEM = "redeem", _("Redeemed")
    EXPIRE = "expire", _("Expired")
    ADJUST = "adjust", _("Adjusted")


class PurchaseSource(models.TextChoices):
    MANUAL = "manual", _("Entered by hand")
    IMPORT = "import", _("Imported")


class GreetingKind(models.TextChoices):
    BIRTHDAY = "birthday", _("Birthday")


class GreetingStatus(models.TextChoices):
    PENDING = "pending", _("To do")
    DONE = "done", _("Done")
