"""Safety net for input the database cannot hold: NUL bytes, integers beyond 64 bits.

Validation should catch bad input first (schemas, forms); this middleware turns whatever
slips through into a 400 with a message a person understands instead of a 500."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable

from django.db import DataError
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.utils.translation import gettext as _

logger = logging.getLogger("kefu.badinput")

MAX_INT = 2**63 - 1


def _bad_request(request: HttpRequest, message: str) -> HttpResponse:
    if request.path.startswith("/api/"):
        return JsonResponse(
            {"code": "invalid_input", "message": message, "details": None}, status=400
        )
    return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")


def _has_nul(request: HttpRequest) -> bool:
    if "\x00" in request.path or "%00" in request.META.get("QUERY_STRING", ""):
        return True
    if request.method in {"POST", "PUT", "PATCH"} and request.content_type == "application/json":
        return b"\\u0000" in request.body or b"\x00" in request.body
    if request.method in {"POST", "PUT", "PATCH"} and request.content_type in {
        "application/x-www-form-urlencoded",
        "multipart/form-data",
    }:
        try:
            return any("\x00" in v for values in request.POST.lists() for v in values[1])
        except Exception:  # malformed bodies are the form/view's to report
            return False
    return False


class BadInputMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if _has_nul(request):
            return _bad_request(request, _("The request contains a NUL character."))
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exc: Exception) -> HttpResponse | None:
        if isinstance(exc, (DataError, OverflowError)):
            logger.info("rejected input the database cannot store: %s", type(exc).__name__)
            return _bad_request(
                request, _("A value is too large or contains characters that cannot be stored.")
            )
        if isinstance(exc, json.JSONDecodeError | UnicodeDecodeError):
            return _bad_request(request, _("The request body could not be decoded."))
        return None
