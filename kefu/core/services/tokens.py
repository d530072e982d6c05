"""Per-user API tokens (Authorization: Bearer <token>). Only a hash is stored."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from kefu.core.errors import PermissionDenied
from kefu.core.models import ApiToken, User
from kefu.core.selectors.scope import scope_for
from kefu.core.services.audit import record_audit


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8", "replace")).hexdigest()


def create_token(
    *, actor: User | None, user: User, name: str = "", expires_at: datetime | None = None
) -> tuple[ApiToken, str]:
    """Create a token for `user`; returns the row and the secret (shown once).

    `actor=None` means a server-side command run by an operator."""
    if actor is not None and actor.pk != user.pk and not scope_for(actor).is_superuser:
        raise PermissionDenied()
    raw = settings.KEFU_API_TOKEN_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=user,
            name=name.strip()[:60],
            prefix=raw[:12],
            key_hash=hash_token(raw),
            expires_at=expires_at,
        )
        record_audit(
            actor=actor,
            action="api_token.create",
            obj=user,
            changes={"token": token.prefix, "name": token.name},
        )
    return token, raw


def revoke_token(*, actor: User | None, token: ApiToken) -> ApiToken:
    if actor is not None and actor.pk != token.user_id and not scope_for(actor).is_superuser:
        raise PermissionDenied()
    with transaction.atomic():
        locked = ApiToken.objects.select_for_update().get(pk=token.pk)
        if locked.revoked_at is None:
            locked.revoked_at = timezone.now()
            locked.save(update_fields=["revoked_at"])
            record_audit(
                actor=actor,
                action="api_token.revoke",
                obj=locked.user,
                changes={"token": locked.prefix},
            )
    return locked


def authenticate_token(raw: str) -> User | None:
    """The active user a bearer token belongs to, or None."""
    if not raw or len(raw) > 200:
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=hash_token(raw), revoked_at__isnull=True)
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    now = timezone.now()
    if token.expires_at is not None and token.expires_at <= now:
        return None
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 300:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
