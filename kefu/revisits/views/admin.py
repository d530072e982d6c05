"""Configuration screens: revisit plans and scripts (话术) with their questions."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kefu.core.errors import DomainError
from kefu.core.permissions import Perm
from kefu.core.selectors.scope import visible_units
from kefu.core.views.common import actor_of, perm_required
from kefu.revisits import selectors
from kefu.revisits.forms import (
    PlanForm,
    QuestionForm,
    QuestionFormSet,
    QuietHoursForm,
    ScriptForm,
)
from kefu.revisits.models import QuietHours
from kefu.revisits.services import generate_for_plan, save_plan, save_script, set_quiet_hours


@perm_required(Perm.CONFIGURE)
def plans(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    actor = actor_of(request)
    plan = selectors.plan_for(actor, pk) if pk else None
    units = visible_units(actor).filter(is_active=True)
    initial = PlanForm.initial_for(plan) if plan else {}
    form = PlanForm(request.POST or None, units=units, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            fields = form.service_fields()
            saved = save_plan(actor=actor, plan=plan, fields=fields, pool=form.cleaned_data["pool"])
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Plan saved."))
            return redirect("revisits:plan_edit", pk=saved.pk)
    context = {"plans": selectors.plans_for(actor), "plan": plan, "form": form}
    return render(request, "revisits/plans.html", context)


@require_POST
@perm_required(Perm.CONFIGURE)
def generate(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    n = generate_for_plan(actor=actor, plan=selectors.plan_for(actor, pk))
    messages.success(request, _("%(n)d revisit tasks created.") % {"n": n})
    return redirect("revisits:plans")


@perm_required(Perm.CONFIGURE)
def scripts(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    actor = actor_of(request)
    script = selectors.script_for(pk) if pk else None
    form = ScriptForm(request.POST or None, instance=script, prefix="s")
    initial = [QuestionForm.initial_for(q) for q in script.questions.all()] if script else []
    formset = QuestionFormSet(request.POST or None, initial=initial, prefix="q")
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        questions = _questions(formset)
        try:
            saved = save_script(
                actor=actor, script=script, fields=form.cleaned_data, questions=questions
            )
        except DomainError as exc:
            form.add_error(None, f"{exc.message} {exc.details or ''}")
        else:
            messages.success(request, _("Script saved."))
            return redirect("revisits:script_edit", pk=saved.pk)
    context = {"scripts": selectors.scripts(), "script": script, "form": form, "formset": formset}
    return render(request, "revisits/scripts.html", context)


def _questions(formset: Any) -> list[dict[str, Any]]:
    rows = []
    for f in formset.forms:
        if not f.has_changed() and not f.initial:
            continue
        if f.cleaned_data.get("DELETE") or not f.cleaned_data.get("text"):
            continue
        rows.append(f.service_data())
    return rows


@perm_required(Perm.CONFIGURE)
def quiet_hours(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    units = visible_units(actor).filter(is_active=True)
    form = QuietHoursForm(request.POST or None, units=units)
    if request.method == "POST" and form.is_valid():
        try:
            set_quiet_hours(
                actor=actor, unit=form.cleaned_data["unit"], windows=form.cleaned_data["windows"]
            )
        except DomainError as exc:
            form.add_error("windows", str(exc.details.get("windows", exc.message)))
        else:
            messages.success(request, _("Quiet hours saved."))
            return redirect("revisits:quiet_hours")
    rows = QuietHours.objects.select_related("unit").order_by("unit__path")
    return render(request, "revisits/quiet_hours.html", {"form": form, "rows": rows})
