from __future__ import annotations

from typing import Any

from django.http import HttpRequest


def shell(request: HttpRequest) -> dict[str, Any]:
    """Values every page of the UI shell needs (navigation, the actor's permissions)."""
    from kefu.core.selectors.scope import scope_for

    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"kefu_perms": frozenset()}
    return {"kefu_perms": frozenset(str(p) for p in scope_for(user).all_perms)}
