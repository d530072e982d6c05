"""Create and edit a customer (the form; the services do the work)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from kefu.core.errors import DomainError
from kefu.core.forms import apply_domain_error
from kefu.core.models import OrgUnit, User
from kefu.core.permissions import Perm
from kefu.core.selectors import org as org_selectors
from kefu.core.selectors.scope import restrict_to_scope, visible_units
from kefu.core.views.common import actor_of, enable_live_check, live_check, perm_required
from kefu.customers import selectors, services
from kefu.customers.forms import CustomerForm
from kefu.customers.models import Customer
from kefu.customers.privacy import mask_address, mask_email, mask_id_number
from kefu.customers.services.common import STALE_CODE

MAX_MANAGERS = 500
LIVE_FIELDS = ("name", "phones", "email", "id_number")  # checked by htmx as they change


def _form(request: HttpRequest, actor: User, **kw: Any) -> CustomerForm:
    managers: QuerySet[User] = (
        restrict_to_scope(User.objects.filter(is_active=True), actor, field="assignments__unit")
        .distinct()
        .order_by("display_name", "id")
    )
    source_units: QuerySet[OrgUnit] = visible_units(actor).filter(is_active=True).order_by("path")
    form = CustomerForm(
        request.POST or None,
        units=org_selectors.units_with_perm(actor, Perm.EDIT_CUSTOMERS),
        source_units=source_units,
        managers=User.objects.filter(pk__in=managers.values("pk")[:MAX_MANAGERS]),
        **kw,
    )
    live = [name for name in LIVE_FIELDS if name in form.fields]
    enable_live_check(form, request.path, live)
    return form


@perm_required(Perm.EDIT_CUSTOMERS)
def customer_create(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    form = _form(request, actor)
    checked = live_check(request, form)
    if checked is not None:
        return checked
    if request.method == "POST" and form.is_valid():
        try:
            customer = services.create_customer(actor=actor, **form.service_kwargs(editing=False))
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(request, _("Customer “%(name)s” created.") % {"name": customer.name})
            return redirect("customers:detail", customer_id=customer.pk)
    return render(request, "customers/customer_form.html", {"form": form, "customer": None})


def _initial(customer: Customer) -> dict[str, Any]:
    return {
        "name": customer.name,
        "kind": customer.kind,
        "unit": customer.unit_id,
        "grade": customer.grade,
        "is_key_account": customer.is_key_account,
        "account_manager": customer.account_manager_id,
        "source": customer.source,
        "source_unit": customer.source_unit_id,
        "tags": ", ".join(link.tag.name for link in customer.tag_links.all()),
        "notes": customer.notes,
        "version": customer.version,
    }


@perm_required(Perm.EDIT_CUSTOMERS)
def customer_edit(request: HttpRequest, customer_id: int) -> HttpResponse:
    actor = actor_of(request)
    customer = selectors.get_customer(actor, customer_id)
    form = _form(request, actor, initial=_initial(customer), editing=True)
    masked = {
        "email": mask_email(customer.email),
        "id_number": mask_id_number(customer.id_number),
        "address": mask_address(customer.address),
    }
    for name, value in masked.items():
        form.fields[name].widget.attrs["placeholder"] = value
    checked = live_check(request, form)
    if checked is not None:
        return checked
    if request.method == "POST" and form.is_valid():
        try:
            services.update_customer(
                actor=actor,
                customer=customer,
                expected_version=form.cleaned_data.get("version"),
                **form.service_kwargs(editing=True),
            )
        except DomainError as exc:
            if exc.code == STALE_CODE:  # keep what was typed; say why it was not saved
                form.add_error(None, exc.message)
            else:
                apply_domain_error(form, exc)
        else:
            messages.success(request, _("Customer saved."))
            return redirect("customers:detail", customer_id=customer.pk)
    return render(request, "customers/customer_form.html", {"form": form, "customer": customer})
