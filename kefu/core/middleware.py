from __future__ import annotations

import uuid
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation

from kefu.core.choices import Via
from kefu.core.context import Origin, origin


def client_ip(request: HttpRequest) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


class RequestContextMiddleware:
    """Records where a request came from (UI or API, IP, request id) for the audit log."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        via = Via.API if request.path.startswith("/api/") else Via.UI
        request_id = request.headers.get("X-Request-Id", "")[:36] or uuid.uuid4().hex
        with origin(Origin(via=via, ip=client_ip(request), request_id=request_id)):
            response = self.get_response(request)
        response["X-Request-Id"] = request_id
        return response


class UserLanguageMiddleware:
    """Activates the signed-in user's saved language (User.language) when the browser has not
    chosen one with the language cookie. Goes right after AuthenticationMiddleware."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path.startswith(settings.STATIC_URL) and (
            settings.LANGUAGE_COOKIE_NAME not in request.COOKIES
        ):
            user = getattr(request, "user", None)
            language = getattr(user, "language", "") if user is not None else ""
            if language and user is not None and user.is_authenticated:
                translation.activate(language)
                request.LANGUAGE_CODE = language
        return self.get_response(request)
