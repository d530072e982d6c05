"""工单 queues: mine, my department, unassigned, due soon, breached, waiting on customer;
filters, saved views (chips), a dense sortable table and bulk assign / transfer."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kefu.core.errors import DomainError, NotFound
from kefu.core.models import User
from kefu.core.permissions import Perm
from kefu.core.selectors.scope import has_perm, restrict_to_scope, scope_for, visible_units
from kefu.core.views.common import actor_of, paginate, perm_required, sort_queryset
from kefu.customers.selectors import mask_phone
from kefu.tickets import selectors
from kefu.tickets.choices import TicketType
from kefu.tickets.models import SavedView
from kefu.tickets.services import config as config_services
from kefu.tickets.services import work
from kefu.tickets.views.display import annotate_sla, list_badges, transfer_departments
from kefu.tickets.views.forms import QUEUE_VIEWS, BulkForm, SaveViewForm, TicketFilterForm

SORT_COLUMNS = {
    "number": ("number",),
    "priority": ("priority", "-id"),
    "status": ("status", "-id"),
    "due": ("resolution_due", "id"),
    "created": ("created_at", "id"),
}


def _tickets(actor: User, data: dict[str, Any], complaints: bool) -> Any:
    kwargs: dict[str, Any] = {
        key: data[key] for key in ("type", "unit", "department", "assignee", "q") if data.get(key)
    }
    status = data.get("status") or ("" if data.get("q") else "active")  # default: open ones
    if status != "all" and status:
        kwargs["status"] = status
    if complaints:
        kwargs["type"] = TicketType.COMPLAINT
    if data.get("view"):
        kwargs["queue_view"] = data["view"]
    qs = selectors.list_tickets(actor, **kwargs)
    if data.get("priority"):
        qs = qs.filter(priority=data["priority"])
    related = ["unit", "department", "assignee", "customer", "sla_policy"]
    if complaints:
        related.append("complaint")
    return qs.prefetch_related(*related)


def _options(actor: User) -> dict[str, Any]:
    units = visible_units(actor).only("id", "name", "depth", "path").order_by("path")
    departments = transfer_departments(actor, scope_for(actor).root_paths)
    people = restrict_to_scope(
        User.objects.filter(is_active=True), actor, field="assignments__unit"
    ).distinct()
    return {
        "unit_options": list(units),
        "department_options": list(departments),
        # a large organisation: the first 500 names (the filter takes any id)
        "assignee_options": list(
            people.only("id", "username", "display_name").order_by("display_name", "id")[:500]
        ),
    }


def _list(request: HttpRequest, complaints: bool) -> HttpResponse:
    actor = actor_of(request)
    filters = TicketFilterForm(request.GET)
    data = filters.cleaned_data if filters.is_valid() else {}
    qs = _tickets(actor, data, complaints)
    if request.GET.get("sort"):
        qs, sort = sort_queryset(qs, request, SORT_COLUMNS, "due")
    else:  # the selector's order: most urgent first, no deadline last
        sort = "due"
    page = paginate(request, qs)
    rows = list(page.object_list)
    annotate_sla(rows, timezone.now())
    list_badges(rows)
    for t in rows:
        t.masked_phone = mask_phone(t.contact_phone) if t.contact_phone else ""
    query = request.GET.copy()
    for key in ("page", "sort"):
        query.pop(key, None)
    context = {
        "page": page,
        "rows": rows,
        "filters": filters,
        "queue_views": QUEUE_VIEWS,
        "current_view": data.get("view", ""),
        "filtered": any(data.get(k) for k in TicketFilterForm.FILTER_KEYS),
        "default_sort": "due",
        "sort": sort,
        "complaints": complaints,
        "saved_views": list(SavedView.objects.filter(user=actor)),
        "current_query": query.urlencode(),
        "can_assign": has_perm(actor, Perm.ASSIGN_TICKETS),
        "list_url": request.path,
        **_options(actor),
    }
    return render(request, "tickets/ticket_list.html", context)


@perm_required(Perm.VIEW_TICKETS)
def ticket_list(request: HttpRequest) -> HttpResponse:
    return _list(request, complaints=False)


@perm_required(Perm.VIEW_TICKETS)
def complaint_list(request: HttpRequest) -> HttpResponse:
    return _list(request, complaints=True)


def _back(request: HttpRequest) -> HttpResponse:
    target = request.POST.get("next", "")
    if not target.startswith("/") or target.startswith("//"):
        return redirect("tickets:list")
    return redirect(target)


@require_POST
@perm_required(Perm.ASSIGN_TICKETS)
def bulk_action(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    form = BulkForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose tickets and what to do with them."))
        return _back(request)
    data = form.cleaned_data
    tickets = list(selectors.list_tickets(actor).filter(pk__in=data["ids"]))
    try:
        if data["action"] == "assign":
            assignee = (
                restrict_to_scope(
                    User.objects.filter(is_active=True), actor, field="assignments__unit"
                )
                .filter(pk=data.get("assignee") or 0)
                .first()
            )
            if assignee is None:
                raise DomainError(_("Choose who takes the tickets."))
            work.bulk_assign(actor=actor, tickets=tickets, assignee=assignee)
        else:
            paths = scope_for(actor).root_paths
            department = (
                transfer_departments(actor, paths).filter(pk=data.get("department") or 0).first()
            )
            if department is None:
                raise DomainError(_("Choose the department to transfer to."))
            work.bulk_transfer(actor=actor, tickets=tickets, department=department)
    except DomainError as exc:
        messages.error(request, exc.message)
        return _back(request)
    messages.success(request, _("%(n)d tickets updated.") % {"n": len(tickets)})
    return _back(request)


@require_POST
@perm_required(Perm.VIEW_TICKETS)
def save_view(request: HttpRequest) -> HttpResponse:
    form = SaveViewForm(request.POST)
    if form.is_valid():
        raw = QueryDict(form.cleaned_data["query"])
        kept = QueryDict(mutable=True)
        for key in ("view", *TicketFilterForm.FILTER_KEYS):
            if raw.get(key):
                kept[key] = raw[key]
        query = kept.urlencode()
        try:
            config_services.save_view(
                actor=actor_of(request), name=form.cleaned_data["name"], query=query
            )
            messages.success(request, _("View saved."))
        except DomainError as exc:
            messages.error(request, exc.message)
    else:
        messages.error(request, _("Give the view a name."))
    return _back(request)


@require_POST
@perm_required(Perm.VIEW_TICKETS)
def delete_view(request: HttpRequest, view_id: int) -> HttpResponse:
    try:
        config_services.delete_view(actor=actor_of(request), view_id=view_id)
    except NotFound:
        raise  # someone else's saved view: 404, not a redirect
    except DomainError as exc:
        messages.error(request, exc.message)
    return _back(request)
