"""`Server-Timing: app;dur=<ms>` on every response: the time spent inside Django.

The HTTP benchmark (bench/http_bench.py) reads it to separate server time from the client
and the network; browsers show it in their developer tools. Cheap (two clock reads and a
header) and on by default; `KEFU_SERVER_TIMING=0` in the environment turns it off. It sits
first in MIDDLEWARE, so the figure covers every middleware and the view. A streamed
response's figure stops when the view returns, not when the last byte is sent.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponseBase


class ServerTimingMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if not getattr(settings, "KEFU_SERVER_TIMING", True):
            return self.get_response(request)
        start = time.perf_counter()
        response = self.get_response(request)
        elapsed_ms = (time.perf_counter() - start) * 1000
        if "Server-Timing" not in response:
            response["Server-Timing"] = f"app;dur={elapsed_ms:.1f}"
        return response
