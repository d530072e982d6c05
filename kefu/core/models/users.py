from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from kefu.core.choices import Role


class User(AbstractUser):
    """A member of staff. Roles come from unit assignments; scope is those units and below."""

    display_name = models.CharField(_("full name"), max_length=60, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    employee_no = models.CharField(_("employee number"), max_length=32, blank=True)
    on_duty = models.BooleanField(_("on duty"), default=True)
    language = models.CharField(
        _("language"), max_length=10, blank=True, choices=settings.LANGUAGES
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["username"]

    def __str__(self) -> str:
        return self.display_name or self.username

    @property
    def label(self) -> str:
        return self.display_name or self.username


class UnitAssignment(models.Model):
    """User U holds role R in unit X (and so in everything below X)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="assignments")
    unit = models.ForeignKey(
        "core.OrgUnit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="assignments"
    )
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("unit assignment")
        verbose_name_plural = _("unit assignments")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "unit", "role"], name="core_unitassignment_uniq"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.unit} ({self.role})"


class DepartmentMembership(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="department_memberships")
    department = models.ForeignKey(
        "core.Department",
        verbose_name=_("department"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    is_lead = models.BooleanField(_("department lead"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("department membership")
        verbose_name_plural = _("department memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "department"], name="core_departmentmembership_uniq"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.department}"


class ApiToken(models.Model):
    """A per-user API token. Only a SHA-256 of the secret is stored."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=60, blank=True)
    prefix = models.CharField(max_length=16, db_index=True)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user})"
