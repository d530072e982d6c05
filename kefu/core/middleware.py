from __future__ import annotations

import uuid
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

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
