"""Staff pages: survey settings, invitations (with sending), satisfaction results."""

from __future__ import annotations

from datetime import timedelta
from typing import Any, cast

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from kefu.core.errors import DomainError, NotFound
from kefu.core.exports import export_xlsx_response
from kefu.core.permissions import Perm
from kefu.core.selectors.scope import has_perm, visible_units
from kefu.core.views.common import actor_of, deny_unless, paginate, perm_required
from kefu.surveys import selectors, services
from kefu.surveys.choices import InvitationStatus
from kefu.surveys.exports import figure_columns
from kefu.surveys.forms import InviteForm, RangeForm, SurveyForm
from kefu.surveys.services_invitations import invite

DEFAULT_DAYS = 30
MAX_DAYS = 366


@perm_required(Perm.CONFIGURE)
def survey_list(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    actor = actor_of(request)
    survey = get_object_or_404(selectors.surveys_for(actor), pk=pk) if pk else None
    form = SurveyForm(request.POST or None, instance=survey, units=visible_units(actor))
    if request.method == "POST" and form.is_valid():
        try:
            _save_survey(actor, survey, form.cleaned_data)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("The survey was saved."))
            return redirect("surveys:list")
    context = {"surveys": selectors.surveys_for(actor), "form": form, "survey": survey}
    return render(request, "surveys/list.html", context, status=422 if form.errors else 200)


def _save_survey(actor: Any, survey: Any, data: dict[str, Any]) -> None:
    if survey is None:
        services.create_survey(actor=actor, **data)
    else:
        services.update_survey(actor=actor, survey=survey, **data)


@perm_required(Perm.VIEW_TICKETS)
def invitations(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    form = InviteForm(request.POST or None, surveys=selectors.active_surveys_for(actor))
    if request.method == "POST":
        deny_unless(has_perm(actor, Perm.WORK_TICKETS))
        if form.is_valid() and _send(request, form):
            return redirect("surveys:invitations")
    status = request.GET.get("status", "")
    qs = selectors.filter_status(selectors.invitations_for(actor), status)
    context = {
        "page": paginate(request, qs),
        "form": form,
        "status": status,
        "statuses": InvitationStatus.choices,
        "can_send": has_perm(actor, Perm.WORK_TICKETS),
        "can_configure": has_perm(actor, Perm.CONFIGURE),
        "now": timezone.now(),
    }
    return render(request, "surveys/invitations.html", context, status=422 if form.errors else 200)


def _send(request: HttpRequest, form: InviteForm) -> bool:
    actor = actor_of(request)
    data = form.cleaned_data
    try:
        ticket = selectors.ticket_for_invitation(actor, data["ticket"])
        done = invite(
            actor=actor,
            ticket=ticket,
            survey=data["survey"],
            channel=data["channel"],
            base_url=request.build_absolute_uri("/"),
        )
    except NotFound:
        form.add_error("ticket", _("No ticket with this number in your units."))
        return False
    except DomainError as exc:
        form.add_error(None, exc.message)
        return False
    messages.success(request, _("Invitation created. Link: %(url)s") % {"url": done.url})
    return True


def _range(form: RangeForm) -> tuple[Any, Any, str, str]:
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    until = data.get("until") or timezone.localdate()
    since = data.get("since") or until - timedelta(days=DEFAULT_DAYS - 1)
    if since > until:
        since, until = until, since
    since = max(since, until - timedelta(days=MAX_DAYS - 1))
    return since, until, data.get("group_by") or "day", data.get("source") or ""


@perm_required(Perm.VIEW_REPORTS)
def results(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    form = RangeForm(request.GET or None)
    since, until, group_by, source = _range(form)
    figures = selectors.satisfaction_figures(
        actor, since=since, until=until, group_by=group_by, source=source or None
    )
    if request.GET.get("format") == "xlsx":
        deny_unless(has_perm(actor, Perm.EXPORT_DATA))
        response = export_xlsx_response(
            actor=actor,
            filename=f"满意度-{since:%Y%m%d}-{until:%Y%m%d}",
            columns=figure_columns(),
            rows=[*figures.rows, figures.total],
            object_type="surveys.satisfactionrating",
            sheet=_("Satisfaction"),
        )
        return cast(HttpResponse, response)  # a streamed FileResponse
    context = {
        "form": form,
        "figures": figures,
        "group_by": group_by,
        "source": source,
        "chart_data": {
            "time": group_by in {"day", "week", "month"},
            "labels": [r.label or "—" for r in figures.rows],
            "csat_percent": [r.csat_percent for r in figures.rows],
            "nps": [r.nps for r in figures.rows],
            "count": [r.count for r in figures.rows],
        },
        "comments": selectors.recent_comments(
            actor, since=since, until=until, source=source or None
        ),
        "can_export": has_perm(actor, Perm.EXPORT_DATA),
        "can_configure": has_perm(actor, Perm.CONFIGURE),
    }
    return render(request, "surveys/results.html", context)
