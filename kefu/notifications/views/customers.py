"""The "Messages" section of the customer 360° page: opt-outs per channel and the latest
messages; the opt-out switch."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kefu.core.errors import DomainError
from kefu.core.permissions import Perm
from kefu.core.selectors.scope import has_perm, restrict_to_scope
from kefu.core.views.common import actor_of, perm_required
from kefu.notifications import selectors
from kefu.notifications.choices import CUSTOMER_CHANNELS, Channel
from kefu.notifications.services_manage import opt_in, opt_out

if TYPE_CHECKING:
    from kefu.customers.models import Customer

RECENT = 10


def messages_section(request: HttpRequest, customer: Customer) -> tuple[str, dict[str, Any]]:
    actor = actor_of(request)
    opted = {o.channel: o for o in selectors.opt_outs(actor, customer_id=customer.pk)}
    channels = [
        {"value": c.value, "label": Channel(c).label, "opt_out": opted.get(c.value)}
        for c in CUSTOMER_CHANNELS
    ]
    recent = []
    if selectors.can_see_outbox(actor):
        recent = list(selectors.outbox_messages(actor, customer_id=customer.pk)[:RECENT])
    context = {
        "customer": customer,
        "channels": channels,
        "recent": recent,
        "can_edit": has_perm(actor, Perm.EDIT_CUSTOMERS, customer.unit),
    }
    return "notifications/partials/customer_section.html", context


@require_POST
@perm_required(Perm.EDIT_CUSTOMERS)
def customer_opt_out(request: HttpRequest, customer_id: int) -> HttpResponse:
    from kefu.customers.models import Customer

    actor = actor_of(request)
    qs = restrict_to_scope(Customer.objects.select_related("unit"), actor)
    customer = get_object_or_404(qs, pk=customer_id)
    channel = request.POST.get("channel", "")
    try:
        if request.POST.get("action") == "opt_in":
            opt_in(actor=actor, customer=customer, channel=channel)
            messages.success(request, _("Messages on this channel are allowed again."))
        else:
            reason = request.POST.get("reason", "")
            opt_out(actor=actor, customer=customer, channel=channel, reason=reason)
            messages.success(request, _("The customer will get no more messages on this channel."))
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("customers:detail", customer_id=customer.pk)


def register() -> None:
    from django.utils.translation import gettext_lazy

    from kefu.customers.sections import register_customer_section

    register_customer_section(
        "notifications",
        gettext_lazy("Messages and opt-outs"),
        order=80,
        render=messages_section,
        perm=Perm.VIEW_CUSTOMERS,
    )
