from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject


def shell(request: HttpRequest) -> dict[str, Any]:
    """Values every page of the UI shell needs: navigation, the actor's permissions and scope,
    the notification count, languages. Values are lazy, so pages that don't show the shell
    (the login page, htmx partials) pay no queries for them."""
    from kefu.core import navigation
    from kefu.core.selectors.org import assignments_of
    from kefu.core.selectors.scope import scope_for

    user = getattr(request, "user", None)
    base: dict[str, Any] = {
        "kefu_languages": settings.LANGUAGES,
        "kefu_new_ticket_url": SimpleLazyObject(
            lambda: navigation.url_or_none(navigation.NEW_TICKET_URL_NAME) or ""
        ),
    }
    if user is None or not user.is_authenticated:
        return {**base, "kefu_perms": frozenset(), "kefu_nav": [], "kefu_notifications": 0}

    def perms() -> frozenset[str]:
        return frozenset(str(p) for p in scope_for(user).all_perms)

    lazy_perms = SimpleLazyObject(perms)
    return {
        **base,
        "kefu_perms": lazy_perms,
        "kefu_nav": SimpleLazyObject(lambda: navigation.sections_for(request.path, perms())),
        "kefu_scope": SimpleLazyObject(lambda: assignments_of(user)),
        "kefu_notifications": SimpleLazyObject(lambda: navigation.notification_count(request)),
    }
