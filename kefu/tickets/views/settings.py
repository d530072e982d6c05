"""设置 → ticket settings: the category tree, queues per department and macros (canned
replies). One page per kind: the list, and a form to add or edit (?edit=<id>)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from kefu.core.errors import DomainError
from kefu.core.forms import apply_domain_error
from kefu.core.models import Department, User
from kefu.core.permissions import Perm
from kefu.core.selectors.scope import restrict_to_scope, visible_units
from kefu.core.views.common import actor_of, perm_required
from kefu.tickets.models import Category, Macro, Queue
from kefu.tickets.services import config as config_services


class CategoryForm(forms.Form):
    name = forms.CharField(label=_l("Name"), max_length=60)
    code = forms.CharField(label=_l("Code"), max_length=32)
    parent = forms.ModelChoiceField(
        label=_l("Parent category"), queryset=Category.objects.all(), required=False
    )
    is_active = forms.BooleanField(label=_l("Active"), required=False, initial=True)


class QueueForm(forms.Form):
    department = forms.ModelChoiceField(label=_l("Department"), queryset=Department.objects.none())
    name = forms.CharField(label=_l("Name"), max_length=60)
    is_active = forms.BooleanField(label=_l("Active"), required=False, initial=True)


class MacroForm(forms.Form):
    name = forms.CharField(label=_l("Name"), max_length=100)
    body = forms.CharField(
        label=_l("Text"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_l(
            "Variables: {{ ticket.number }}, {{ ticket.title }}, {{ customer.name }}, "
            "{{ agent.name }}"
        ),
    )
    is_active = forms.BooleanField(label=_l("Active"), required=False, initial=True)


def _editing(request: HttpRequest, qs: Any) -> Any:
    raw = request.GET.get("edit") or request.POST.get("edit")
    return qs.filter(pk=raw).first() if raw and str(raw).isdigit() else None


def _page(
    request: HttpRequest, kind: str, form: forms.Form, rows: list[Any], obj: Any
) -> HttpResponse:
    titles = {"categories": _("Categories"), "queues": _("Queues"), "macros": _("Macros")}
    context = {"kind": kind, "title": titles[kind], "form": form, "rows": rows, "editing": obj}
    return render(request, "tickets/settings/config_page.html", context)


def _save(request: HttpRequest, form: forms.Form, call: Any, kind: str) -> HttpResponse | None:
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        call(form.cleaned_data)
    except DomainError as exc:
        apply_domain_error(form, exc)
        return None
    messages.success(request, _("Saved."))
    return redirect(f"tickets:settings_{kind}")


@perm_required(Perm.CONFIGURE)
def categories(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    obj = _editing(request, Category.objects.all())
    initial = (
        {"name": obj.name, "code": obj.code, "parent": obj.parent_id, "is_active": obj.is_active}
        if obj
        else {}
    )
    form = CategoryForm(request.POST or None, initial=initial)
    done = _save(
        request,
        form,
        lambda d: config_services.save_category(actor=actor, category=obj, **d),
        "categories",
    )
    rows = list(Category.objects.order_by("path"))
    for c in rows:
        c.depth = max(c.path.count("/") - 2, 0)  # type: ignore[attr-defined]
    return done or _page(request, "categories", form, rows, obj)


@perm_required(Perm.CONFIGURE)
def queues(request: HttpRequest) -> HttpResponse:
    actor: User = actor_of(request)
    scoped = restrict_to_scope(
        Queue.objects.select_related("department"), actor, field="department__unit"
    )
    obj = _editing(request, scoped)
    initial = (
        {"department": obj.department_id, "name": obj.name, "is_active": obj.is_active}
        if obj
        else {}
    )
    form = QueueForm(request.POST or None, initial=initial)
    form.fields["department"].queryset = restrict_to_scope(Department.objects.all(), actor)  # type: ignore[attr-defined]
    done = _save(
        request, form, lambda d: config_services.save_queue(actor=actor, queue=obj, **d), "queues"
    )
    rows = list(scoped.order_by("department__name", "name"))
    return done or _page(request, "queues", form, rows, obj)


@perm_required(Perm.CONFIGURE)
def macros(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    units = visible_units(actor).values("id")
    scoped = Macro.objects.filter(unit__isnull=True) | Macro.objects.filter(unit_id__in=units)
    obj = _editing(request, scoped)
    initial = {"name": obj.name, "body": obj.body, "is_active": obj.is_active} if obj else {}
    form = MacroForm(request.POST or None, initial=initial)
    unit = obj.unit if obj else None
    done = _save(
        request,
        form,
        lambda d: config_services.save_macro(actor=actor, macro=obj, unit=unit, **d),
        "macros",
    )
    rows = list(scoped.select_related("unit").order_by("name"))
    return done or _page(request, "macros", form, rows, obj)
