"""Phone intake (新建工单): the caller's number first, then the customer (found or created
inline), then what the call is about. Works from the keyboard alone; Ctrl+Enter submits."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from kefu.core.errors import DomainError
from kefu.core.forms import apply_domain_error
from kefu.core.models import User
from kefu.core.permissions import Perm
from kefu.core.selectors.scope import scope_for, visible_units
from kefu.core.views.common import actor_of, perm_required
from kefu.customers import selectors as customer_selectors
from kefu.customers import services as customer_services
from kefu.customers.models import Customer
from kefu.tickets import selectors
from kefu.tickets.choices import OPEN_STATUSES
from kefu.tickets.errors import InvalidReceivedAt
from kefu.tickets.services.intake import create_call_ticket
from kefu.tickets.views.forms import IntakeForm

MAX_MATCHES = 10


def _units(actor: User) -> Any:
    return visible_units(actor).order_by("path")


def _initial_unit(actor: User) -> int | None:
    grants = [g for g in scope_for(actor).grants if Perm.WORK_TICKETS in g.perms]
    return max(grants, key=lambda g: len(g.path)).unit_id if grants else None


def _matches(actor: User, phone: str) -> list[Customer]:
    if len(customer_services.normalize_phone(phone)) < 5:
        return []
    customers = list(customer_selectors.list_customers(actor, phone=phone)[:MAX_MATCHES])
    open_tickets = (
        selectors.list_tickets(actor)
        .filter(customer__in=[c.pk for c in customers], status__in=OPEN_STATUSES)
        .order_by("-created_at")
        .select_related(None)
        .only("id", "number", "title", "status", "customer_id", "created_at")
    )
    by_customer: dict[int, list[Any]] = {}
    for t in open_tickets[:50]:
        if t.customer_id is not None:
            by_customer.setdefault(t.customer_id, []).append(t)
    for c in customers:
        c.open_tickets = by_customer.get(c.pk, [])  # type: ignore[attr-defined]
    return customers


@perm_required(Perm.WORK_TICKETS)
def lookup(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    phone = request.GET.get("phone", "")[:40]
    context = {
        "phone": phone,
        "matches": _matches(actor, phone),
        "searched": len(customer_services.normalize_phone(phone)) >= 5,
        "selected": request.GET.get("customer", ""),
    }
    return render(request, "tickets/partials/caller.html", context)


def _received_at_error(form: IntakeForm, exc: InvalidReceivedAt, value: datetime) -> None:
    """The short reason by the input; when a backdate is refused, the rule on top too (a
    time in the future gets the short reason only)."""
    details = exc.details if isinstance(exc.details, dict) else {}
    form.add_error("received_at", str(details.get("received_at") or exc.message))
    if value <= timezone.now():
        form.add_error(None, exc.message)


@perm_required(Perm.WORK_TICKETS)
def create(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    units = _units(actor)
    form = IntakeForm(request.POST or None, units=units, initial={"unit": _initial_unit(actor)})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            customer = (
                customer_selectors.get_customer(actor, data["customer"])
                if data.get("customer")
                else None
            )
            ticket = create_call_ticket(
                actor=actor,
                unit=data["unit"],
                customer=customer,
                new_customer_name=data.get("new_customer_name") or "",
                phone=data.get("phone", ""),
                type=data["type"],
                channel=data["channel"],
                title=data["title"],
                description=data["description"],
                reference=data["reference"],
                category=data["category"],
                priority=data["priority"],
                received_at=data["received_at"],
            )
        except InvalidReceivedAt as exc:
            _received_at_error(form, exc, data["received_at"])
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            return redirect("tickets:detail", ticket.pk)
    phone = form.data.get("phone", "") if form.is_bound else ""
    context = {
        "form": form,
        "matches": _matches(actor, str(phone)) if phone else [],
        "phone": phone,
        "searched": bool(phone),
        "selected": str(form.data.get("customer", "")) if form.is_bound else "",
        "hint": _("Type the caller's number; known customers appear below it."),
    }
    return render(request, "tickets/ticket_create.html", context)
