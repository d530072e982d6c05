"""Signing in and out, and the language switch."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.forms.utils import ErrorDict
from django.http import HttpRequest, HttpResponse
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST
from django.views.i18n import set_language as django_set_language

from kefu.core.middleware import client_ip
from kefu.core.models import User
from kefu.core.services import login_guard
from kefu.core.services.users import update_user


class LoginView(auth_views.LoginView):
    """Django's login view, throttled (kefu.core.services.login_guard), that also restores the
    language the user saved in their profile."""

    template_name = "core/login.html"
    redirect_authenticated_user = True

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        lock = login_guard.check_login_allowed(
            username=request.POST.get("username", ""), ip=client_ip(request)
        )
        if lock is not None:
            return self._locked(lock)
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form: Any) -> HttpResponse:
        data = self.request.POST
        if form.has_error("__all__", "invalid_login") and data.get("password"):
            lock = login_guard.record_login_failure(
                username=data.get("username", ""), ip=client_ip(self.request)
            )
            if lock is not None:
                return self._locked(lock)
        return super().form_invalid(form)

    def _locked(self, lock: login_guard.Lockout) -> HttpResponse:
        """The form again with the lockout message and HTTP 429; the password is not checked."""
        form: Any = self.get_form_class()(self.request, data=self.request.POST)
        form.cleaned_data = {}
        form._errors = ErrorDict({"__all__": form.error_class([lockout_message(lock)])})
        response = self.render_to_response(self.get_context_data(form=form))
        response.status_code = 429
        response["Retry-After"] = str(lock.seconds)
        return response

    def form_valid(self, form: Any) -> HttpResponse:
        login_guard.record_login_success(
            username=form.get_user().get_username(), ip=client_ip(self.request)
        )
        response = super().form_valid(form)
        language = getattr(form.get_user(), "language", "")
        if language in dict(settings.LANGUAGES):
            set_language_cookie(response, language)
        return response


def lockout_message(lock: login_guard.Lockout) -> str:
    if lock.scope == "ip":
        return ngettext(
            "Too many failed sign-in attempts from this network."
            " Please wait %(minutes)d minute and try again.",
            "Too many failed sign-in attempts from this network."
            " Please wait %(minutes)d minutes and try again.",
            lock.minutes,
        ) % {"minutes": lock.minutes}
    return ngettext(
        "Too many failed sign-in attempts for this account. It is locked;"
        " please wait %(minutes)d minute and try again, or ask an administrator to unlock it.",
        "Too many failed sign-in attempts for this account. It is locked;"
        " please wait %(minutes)d minutes and try again, or ask an administrator to unlock it.",
        lock.minutes,
    ) % {"minutes": lock.minutes}


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
