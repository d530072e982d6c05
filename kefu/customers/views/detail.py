"""The customer 360° page and its actions (reveal, phones, contacts, addresses, tags,
credit). Each action parses a form, calls one service and comes back to the page."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from kefu.core.errors import DomainError, NotFound
from kefu.core.forms import apply_domain_error
from kefu.core.models import User
from kefu.core.permissions import Perm
from kefu.core.selectors.scope import has_perm
from kefu.core.views.common import actor_of, perm_required
from kefu.customers import selectors, services
from kefu.customers.forms import (
    AddressForm,
    ContactForm,
    CreditForm,
    PhoneForm,
    TagsForm,
    split_list,
)
from kefu.customers.models import Customer
from kefu.customers.privacy import (
    can_reveal,
    mask_address,
    mask_email,
    mask_id_number,
    mask_phone,
)
from kefu.customers.sections import render_sections

FORMS: dict[str, type[Form]] = {
    "phone_form": PhoneForm,
    "contact_form": ContactForm,
    "address_form": AddressForm,
    "credit_form": CreditForm,
}


def _customer(actor: User, customer_id: int) -> Customer | HttpResponse:
    try:
        return selectors.customer_360(actor, customer_id)
    except NotFound as exc:
        if exc.code == selectors.MERGED_CODE:  # an old link: go to where it was merged
            return redirect("customers:detail", customer_id=exc.details["merged_into"])
        raise


def _masked(customer: Customer) -> dict[str, Any]:
    return {
        "phones": [(p, mask_phone(p.number)) for p in customer.phones.all()],
        "email": mask_email(customer.email),
        "id_number": mask_id_number(customer.id_number),
        "address": mask_address(customer.address),
        "addresses": [(a, mask_address(a)) for a in customer.addresses.all()],
        "contacts": [
            (c, mask_phone(c.phone), mask_email(c.email)) for c in customer.contacts.all()
        ],
    }


def _page(request: HttpRequest, customer: Customer, **bound: Form) -> HttpResponse:
    actor = actor_of(request)
    forms = {key: bound.get(key) or form_class() for key, form_class in FORMS.items()}
    context = {
        "customer": customer,
        "masked": _masked(customer),
        "tags": [link.tag.name for link in customer.tag_links.all()],
        "credit_changes": list(customer.credit_changes.all()),
        "aliases": list(customer.aliases.all()),
        "merges": list(customer.merges.all()),
        "sections": render_sections(request, customer),
        "can_edit": not customer.is_erased and has_perm(actor, Perm.EDIT_CUSTOMERS, customer.unit),
        "can_reveal": can_reveal(actor, customer),
        "can_export_personal_data": has_perm(actor, Perm.EXPORT_PERSONAL_DATA, customer.unit),
        "can_erase_personal_data": has_perm(actor, Perm.ERASE_PERSONAL_DATA, customer.unit),
        **forms,
    }
    return render(request, "customers/customer_detail.html", context, status=422 if bound else 200)


@perm_required(Perm.VIEW_CUSTOMERS)
def customer_detail(request: HttpRequest, customer_id: int) -> HttpResponse:
    customer = _customer(actor_of(request), customer_id)
    if isinstance(customer, HttpResponse):
        return customer
    return _page(request, customer)


@require_POST
@perm_required(Perm.VIEW_CUSTOMERS)
def customer_reveal(request: HttpRequest, customer_id: int) -> HttpResponse:
    """显示: the unmasked personal data (an htmx fragment), logged; 403 without permission."""
    actor = actor_of(request)
    customer = selectors.customer_360(actor, customer_id)
    data = services.reveal_customer(actor=actor, customer=customer)
    return render(request, "customers/partials/revealed.html", {"data": data, "customer": customer})


def _action(
    form_key: str | None,
    form_class: type[Form],
    call: Callable[[User, Customer, dict[str, Any]], Any],
    done: str | Promise,
) -> Callable[..., HttpResponse]:
    """A POST that runs one service with the form's data and returns to the 360° page."""

    @require_POST
    @perm_required(Perm.EDIT_CUSTOMERS)
    def view(request: HttpRequest, customer_id: int, **ids: int) -> HttpResponse:
        actor = actor_of(request)
        customer = selectors.customer_360(actor, customer_id)
        form = form_class(request.POST)
        if form.is_valid():
            try:
                call(actor, customer, {**form.cleaned_data, **ids})
            except DomainError as exc:
                apply_domain_error(form, exc)
            else:
                messages.success(request, str(done))
                return redirect("customers:detail", customer_id=customer.pk)
        if form_key is None:
            for error in form.errors.values():
                messages.error(request, " ".join(str(e) for e in error))
            return redirect("customers:detail", customer_id=customer.pk)
        return _page(request, selectors.customer_360(actor, customer_id), **{form_key: form})

    return view


class _NoFields(Form):
    pass


phone_add = _action(
    "phone_form",
    PhoneForm,
    lambda a, c, d: services.add_phone(actor=a, customer=c, **d),
    gettext_lazy("Phone added."),
)
phone_remove = _action(
    None,
    _NoFields,
    lambda a, c, d: services.remove_phone(actor=a, customer=c, **d),
    gettext_lazy("Phone removed."),
)
contact_add = _action(
    "contact_form",
    ContactForm,
    lambda a, c, d: services.add_contact(actor=a, customer=c, **d),
    gettext_lazy("Contact added."),
)
contact_remove = _action(
    None,
    _NoFields,
    lambda a, c, d: services.remove_contact(actor=a, customer=c, **d),
    gettext_lazy("Contact removed."),
)
address_add = _action(
    "address_form",
    AddressForm,
    lambda a, c, d: services.add_address(actor=a, customer=c, **d),
    gettext_lazy("Address added."),
)
address_default = _action(
    None,
    _NoFields,
    lambda a, c, d: services.update_address(actor=a, customer=c, is_default=True, **d),
    gettext_lazy("Default address changed."),
)
address_remove = _action(
    None,
    _NoFields,
    lambda a, c, d: services.remove_address(actor=a, customer=c, **d),
    gettext_lazy("Address removed."),
)
tags_set = _action(
    None,
    TagsForm,
    lambda a, c, d: services.set_tags(actor=a, customer=c, names=split_list(d["tags"])),
    gettext_lazy("Tags saved."),
)
credit_change = _action(
    "credit_form",
    CreditForm,
    lambda a, c, d: services.change_credit(
        actor=a, customer=c, **{**d, "level": d.get("level") or None}
    ),
    gettext_lazy("Credit rating changed."),
)
