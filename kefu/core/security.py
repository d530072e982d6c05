"""Security headers Django does not set itself: Permissions-Policy on every response, and a
locked-down policy for file downloads (see `harden_file_response`)."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBase

# Served files (attachments, exports) are never a document: no scripts, no plugins, no frames.
FILE_CSP = "default-src 'none'; sandbox; frame-ancestors 'none'"


class SecurityHeadersMiddleware:
    """Adds Permissions-Policy (camera, microphone, geolocation off) unless a view set one."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        policy = getattr(settings, "KEFU_PERMISSIONS_POLICY", "")
        if policy and "Permissions-Policy" not in response:
            response["Permissions-Policy"] = policy
        return response


def harden_file_response(response: HttpResponseBase) -> HttpResponseBase:
    """Headers for a user-supplied file: a sandboxing CSP (which the CSP middleware then
    leaves alone) and nosniff, so a browser never runs what it downloads."""
    response["Content-Security-Policy"] = FILE_CSP
    response["X-Content-Type-Options"] = "nosniff"
    return response
