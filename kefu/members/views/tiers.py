"""Tier settings (headquarters): the tiers with their thresholds and rates."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from kefu.core.errors import DomainError, NotFound
from kefu.core.forms import apply_domain_error
from kefu.core.views.common import actor_of, deny_unless
from kefu.members import selectors
from kefu.members.access import can_manage_tiers
from kefu.members.forms import TierForm
from kefu.members.services.tiers import FIELDS, save_tier
from kefu.members.views.common import members_view


@members_view
def tier_settings(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    actor = actor_of(request)
    can_edit = can_manage_tiers(actor)
    tier = None
    if pk is not None:
        tier = selectors.list_tiers().filter(pk=pk).first()
        if tier is None:
            raise NotFound()
    initial = {k: getattr(tier, k) for k in FIELDS} if tier else {"validity_months": 12}
    form = TierForm(request.POST or None, initial=initial)
    if request.method == "POST":
        deny_unless(can_edit)
        if form.is_valid():
            try:
                save_tier(actor=actor, tier=tier, **form.cleaned_data)
            except DomainError as exc:
                apply_domain_error(form, exc)
            else:
                messages.success(request, _("Tier saved."))
                return redirect("members:tiers")
    context = {"tiers": list(selectors.list_tiers()), "form": form, "tier": tier}
    return render(request, "members/tiers.html", context | {"can_edit": can_edit})
