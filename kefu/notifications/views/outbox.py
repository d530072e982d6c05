"""发件箱: every outbound message, its attempts, retry and cancel."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kefu.core.errors import DomainError
from kefu.core.permissions import Perm
from kefu.core.views.common import actor_of, keyset_page, perm_required
from kefu.notifications import selectors
from kefu.notifications.forms import OutboxFilterForm
from kefu.notifications.services import cancel_message, retry_message


@perm_required(Perm.CONFIGURE)
def outbox_list(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    filters = OutboxFilterForm(request.GET)
    data = filters.cleaned_data if filters.is_valid() else {}
    qs = selectors.outbox_messages(
        actor, status=data.get("status", ""), channel=data.get("channel", "")
    )
    context = {
        "page": keyset_page(request, qs),
        "filters": filters,
        "filtered": bool(data.get("status") or data.get("channel")),
    }
    return render(request, "notifications/outbox_list.html", context)


@perm_required(Perm.CONFIGURE)
def outbox_detail(request: HttpRequest, pk: int) -> HttpResponse:
    message = selectors.outbox_message(actor_of(request), pk)
    context = {"message": message, "attempts": list(message.delivery_attempts.all())}
    return render(request, "notifications/outbox_detail.html", context)


@require_POST
@perm_required(Perm.CONFIGURE)
def outbox_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    if action not in ("retry", "cancel"):
        raise Http404
    actor = actor_of(request)
    message = selectors.outbox_message(actor, pk)  # scope check (404 outside)
    try:
        if action == "retry":
            retry_message(actor=actor, message_id=message.pk)
            messages.success(request, _("The message is queued again."))
        else:
            cancel_message(actor=actor, message_id=message.pk)
            messages.success(request, _("The message was cancelled."))
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("notifications:outbox_detail", pk=message.pk)
