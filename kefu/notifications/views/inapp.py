"""我的通知: the signed-in user's in-app notifications (page, top-bar dropdown, read marks)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from kefu.core.views.common import actor_of, is_htmx, keyset_page, perm_required
from kefu.notifications import selectors
from kefu.notifications.services_manage import mark_read

DROPDOWN_SIZE = 8


@perm_required()
def inapp_list(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    unread_only = request.GET.get("unread") == "1"
    qs = selectors.inapp_for(actor, unread_only=unread_only)
    if is_htmx(request):
        rows = list(qs[:DROPDOWN_SIZE])
        context = {"rows": rows, "unread": selectors.unread_count(actor)}
        return render(request, "notifications/partials/inapp_dropdown.html", context)
    context = {"page": keyset_page(request, qs), "unread_only": unread_only}
    return render(request, "notifications/inapp_list.html", context)


@require_POST
@perm_required()
def inapp_read(request: HttpRequest) -> HttpResponse:
    raw = request.POST.getlist("id")
    ids = [int(i) for i in raw if i.isdigit()] if raw else None
    mark_read(actor=actor_of(request), ids=ids)
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect("notifications:inapp")
