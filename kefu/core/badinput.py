"""Safety net for input the database cannot hold: NUL bytes, integers beyond 64 bits.

Validation should catch bad input first (schemas, forms); this middleware turns whatever
slips through into a 400 with a message a person understands instead of a 500."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable

from django.core.exceptions import RequestDataTooBig
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


def _api_error(status: int) -> HttpResponse:
    code, message = {
        404: ("not_found", _("Not found.")),
        405: ("method_not_allowed", _("This method is not allowed here.")),
        413: ("request_too_large", _("The request is too large.")),
    }.get(status, ("invalid_input", _("The request could not be read.")))
    return JsonResponse({"code": code, "message": message, "details": None}, status=status)


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def _is_json(response: HttpResponse) -> bool:
    return str(response.get("Content-Type", "")).startswith("application/json")


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


_INTEGER = re.compile(r"[+-]?\d{19,}")


_PAGING = ("offset", "limit")


def _has_huge_integer(request: HttpRequest) -> bool:
    """An API paging value beyond 64 bits (?offset=10**27): SQLite refuses it in LIMIT/OFFSET
    with an integrity error, not a data error, so it is caught here for every list at once.
    Only paging: a search for a 20-digit tracking number is fine."""
    if not _is_api(request) or not request.META.get("QUERY_STRING"):
        return False
    return any(
        bool(_INTEGER.fullmatch(v)) and abs(int(v)) > MAX_INT
        for name in _PAGING
        for v in request.GET.getlist(name)
    )


# \ud800–\udfff escapes: JSON allows them alone, but no database or encoder can store one.
_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")


def _has_lone_surrogate(request: HttpRequest) -> bool:
    if request.method not in {"POST", "PUT", "PATCH"} or request.content_type != "application/json":
        return False
    body = request.body
    if not _SURROGATE_ESCAPE.search(body):
        return False
    try:
        data = json.loads(body)
    except ValueError:  # not JSON at all: the API reports that
        return False
    try:
        json.dumps(data, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


class BadInputMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            nul = _has_nul(request)
        except RequestDataTooBig:
            return _bad_request(request, _("The request is too large."))
        if nul:
            return _bad_request(request, _("The request contains a NUL character."))
        if _has_huge_integer(request):
            return _bad_request(request, _("A number is too large."))
        if _has_lone_surrogate(request):
            return _bad_request(request, _("The request contains text that is not valid Unicode."))
        response = self.get_response(request)
        if 400 <= response.status_code < 500 and _is_api(request) and not _is_json(response):
            # Django answered before any API handler could (no route matched, as for
            # /customers/-1/merge whose id must be digits; a body over the size limit …):
            # API clients get the error shape of every other API answer, not an HTML page.
            return _api_error(response.status_code)
        return response

    def process_exception(self, request: HttpRequest, exc: Exception) -> HttpResponse | None:
        if isinstance(exc, (DataError, OverflowError)):
            logger.info("rejected input the database cannot store: %s", type(exc).__name__)
            return _bad_request(
                request, _("A value is too large or contains characters that cannot be stored.")
            )
        if isinstance(exc, RequestDataTooBig):
            return _bad_request(request, _("The request is too large."))
        if isinstance(exc, UnicodeEncodeError):
            return _bad_request(request, _("The request contains text that is not valid Unicode."))
        if isinstance(exc, json.JSONDecodeError | UnicodeDecodeError):
            return _bad_request(request, _("The request body could not be decoded."))
        return None
