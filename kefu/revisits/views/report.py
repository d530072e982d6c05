"""《回访总结报告》: coverage against plan, satisfaction trend, issues raised; xlsx export."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.http import HttpRequest
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kefu.core.exports import ExportColumn, export_xlsx_response
from kefu.core.permissions import Perm
from kefu.core.selectors.scope import has_perm
from kefu.core.views.common import actor_of, deny_unless, perm_required
from kefu.revisits.report import Coverage, revisit_summary

COLUMNS = [
    ExportColumn(gettext_lazy("Agent / unit"), "label", 20),
    ExportColumn(gettext_lazy("Due"), "due", 8),
    ExportColumn(gettext_lazy("Reached"), "reached", 8),
    ExportColumn(gettext_lazy("Unreachable"), "unreachable", 10),
    ExportColumn(gettext_lazy("Not yet reached"), "pending", 10),
    ExportColumn(gettext_lazy("Coverage %"), "coverage", 10),
    ExportColumn(gettext_lazy("Satisfied"), "satisfied", 8),
    ExportColumn(gettext_lazy("Average"), "average", 8),
    ExportColumn(gettext_lazy("Unsatisfied"), "unsatisfied", 10),
    ExportColumn(gettext_lazy("Satisfaction %"), "satisfaction", 10),
]


def _period(request: HttpRequest) -> tuple[date, date]:
    today = timezone.localdate()
    try:
        since = date.fromisoformat(request.GET.get("since", ""))
    except ValueError:
        since = today - timedelta(days=29)
    try:
        until = date.fromisoformat(request.GET.get("until", ""))
    except ValueError:
        until = today
    return (since, until) if since <= until else (until, since)


@perm_required(None)
def report(request: HttpRequest) -> Any:
    actor = actor_of(request)
    deny_unless(has_perm(actor, Perm.DO_REVISITS) or has_perm(actor, Perm.VIEW_REPORTS))
    since, until = _period(request)
    summary = revisit_summary(actor, since=since, until=until)
    if request.GET.get("export") == "xlsx":
        deny_unless(has_perm(actor, Perm.EXPORT_DATA))
        rows: list[Coverage] = [summary.total, *summary.by_unit, *summary.by_agent]
        summary.total.label = _("Total")
        return export_xlsx_response(
            actor=actor,
            filename=_("Revisit summary report"),
            columns=COLUMNS,
            rows=rows,
            object_type="revisits.report",
            masked=False,
        )
    chart = {
        "days": [str(r["day"]) for r in summary.trend],
        "satisfied": [r["satisfied"] for r in summary.trend],
        "average": [r["average"] for r in summary.trend],
        "unsatisfied": [r["unsatisfied"] for r in summary.trend],
        "csat_days": [str(r["day"]) for r in summary.csat],
        "csat": [r["average"] for r in summary.csat],
    }
    context = {
        "s": summary,
        "chart": chart,
        "can_export": has_perm(actor, Perm.EXPORT_DATA),
    }
    return render(request, "revisits/report.html", context)
