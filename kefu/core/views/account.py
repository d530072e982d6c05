"""我的账户: the signed-in user's own profile, language and password."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from kefu.core.errors import DomainError
from kefu.core.forms import AccountForm, ChangePasswordForm, apply_domain_error
from kefu.core.services import login_guard
from kefu.core.services import users as user_services
from kefu.core.views.auth import lockout_message, set_language_cookie
from kefu.core.views.common import actor_of, perm_required

FIELDS = ("display_name", "phone", "email", "language")


@perm_required()
def account(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    profile = AccountForm(initial={f: getattr(actor, f) for f in FIELDS})
    password = ChangePasswordForm()
    if request.method == "POST" and request.POST.get("form") == "profile":
        profile = AccountForm(request.POST)
        if profile.is_valid():
            try:
                user_services.update_user(actor=actor, user=actor, **profile.cleaned_data)
            except DomainError as exc:
                apply_domain_error(profile, exc)
            else:
                messages.success(request, _("Profile saved."))
                response = redirect("core:account")
                if actor.language:
                    set_language_cookie(response, actor.language)
                else:
                    response.delete_cookie(settings.LANGUAGE_COOKIE_NAME)
                return response
    elif request.method == "POST" and request.POST.get("form") == "password":
        password = ChangePasswordForm(request.POST)
        lock = login_guard.check_login_allowed(username=actor.get_username(), ip=None)
        if lock is not None:
            password.is_valid()
            password.add_error(None, lockout_message(lock))
        elif password.is_valid():
            try:
                user_services.change_own_password(
                    actor=actor,
                    current_password=password.cleaned_data["current_password"],
                    new_password=password.cleaned_data["password"],
                )
            except DomainError as exc:
                if isinstance(exc.details, dict) and "current_password" in exc.details:
                    # A wrong current password counts like a failed sign-in.
                    login_guard.record_login_failure(username=actor.get_username(), ip=None)
                apply_domain_error(password, exc)
            else:
                update_session_auth_hash(request, actor)
                messages.success(request, _("Your password was changed."))
                return redirect("core:account")
    context = {"profile_form": profile, "password_form": password}
    return render(request, "core/account.html", context)
