"""设置 → SLA policies: targets for first response, next response and resolution, in
business or natural time, matched in order. Written by `kefu.sla.services_config`."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from django.views.decorators.http import require_POST

from kefu.core.errors import DomainError
from kefu.core.forms import apply_domain_error
from kefu.core.permissions import Perm
from kefu.core.views.common import actor_of, perm_required
from kefu.customers.choices import Grade
from kefu.sla import services_config
from kefu.sla.models import SlaPolicy
from kefu.tickets.choices import Channel, Priority, TicketType

_ANY: list[tuple[str, Any]] = [("", _l("Any"))]
TARGETS = ("first_response", "next_response", "resolution")


def hours_field(label: Any) -> forms.DecimalField:
    return forms.DecimalField(
        label=label, max_digits=7, decimal_places=2, min_value=Decimal("0.02"), required=False
    )


class PolicyForm(forms.Form):
    name = forms.CharField(label=_l("Name"), max_length=100)
    order = forms.IntegerField(label=_l("Order"), min_value=1, initial=100)
    is_active = forms.BooleanField(label=_l("Active"), required=False, initial=True)
    ticket_type = forms.ChoiceField(
        label=_l("Ticket type"), choices=_ANY + TicketType.choices, required=False
    )
    priority = forms.ChoiceField(
        label=_l("Priority"), choices=_ANY + Priority.choices, required=False
    )
    customer_grade = forms.ChoiceField(
        label=_l("Customer grade"), choices=_ANY + Grade.choices, required=False
    )
    channel = forms.ChoiceField(label=_l("Channel"), choices=_ANY + Channel.choices, required=False)
    first_response = hours_field(_l("First response (hours)"))
    next_response = hours_field(_l("Next response (hours)"))
    resolution = hours_field(_l("Resolution (hours)"))
    business_time = forms.BooleanField(
        label=_l("Count business time"),
        required=False,
        initial=True,
        help_text=_l("Count only the owning unit's working hours (else round the clock)."),
    )
    warn_ratio = forms.DecimalField(
        label=_l("Warn at share of target"),
        min_value=Decimal("0.05"),
        max_value=Decimal("0.99"),
        decimal_places=2,
        initial=Decimal("0.80"),
    )

    def service_fields(self) -> dict[str, Any]:
        d = self.cleaned_data
        out = {
            k: d[k]
            for k in (
                "name",
                "order",
                "is_active",
                "ticket_type",
                "priority",
                "customer_grade",
                "channel",
                "business_time",
                "warn_ratio",
            )
        }
        for key in TARGETS:
            hours = d[key]
            out[f"{key}_minutes"] = int(round(hours * 60)) if hours is not None else None
        return out


def _initial(policy: SlaPolicy) -> dict[str, Any]:
    data: dict[str, Any] = {
        k: getattr(policy, k)
        for k in (
            "name",
            "order",
            "is_active",
            "ticket_type",
            "priority",
            "customer_grade",
            "channel",
            "business_time",
            "warn_ratio",
        )
    }
    for key in TARGETS:
        minutes = getattr(policy, f"{key}_minutes")
        data[key] = Decimal(minutes) / 60 if minutes is not None else None
    return data


@perm_required(Perm.CONFIGURE)
def policies(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    raw = request.GET.get("edit") or request.POST.get("edit") or ""
    policy = SlaPolicy.objects.filter(pk=raw).first() if raw.isdigit() else None
    form = PolicyForm(request.POST or None, initial=_initial(policy) if policy else None)
    if request.method == "POST" and form.is_valid():
        try:
            if policy is None:
                services_config.create_policy(actor=actor, **form.service_fields())
            else:
                services_config.update_policy(actor=actor, policy=policy, **form.service_fields())
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("tickets:settings_policies")
    rows = list(SlaPolicy.objects.order_by("order", "pk"))
    labels = {
        **dict(TicketType.choices),
        **dict(Priority.choices),
        **dict(Channel.choices),
    }
    for p in rows:
        parts = [p.ticket_type, p.priority, p.channel]
        text = [str(labels.get(v, v)) for v in parts if v]
        if p.customer_grade:
            text.append(_("grade %(g)s") % {"g": p.customer_grade})
        p.applies = "、".join(text)  # type: ignore[attr-defined]
    context = {"kind": "policies", "form": form, "rows": rows, "editing": policy}
    return render(request, "tickets/settings/policies.html", context)


@require_POST
@perm_required(Perm.CONFIGURE)
def delete_policy(request: HttpRequest, policy_id: int) -> HttpResponse:
    policy = SlaPolicy.objects.filter(pk=policy_id).first()
    if policy is not None:
        try:
            services_config.delete_policy(actor=actor_of(request), policy=policy)
            messages.success(request, _("Policy deleted."))
        except DomainError as exc:
            messages.error(request, exc.message)
    return redirect("tickets:settings_policies")
