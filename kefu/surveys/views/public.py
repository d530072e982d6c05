"""The public survey page (no login): /surveys/s/<token>/, rate limited per token."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from kefu.core.errors import NotFound
from kefu.surveys.errors import InvitationExpired, InvitationGone, InvitationUsed
from kefu.surveys.forms import AnswerForm
from kefu.surveys.ratelimit import over_limit
from kefu.surveys.services_invitations import answer_invitation, open_invitation

_PAGES = "surveys/public/"


def _gone(request: HttpRequest, exc: InvitationGone) -> HttpResponse:
    page = "used.html" if isinstance(exc, InvitationUsed) else "expired.html"
    return render(request, _PAGES + page, status=410)


def _not_found(request: HttpRequest) -> HttpResponse:
    return render(request, _PAGES + "not_found.html", status=404)


@require_http_methods(["GET", "POST"])
def answer(request: HttpRequest, token: str) -> HttpResponse:
    if over_limit(token):
        return render(request, _PAGES + "limited.html", status=429)
    try:
        inv = open_invitation(token=token)
    except NotFound:
        return _not_found(request)
    except InvitationGone as exc:
        return _gone(request, exc)
    form = AnswerForm(request.POST or None, survey=inv.survey)
    if request.method == "POST" and form.is_valid():
        try:
            answer_invitation(
                token=token,
                score=form.cleaned_data["score"],
                comment=form.cleaned_data.get("comment", ""),
            )
        except (InvitationUsed, InvitationExpired) as exc:
            return _gone(request, exc)
        return redirect("surveys:thanks", token=token)
    status = 422 if form.errors else 200
    context = {"survey": inv.survey, "form": form, "scale": form.scale}
    return render(request, _PAGES + "answer.html", context, status=status)


def thanks(request: HttpRequest, token: str) -> HttpResponse:
    if over_limit(token):
        return render(request, _PAGES + "limited.html", status=429)
    try:
        open_invitation(token=token)
    except NotFound:
        return _not_found(request)
    except InvitationUsed:
        return render(request, _PAGES + "thanks.html")
    except InvitationGone as exc:
        return _gone(request, exc)
    return redirect("surveys:answer", token=token)
