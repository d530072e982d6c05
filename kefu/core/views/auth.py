"""Signing in and out, and the language switch."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_POST
from django.views.i18n import set_language as django_set_language

from kefu.core.models import User
from kefu.core.services.users import update_user


class LoginView(auth_views.LoginView):
    """Django's login view that also restores the language the user saved in their profile."""

    template_name = "core/login.html"
    redirect_authenticated_user = True

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        language = getattr(form.get_user(), "language", "")
        if language in dict(settings.LANGUAGES):
            set_language_cookie(response, language)
        return response


def set_language_cookie(response: HttpResponse, language: str) -> None:
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Django's set_language (cookie + redirect to `next`), and for a signed-in user the
    choice is saved to their profile so it follows them to other browsers."""
    language = request.POST.get("language", "")
    user = request.user
    if (
        isinstance(user, User)
        and user.is_authenticated
        and language in dict(settings.LANGUAGES)
        and language != user.language
    ):
        update_user(actor=user, user=user, language=language)
    return django_set_language(request)
