"""Columns of the satisfaction figures export."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from kefu.core.exports import ExportColumn


def figure_columns() -> list[ExportColumn]:
    return [
        ExportColumn(_("Group"), "label", 18, value=lambda r: r.label or str(_("Total"))),
        ExportColumn(_("Ratings"), "count", 10),
        ExportColumn(_("CSAT answers"), "csat_count", 12),
        ExportColumn(_("CSAT average"), "csat_average", 12),
        ExportColumn(_("Satisfied share"), "csat_percent", 12),
        ExportColumn(_("NPS answers"), "nps_count", 12),
        ExportColumn(_("Promoters"), "promoters", 10),
        ExportColumn(_("Passives"), "passives", 10),
        ExportColumn(_("Detractors"), "detractors", 10),
        ExportColumn(_("NPS"), "nps", 10),
    ]
