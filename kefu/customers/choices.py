from django.db import models
from django.utils.translation import gettext_lazy as _


class CustomerKind(models.TextChoices):
    PERSON = "person", _("Person")
    COMPANY = "company", _("Company")


class Grade(models.TextChoices):
    A = "A", "A"
    B = "B", "B"
    C = "C", "C"
    D = "D", "D"


class CreditLevel(models.TextChoices):
    """信用评级: AAA best … C worst; '' = not rated yet."""

    AAA = "AAA", "AAA"
    AA = "AA", "AA"
    A = "A", "A"
    B = "B", "B"
    C = "C", "C"


class Source(models.TextChoices):
    STORE = "store", _("Store")
    PHONE = "phone", _("Phone")
    WEB = "web", _("Web")
    EMAIL = "email", _("Email")
    IMPORT = "import", _("Import")
    REFERRAL = "referral", _("Referral")
    OTHER = "other", _("Other")


class DuplicateStatus(models.TextChoices):
    OPEN = "open", _("To review")
    DISMISSED = "dismissed", _("Not duplicates")
