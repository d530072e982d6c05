"""报表: the manager dashboard (backlog, SLA compliance, volume trend and breakdowns)."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kefu.core.permissions import Perm
from kefu.core.views.common import actor_of, perm_required
from kefu.reports import selectors

MAX_DAYS = 366
DEFAULT_DAYS = 30


class RangeForm(forms.Form):
    start = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        today = timezone.localdate()
        end = data.get("end") or today
        start = data.get("start") or end - timedelta(days=DEFAULT_DAYS - 1)
        if start > end:
            start, end = end, start
        if (end - start).days >= MAX_DAYS:
            start = end - timedelta(days=MAX_DAYS - 1)
        data["start"], data["end"] = start, end
        return data


def _csv(board: selectors.Dashboard) -> HttpResponse:
    """Every table of the dashboard in one CSV (UTF-8 with BOM, so Excel reads Chinese)."""
    out = io.StringIO()
    out.write("\ufeff")
    w = csv.writer(out)
    w.writerow([_("Day"), _("Tickets")])
    w.writerows(zip(board.trend_days, board.trend_counts, strict=True))
    w.writerow([])
    w.writerow([_("SLA met"), board.sla_met, _("With an SLA target"), board.sla_measured])
    w.writerow([])
    w.writerow([_("Backlog by status"), _("Tickets")])
    w.writerows(board.backlog.items())
    for b in board.breakdowns:
        w.writerow([])
        w.writerow([b.key, *b.series.keys(), _("Total")])
        for i, name in enumerate(b.categories):
            w.writerow([name, *(counts[i] for counts in b.series.values()), b.totals[i]])
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    name = f"kefu-dashboard-{board.start:%Y%m%d}-{board.end:%Y%m%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@perm_required(Perm.VIEW_REPORTS)
def dashboard(request: HttpRequest) -> HttpResponse:
    form = RangeForm(request.GET or None)
    if form.is_bound and form.is_valid():
        start, end = form.cleaned_data["start"], form.cleaned_data["end"]
    else:
        end = timezone.localdate()
        start = end - timedelta(days=DEFAULT_DAYS - 1)
    board = selectors.dashboard(actor_of(request), start=start, end=end)
    if request.GET.get("format") == "csv":
        return _csv(board)
    titles = {
        "type": _("By type"),
        "channel": _("By channel"),
        "department": _("By department"),
        "unit": _("By unit"),
    }
    for b in board.breakdowns:
        b.rows = [  # type: ignore[attr-defined]
            (name, [counts[i] for counts in b.series.values()], b.totals[i])
            for i, name in enumerate(b.categories)
        ]
    context = {
        "trend_rows": list(zip(board.trend_days, board.trend_counts, strict=True)),
        "form": form,
        "board": board,
        "start": start,
        "end": end,
        "breakdowns": [(b, titles[b.key]) for b in board.breakdowns],
        "chart_data": selectors.as_chart_data(board),
    }
    return render(request, "reports/dashboard.html", context)
