"""Login throttling with lockout.

Failed password checks are counted in the cache (local memory by default, Redis when
REDIS_URL is set) twice: by normalised username and, separately, by client IP. After
KEFU_LOGIN_MAX_FAILURES failures for one username within KEFU_LOGIN_WINDOW_SECONDS the
username is locked for KEFU_LOGIN_LOCKOUT_SECONDS, even for the right password; the per-IP
limit (KEFU_LOGIN_IP_MAX_FAILURES, higher) stops password spraying across usernames.
A successful sign-in resets the username's counter. Every lockout writes an audit event
(never the password). An administrator lifts a username lock with `unlock_login`.

API bearer tokens are not checked here: they are not passwords and cannot be guessed.
"""

from __future__ import annotations

import hashlib
import math
import time
import unicodedata
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

from kefu.core.errors import PermissionDenied
from kefu.core.models import User
from kefu.core.services.audit import record_audit
from kefu.core.services.users import can_manage_user

PREFIX = "login-guard"


@dataclass(frozen=True)
class Lockout:
    """Why sign-in is refused and for how many more seconds."""

    scope: str  # "user" or "ip"
    seconds: int

    @property
    def minutes(self) -> int:
        return max(1, math.ceil(self.seconds / 60))


def normalise_username(username: str) -> str:
    return unicodedata.normalize("NFKC", username or "").strip().casefold()


def _digest(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()[:32]


def _keys(scope: str, value: str) -> tuple[str, str]:
    h = _digest(value)
    return f"{PREFIX}:fail:{scope}:{h}", f"{PREFIX}:lock:{scope}:{h}"


def _limits(scope: str) -> int:
    if scope == "ip":
        return int(getattr(settings, "KEFU_LOGIN_IP_MAX_FAILURES", 20))
    return int(getattr(settings, "KEFU_LOGIN_MAX_FAILURES", 5))


def _window() -> int:
    return int(getattr(settings, "KEFU_LOGIN_WINDOW_SECONDS", 900))


def _lockout_seconds() -> int:
    return int(getattr(settings, "KEFU_LOGIN_LOCKOUT_SECONDS", 900))


def _scopes(username: str, ip: str | None) -> list[tuple[str, str]]:
    out = []
    name = normalise_username(username)
    if name:
        out.append(("user", name))
    if ip:
        out.append(("ip", ip))
    return out


def _remaining(lock_key: str) -> int:
    until = cache.get(lock_key)
    if until is None:
        return 0
    left = math.ceil(float(until) - time.time())
    if left <= 0:
        cache.delete(lock_key)
        return 0
    return left


def check_login_allowed(*, username: str, ip: str | None) -> Lockout | None:
    """The lockout in force for this username or client IP, or None when sign-in may proceed."""
    for scope, value in _scopes(username, ip):
        left = _remaining(_keys(scope, value)[1])
        if left:
            return Lockout(scope=scope, seconds=left)
    return None


def _count_failure(scope: str, value: str) -> int:
    fail_key, _lock = _keys(scope, value)
    window = _window()
    # The counter lives for one window from the first failure (a fixed window).
    started = cache.get(f"{fail_key}:t")
    now = time.time()
    if started is None or now - float(started) >= window:
        cache.set(f"{fail_key}:t", now, timeout=window)
        cache.set(fail_key, 0, timeout=window)
    try:
        return int(cache.incr(fail_key))
    except ValueError:  # expired between the two calls
        cache.set(fail_key, 1, timeout=window)
        return 1


def record_login_failure(*, username: str, ip: str | None) -> Lockout | None:
    """Count one failed password check; lock the username and/or IP once over the limit.

    Returns the lockout that started now (None when the attempt stays under the limits)."""
    started: Lockout | None = None
    for scope, value in _scopes(username, ip):
        failures = _count_failure(scope, value)
        if failures < _limits(scope):
            continue
        fail_key, lock_key = _keys(scope, value)
        seconds = _lockout_seconds()
        cache.set(lock_key, time.time() + seconds, timeout=seconds)
        cache.delete_many([fail_key, f"{fail_key}:t"])
        _audit_lockout(scope=scope, username=username, ip=ip, failures=failures, seconds=seconds)
        started = started or Lockout(scope=scope, seconds=seconds)
    return started


def record_login_success(*, username: str, ip: str | None) -> None:
    """A successful sign-in clears the username's failure counter (not the IP's)."""
    name = normalise_username(username)
    if name:
        fail_key, _lock = _keys("user", name)
        cache.delete_many([fail_key, f"{fail_key}:t"])


def login_lock_seconds(user: User) -> int:
    """Seconds left on the username lock of this user (0 when not locked)."""
    return _remaining(_keys("user", normalise_username(user.get_username()))[1])


def unlock_login(*, actor: User, user: User) -> None:
    """An administrator lifts the sign-in lock of a user and clears their failure counter."""
    if not can_manage_user(actor, user):
        raise PermissionDenied()
    fail_key, lock_key = _keys("user", normalise_username(user.get_username()))
    was_locked = _remaining(lock_key)
    with transaction.atomic():
        record_audit(
            actor=actor,
            action="user.login_unlocked",
            obj=user,
            changes={"seconds_left": was_locked},
        )
        transaction.on_commit(lambda: cache.delete_many([lock_key, fail_key, f"{fail_key}:t"]))


def _audit_lockout(
    *, scope: str, username: str, ip: str | None, failures: int, seconds: int
) -> None:
    changes: dict[str, object] = {"failures": failures, "seconds": seconds, "ip": ip or ""}
    user = None
    if scope == "user":
        user = User.objects.filter(username__iexact=(username or "").strip()).first()
    with transaction.atomic():
        if scope == "user":
            record_audit(
                actor=None,
                action="user.login_locked",
                obj=user,
                object_type="core.user",
                object_repr=(username or "").strip()[:150],
                changes=changes,
            )
        else:
            record_audit(
                actor=None,
                action="user.login_ip_locked",
                object_type="ip",
                object_id=(ip or "")[:64],
                object_repr=ip or "",
                changes=changes,
            )
