"""One spreadsheet import (导入任务): the uploaded file, its dry run and its commit."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportStatus(models.TextChoices):
    UPLOADED = "uploaded", _("Uploaded")
    VALIDATING = "validating", _("Checking")
    VALIDATED = "validated", _("Checked")
    IMPORTING = "importing", _("Importing")
    DONE = "done", _("Imported")
    FAILED = "failed", _("Failed")
    CANCELLED = "cancelled", _("Cancelled")


RUNNING = (ImportStatus.VALIDATING, ImportStatus.IMPORTING)


class ImportJob(models.Model):
    importer = models.CharField(_("importer"), max_length=40)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("imported by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    unit = models.ForeignKey(
        "core.OrgUnit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+"
    )
    original_name = models.CharField(_("file name"), max_length=255)
    file = models.FileField(_("file"), upload_to="imports/%Y/%m/", max_length=300)
    size = models.PositiveBigIntegerField(_("size in bytes"), default=0)
    status = models.CharField(
        _("status"), max_length=12, choices=ImportStatus.choices, default=ImportStatus.UPLOADED
    )
    background = models.BooleanField(_("runs in the background"), default=False)
    valid_only = models.BooleanField(_("valid rows only"), default=False)
    # the dry run
    total_rows = models.PositiveIntegerField(_("rows"), default=0)
    valid_rows = models.PositiveIntegerField(_("valid rows"), default=0)
    error_rows = models.PositiveIntegerField(_("rows with errors"), default=0)
    errors = models.JSONField(_("errors"), default=list, blank=True)  # first 1,000
    warnings = models.JSONField(_("warnings"), default=list, blank=True)
    preview = models.JSONField(_("preview"), default=dict, blank=True)  # {"headers", "rows"}
    # the commit
    processed_rows = models.PositiveIntegerField(_("rows processed"), default=0)
    result = models.JSONField(_("result"), default=dict, blank=True)  # importer's counts
    message = models.TextField(_("message"), blank=True)  # why it failed
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    validated_at = models.DateTimeField(_("checked at"), null=True, blank=True)
    started_at = models.DateTimeField(_("import started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["actor", "-created_at"], name="core_importjob_actor_idx")]

    def __str__(self) -> str:
        return f"{self.importer} #{self.pk} {self.original_name}"

    @property
    def is_running(self) -> bool:
        return self.status in RUNNING

    @property
    def can_commit(self) -> bool:
        return self.status == ImportStatus.VALIDATED and self.valid_rows > 0
