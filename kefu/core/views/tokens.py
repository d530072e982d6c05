"""API 令牌: the signed-in user's own API tokens — create (secret shown once) and revoke."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from kefu.core.forms import TokenCreateForm
from kefu.core.selectors import org as org_selectors
from kefu.core.services import tokens as token_services
from kefu.core.views.common import actor_of, perm_required


@perm_required()
def token_list(request: HttpRequest) -> HttpResponse:
    """GET: the list and a form. POST: create a token and show its secret on this response
    only (it is never stored, so it is not put in a redirect or the session either)."""
    actor = actor_of(request)
    form = TokenCreateForm(request.POST or None)
    secret = ""
    created = None
    if request.method == "POST" and form.is_valid():
        created, secret = token_services.create_token(
            actor=actor, user=actor, name=form.cleaned_data["name"], expires_at=form.expires_at()
        )
        form = TokenCreateForm()
    context = {
        "tokens": list(org_selectors.list_tokens(actor)),
        "form": form,
        "secret": secret,
        "created": created,
    }
    response = render(request, "core/tokens/token_list.html", context)
    if secret:
        response["Cache-Control"] = "no-store"
    return response


@perm_required()
def token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    actor = actor_of(request)
    token = org_selectors.get_token(actor, token_id)
    if request.method == "POST":
        token_services.revoke_token(actor=actor, token=token)
        messages.success(request, _("Token “%(name)s” revoked.") % {"name": token.name})
        return redirect("core:token_list")
    return render(request, "core/tokens/token_revoke.html", {"token": token})
