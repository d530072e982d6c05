"""Personal data on request from the customer 360° page: download the customer's full copy
(导出个人信息, xlsx) and erase it (删除个人信息: a confirmation page where the name is typed
again with a reason). Thin: the services check permissions and write the audit log."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kefu.core.errors import DomainError
from kefu.core.exports import XLSX_MIME, xlsx_filename
from kefu.core.forms import apply_domain_error
from kefu.core.permissions import Perm
from kefu.core.views.common import actor_of, perm_required
from kefu.customers import selectors
from kefu.customers.services.personal_data import (
    MAX_REASON,
    erase_personal_data,
    erased_conflict,
    export_personal_data,
)
from kefu.customers.services.personal_data_xlsx import personal_data_workbook


class EraseForm(forms.Form):
    confirm_name = forms.CharField(
        label=gettext_lazy("Type the customer's full name to confirm"), max_length=200
    )
    reason = forms.CharField(
        label=gettext_lazy("Reason (the customer's request)"),
        max_length=MAX_REASON,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


@perm_required(Perm.EXPORT_PERSONAL_DATA)
def personal_data_export(request: HttpRequest, customer_id: int) -> HttpResponse:
    actor = actor_of(request)
    customer = selectors.get_customer(actor, customer_id)
    document = export_personal_data(actor=actor, customer=customer)
    response = HttpResponse(personal_data_workbook(document), content_type=XLSX_MIME)
    name = xlsx_filename(f"personal-data-{customer.pk}")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@perm_required(Perm.ERASE_PERSONAL_DATA)
def personal_data_erase(request: HttpRequest, customer_id: int) -> HttpResponse:
    actor = actor_of(request)
    customer = selectors.get_customer(actor, customer_id)
    form = EraseForm(request.POST if request.method == "POST" else None)
    error = str(erased_conflict().message) if customer.erased_at is not None else ""
    if request.method == "POST" and not error and form.is_valid():
        try:
            erase_personal_data(
                actor=actor,
                customer=customer,
                reason=form.cleaned_data["reason"],
                confirm_name=form.cleaned_data["confirm_name"],
            )
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(request, _("The customer's personal data was erased."))
            return redirect("customers:detail", customer_id=customer.pk)
    status = 422 if form.errors else 409 if error else 200
    context = {"customer": customer, "form": form, "error": error}
    return render(request, "customers/customer_erase.html", context, status=status)
