"""Survey link tokens: a random part signed with SECRET_KEY (HMAC-SHA256, salted).

The link carries `<random>.<signature>`; the database keeps only SHA-256 of the random
part, so a leaked table gives no usable link, and a guessed or altered token fails the
signature check (constant-time) before any query runs."""

from __future__ import annotations

import hashlib
import secrets

from django.core import signing
from django.utils.crypto import constant_time_compare

_SALT = "kefu.surveys.invitation"
_SEP = "."
_MAX_LEN = 200


def _signer() -> signing.Signer:
    return signing.Signer(salt=_SALT, sep=_SEP)


def hash_part(random_part: str) -> str:
    return hashlib.sha256(random_part.encode()).hexdigest()


def new_token() -> tuple[str, str]:
    """(token for the link, hash to store)."""
    random_part = secrets.token_urlsafe(24)
    return _signer().sign(random_part), hash_part(random_part)


def token_hash(token: str) -> str | None:
    """The stored hash for a well-signed token, or None when it is malformed or tampered."""
    if not token or len(token) > _MAX_LEN:
        return None
    try:
        random_part = _signer().unsign(token)
    except signing.BadSignature:
        return None
    return hash_part(random_part)


def hashes_match(stored: str, computed: str) -> bool:
    return constant_time_compare(stored, computed)
