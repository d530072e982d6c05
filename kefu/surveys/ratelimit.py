"""Per-token budget of the public survey page and API (the token is the only credential)."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.cache import cache


def over_limit(token: str) -> bool:
    """Count a request against this token's budget (settings.KEFU_SURVEY_TOKEN_RATE,
    default 20 requests in 10 minutes); True once it is spent."""
    limit, window = getattr(settings, "KEFU_SURVEY_TOKEN_RATE", (20, 600))
    key = "kefu:survey:" + hashlib.sha256(token.encode()).hexdigest()[:32]
    if cache.add(key, 1, window):
        return bool(limit < 1)
    try:
        count = cache.incr(key)
    except ValueError:
        cache.set(key, 1, window)
        count = 1
    return bool(count > limit)
