from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from kefu.core.choices import DepartmentKind, UnitKind
from kefu.core.models.base import TimestampedModel


def path_ids(path: str) -> list[int]:
    """The unit ids on a materialised path, top first: "/1/4/9/" → [1, 4, 9]."""
    return [int(part) for part in path.strip("/").split("/") if part.isdigit()]


class OrgUnit(TimestampedModel):
    """A node of the organisation tree: headquarters → region → store / site / service centre.

    `path` is the materialised chain of ids ("/1/4/9/") so that "this unit and everything
    below it" is one indexed prefix query on both databases.
    """

    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=20, choices=UnitKind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    path = models.CharField(max_length=255, editable=False, default="")
    depth = models.PositiveSmallIntegerField(default=0, editable=False)
    calendar = models.ForeignKey(
        "core.BusinessCalendar",
        verbose_name=_("business calendar"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="units",
        help_text=_("Empty: use the parent unit's calendar (or the default one)."),
    )
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("organisation unit")
        verbose_name_plural = _("organisation units")
        ordering = ["path"]
        indexes = [
            models.Index(
                fields=["path"], name="core_orgunit_path_idx", opclasses=["varchar_pattern_ops"]
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def lineage_ids(self) -> list[int]:
        """This unit's id and those of every unit above it."""
        return path_ids(self.path)


class Department(TimestampedModel):
    """A department that receives work (客服部, 质量部, 物流/配送 ...), owned by a unit."""

    unit = models.ForeignKey(
        OrgUnit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="departments"
    )
    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(
        _("kind"),
        max_length=20,
        choices=DepartmentKind.choices,
        default=DepartmentKind.CUSTOMER_SERVICE,
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["unit__path", "name"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "name"], name="core_department_unit_name_uniq"),
        ]

    def __str__(self) -> str:
        return self.name
