"""组织架构: the unit tree, creating, editing, moving and (de)activating units."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from kefu.core.choices import UnitKind
from kefu.core.errors import DomainError
from kefu.core.forms import UnitFilterForm, UnitForm, UnitMoveForm, apply_domain_error
from kefu.core.models import OrgUnit, User
from kefu.core.permissions import Perm
from kefu.core.selectors import org as org_selectors
from kefu.core.selectors.scope import has_perm, scope_for
from kefu.core.services import org as org_services
from kefu.core.views.common import (
    actor_of,
    deny_unless,
    enable_live_check,
    live_check,
    perm_required,
)

TREE_OPEN_DEPTH = 1  # rows deeper than this (below the top of the tree) start collapsed
TREE_LIMIT = 400  # more units than this: show two levels and open branches one at a time


def _tree_url(unit: OrgUnit) -> str:
    return f"{reverse('core:unit_list')}#unit-{unit.pk}"


@perm_required(Perm.VIEW_ORG)
def unit_list(request: HttpRequest) -> HttpResponse:
    """The tree. A large organisation shows its top two levels; a branch opens with ?root=."""
    actor = actor_of(request)
    filters = UnitFilterForm(request.GET)
    data = filters.cleaned_data if filters.is_valid() else {}
    q, kind = data.get("q", ""), data.get("kind", "")
    root = org_selectors.get_unit(actor, data["root"]) if data.get("root") else None
    filtered = bool(q or kind)
    top = root.depth if root is not None else org_selectors.top_depth(actor)
    qs = org_selectors.unit_tree(actor, q=q, kind=kind, root=root)
    limited = not filtered and qs.count() > TREE_LIMIT
    units = list(qs.filter(depth__lte=top + 1) if limited else qs)
    for unit in units:
        _mark(actor, unit, unit.depth - top, filtered=filtered, limited=limited)
    context = {
        "units": units,
        "filters": filters,
        "filtered": filtered,
        "limited": limited,
        "root": root,
        "can_create": has_perm(actor, Perm.MANAGE_ORG),
        "active_count": sum(1 for u in units if u.is_active),
    }
    return render(request, "core/org/unit_list.html", context)


def _mark(actor: User, unit: OrgUnit, level: int, *, filtered: bool, limited: bool) -> None:
    """Row flags for the template: may the actor change it, tree level, folded or not."""
    unit.can_manage = has_perm(actor, Perm.MANAGE_ORG, unit)  # type: ignore[attr-defined]
    unit.level = 0 if filtered else level  # type: ignore[attr-defined]
    unit.collapsed = not filtered and level >= TREE_OPEN_DEPTH  # type: ignore[attr-defined]
    unit.hidden = not filtered and level > TREE_OPEN_DEPTH  # type: ignore[attr-defined]
    unit.branch_link = limited and level == 1 and unit.n_children > 0  # type: ignore[attr-defined]


_CHILD_KIND: dict[str, str] = {
    UnitKind.HEADQUARTERS: UnitKind.REGION,
    UnitKind.REGION: UnitKind.STORE,
}


def _create_initial(request: HttpRequest, parents: QuerySet[OrgUnit]) -> dict[str, object]:
    """?parent=<id> preselects the parent and the usual kind one level below it."""
    raw = request.GET.get("parent", "")
    parent = parents.filter(pk=int(raw)).first() if raw.isdigit() and len(raw) < 19 else None
    if parent is None:
        return {"kind": UnitKind.REGION}
    return {"parent": parent.pk, "kind": _CHILD_KIND.get(parent.kind, UnitKind.STORE)}


@perm_required(Perm.MANAGE_ORG)
def unit_create(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    parents = org_selectors.units_with_perm(actor, Perm.MANAGE_ORG)
    allow_top = scope_for(actor).is_superuser
    form = UnitForm(
        request.POST or None,
        parents=parents,
        allow_top=allow_top,
        edit=False,
        initial=_create_initial(request, parents),
    )
    enable_live_check(form, request.path, ["code"])
    checked = live_check(request, form, lambda v: org_selectors.code_taken("unit", v))
    if checked is not None:
        return checked
    if request.method == "POST" and form.is_valid():
        try:
            unit = org_services.create_unit(actor=actor, **form.cleaned_data)
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(request, _("Unit “%(name)s” created.") % {"name": unit.name})
            return redirect(_tree_url(unit))
    return render(request, "core/org/unit_form.html", {"form": form, "unit": None})


@perm_required(Perm.MANAGE_ORG)
def unit_edit(request: HttpRequest, unit_id: int) -> HttpResponse:
    actor = actor_of(request)
    unit = org_selectors.get_unit(actor, unit_id)
    deny_unless(has_perm(actor, Perm.MANAGE_ORG, unit))
    initial = {f: getattr(unit, f) for f in ("name", "code", "kind", "calendar", "phone")}
    initial["address"] = unit.address
    form = UnitForm(
        request.POST or None,
        parents=OrgUnit.objects.none(),
        allow_top=False,
        edit=True,
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        try:
            org_services.update_unit(actor=actor, unit=unit, **form.cleaned_data)
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(request, _("Changes to “%(name)s” saved.") % {"name": unit.name})
            return redirect(_tree_url(unit))
    return render(request, "core/org/unit_form.html", {"form": form, "unit": unit})


@perm_required(Perm.MANAGE_ORG)
def unit_move(request: HttpRequest, unit_id: int) -> HttpResponse:
    actor = actor_of(request)
    unit = org_selectors.get_unit(actor, unit_id)
    deny_unless(has_perm(actor, Perm.MANAGE_ORG, unit))
    parents = org_selectors.units_with_perm(actor, Perm.MANAGE_ORG).exclude(
        path__startswith=unit.path
    )
    form = UnitMoveForm(request.POST or None, parents=parents, initial={"parent": unit.parent_id})
    if request.method == "POST" and form.is_valid():
        try:
            org_services.update_unit(actor=actor, unit=unit, parent=form.cleaned_data["parent"])
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(request, _("“%(name)s” moved.") % {"name": unit.name})
            return redirect(_tree_url(unit))
    return render(request, "core/org/unit_move.html", {"form": form, "unit": unit})


@perm_required(Perm.MANAGE_ORG)
def unit_set_active(request: HttpRequest, unit_id: int) -> HttpResponse:
    """GET: a confirmation page. POST: deactivate an active unit / reactivate an inactive one."""
    actor = actor_of(request)
    unit = org_selectors.get_unit(actor, unit_id)
    deny_unless(has_perm(actor, Perm.MANAGE_ORG, unit))
    error = ""
    if request.method == "POST":
        try:
            org_services.set_unit_active(actor=actor, unit=unit, active=not unit.is_active)
        except DomainError as exc:
            error = exc.message
        else:
            text = (
                _("“%(name)s” reactivated.") if not unit.is_active else _("“%(name)s” deactivated.")
            )
            messages.success(request, text % {"name": unit.name})
            return redirect(_tree_url(unit))
    return render(request, "core/org/unit_active.html", {"unit": unit, "error": error})
