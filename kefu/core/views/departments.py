"""部门: the department list, creating and editing departments."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from kefu.core.errors import DomainError
from kefu.core.forms import DepartmentFilterForm, DepartmentForm, apply_domain_error
from kefu.core.models import OrgUnit
from kefu.core.permissions import Perm
from kefu.core.selectors import org as org_selectors
from kefu.core.selectors.scope import has_perm, visible_units
from kefu.core.services import org as org_services
from kefu.core.views.common import (
    actor_of,
    deny_unless,
    enable_live_check,
    live_check,
    paginate,
    perm_required,
    sort_queryset,
)

SORT_COLUMNS = {
    "name": ("name", "id"),
    "code": ("code",),
    "unit": ("unit__path", "name"),
    "kind": ("kind", "name"),
    "members": ("n_members", "name"),
}


@perm_required(Perm.VIEW_ORG)
def department_list(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    filters = DepartmentFilterForm(request.GET)
    data = filters.cleaned_data if filters.is_valid() else {}
    qs = org_selectors.department_rows(
        actor, unit_id=data.get("unit"), q=data.get("q", ""), kind=data.get("kind", "")
    )
    qs, sort = sort_queryset(qs, request, SORT_COLUMNS, "unit")
    page = paginate(request, qs)
    for dept in page:
        dept.can_manage = has_perm(actor, Perm.MANAGE_ORG, dept.unit)
    context = {
        "page": page,
        "filters": filters,
        "filtered": any(data.get(k) for k in ("q", "unit", "kind")),
        "unit_options": visible_units(actor).order_by("path").only("id", "name", "depth"),
        "can_create": has_perm(actor, Perm.MANAGE_ORG),
        "default_sort": "unit",
    }
    return render(request, "core/org/department_list.html", context)


@perm_required(Perm.MANAGE_ORG)
def department_create(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    units = org_selectors.units_with_perm(actor, Perm.MANAGE_ORG)
    initial = {"unit": request.GET.get("unit")} if request.GET.get("unit") else {}
    form = DepartmentForm(request.POST or None, units=units, initial=initial)
    enable_live_check(form, request.path, ["code"])
    checked = live_check(request, form, lambda v: org_selectors.code_taken("department", v))
    if checked is not None:
        return checked
    if request.method == "POST" and form.is_valid():
        try:
            dept = org_services.create_department(actor=actor, **form.cleaned_data)
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(request, _("Department “%(name)s” created.") % {"name": dept.name})
            return redirect("core:department_list")
    return render(request, "core/org/department_form.html", {"form": form, "department": None})


@perm_required(Perm.MANAGE_ORG)
def department_edit(request: HttpRequest, department_id: int) -> HttpResponse:
    actor = actor_of(request)
    dept = org_selectors.get_department(actor, department_id)
    deny_unless(has_perm(actor, Perm.MANAGE_ORG, dept.unit))
    units = org_selectors.units_with_perm(actor, Perm.MANAGE_ORG) | OrgUnit.objects.filter(
        pk=dept.unit_id
    )
    initial = {f: getattr(dept, f) for f in ("name", "code", "kind", "unit", "is_active")}
    form = DepartmentForm(request.POST or None, units=units, edit=True, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            org_services.update_department(actor=actor, department=dept, **form.cleaned_data)
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(request, _("Changes to “%(name)s” saved.") % {"name": dept.name})
            return redirect("core:department_list")
    return render(request, "core/org/department_form.html", {"form": form, "department": dept})
