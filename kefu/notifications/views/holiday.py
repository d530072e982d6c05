"""节日问候: send a greeting template to a customer segment (in batches, in the background)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from kefu.core.errors import DomainError
from kefu.core.permissions import Perm
from kefu.core.selectors.scope import visible_units
from kefu.core.views.common import actor_of, perm_required
from kefu.notifications.forms import HolidayForm
from kefu.notifications.producers import segment_customers
from kefu.notifications.services_manage import start_holiday_greeting


@perm_required(Perm.DO_REVISITS)
def holiday_send(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    form = HolidayForm(request.POST or None)
    units = list(visible_units(actor).order_by("path").values_list("id", "name"))
    form.fields["unit"].widget.choices = [("", _("All my units")), *units]
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        segment = {
            "unit_id": d["unit"],
            "grade": d["grade"],
            "key_accounts_only": d["key_accounts_only"],
        }
        if "count" not in request.POST:
            try:
                start_holiday_greeting(
                    actor=actor,
                    channel=d["channel"],
                    template=d["template"],
                    holiday=d["holiday"],
                    segment=segment,
                )
            except DomainError as exc:
                messages.error(request, exc.message)
            else:
                messages.success(request, _("The greeting is being queued in the background."))
                return redirect("notifications:outbox")
        else:
            count = segment_customers(actor, segment).count()
            messages.info(request, _("%(n)s customers match this segment.") % {"n": count})
    return render(request, "notifications/holiday.html", {"form": form})
