"""Recording a purchase by card number (store clerk)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from kefu.core.errors import DomainError, PermissionDenied
from kefu.core.forms import apply_domain_error
from kefu.core.views.common import actor_of
from kefu.members import selectors
from kefu.members.forms import PurchaseForm
from kefu.members.services.purchases import record_purchase
from kefu.members.views.common import members_view, work_units


@members_view
def purchase_create(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    if not work_units(actor).exists():
        raise PermissionDenied()
    form = PurchaseForm(request.POST or None, initial={"card_number": request.GET.get("card", "")})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        member = selectors.list_members(actor).filter(card_number=data["card_number"]).first()
        if member is None:
            form.add_error("card_number", _("No member with this card number in your stores."))
        else:
            try:
                purchase = record_purchase(
                    actor=actor,
                    member=member,
                    amount=data["amount"],
                    purchased_at=data["purchased_at"],
                    receipt_number=data["receipt_number"],
                    items=data["items"],
                    notes=data["notes"],
                )
            except DomainError as exc:
                apply_domain_error(form, exc)
            else:
                messages.success(
                    request,
                    _("Purchase recorded: %(points)d points earned.")
                    % {"points": purchase.points_earned},
                )
                return redirect("members:detail", member.pk)
    return render(request, "members/purchase_form.html", {"form": form})
