"""A small HTTP client for the webhook and SMS adapters (the standard library's urllib)."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any

from django.conf import settings

from kefu.notifications.channels.base import DeliveryError


def timeout() -> float:
    return float(getattr(settings, "KEFU_NOTIFY_HTTP_TIMEOUT", 10))


def request_json(
    url: str, *, payload: dict[str, Any] | None = None, headers: dict[str, str] | None = None
) -> tuple[int, dict[str, Any]]:
    """GET (payload None) or POST JSON; (HTTP status, decoded JSON body). Network failures
    and 5xx answers raise a temporary DeliveryError, a 4xx a permanent one. `headers` are
    sent as well (the robots' Idempotency-Key)."""
    data = None
    headers = {"Accept": "application/json", "User-Agent": "kefu-notifications", **(headers or {})}
    if payload is not None:
        data = json.dumps(payload, ensure_ascii=False).encode("utf-8")
        headers["Content-Type"] = "application/json; charset=utf-8"
    req = urllib.request.Request(url, data=data, headers=headers)  # noqa: S310
    try:
        with urllib.request.urlopen(req, timeout=timeout()) as response:  # noqa: S310
            status = int(response.status)
            raw = response.read()
    except urllib.error.HTTPError as exc:
        body = exc.read()[:300].decode("utf-8", "replace")
        raise DeliveryError(
            f"HTTP {exc.code}: {body}",
            permanent=400 <= exc.code < 500 and exc.code != 429,
            response_code=str(exc.code),
        ) from exc
    except (urllib.error.URLError, OSError) as exc:
        raise DeliveryError(f"{type(exc).__name__}: {exc}") from exc
    try:
        decoded = json.loads(raw.decode("utf-8") or "{}")
    except ValueError as exc:
        raise DeliveryError(f"not JSON: {raw[:200]!r}", response_code=str(status)) from exc
    return status, decoded if isinstance(decoded, dict) else {"value": decoded}
