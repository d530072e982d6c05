"""`kefu token create|list|revoke`: API tokens, for operators on the server.

`create` prints only the token on stdout, so a script can capture it:
    TOKEN=$(kefu token create alice --name ci)
"""

from __future__ import annotations

from argparse import ArgumentParser
from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import Q
from django.utils import timezone

from kefu.core.choices import Via
from kefu.core.context import Origin, origin
from kefu.core.models import ApiToken, User
from kefu.core.services.tokens import create_token, revoke_token


def _user(username: str) -> User:
    try:
        return User.objects.get(username=username)
    except User.DoesNotExist:
        raise CommandError(f"No user named {username!r}.") from None


class Command(BaseCommand):
    help = "Create, list and revoke API tokens (Authorization: Bearer <token>)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        assert isinstance(parser, CommandParser)
        sub = parser.add_subparsers(dest="action", required=True, parser_class=CommandParser)
        create = sub.add_parser("create", help="Create a token; prints only the token.")
        create.add_argument("username")
        create.add_argument("--name", default="", help="What the token is for.")
        create.add_argument(
            "--expires-days", type=int, default=None, help="Expire after D days (default never)."
        )
        listing = sub.add_parser("list", help="List a user's tokens.")
        listing.add_argument("username")
        revoke = sub.add_parser("revoke", help="Revoke a token by its prefix or id.")
        revoke.add_argument("token", help="The id, or the prefix shown by `list`.")

    def handle(self, *args: Any, **options: Any) -> None:
        with origin(Origin(via=Via.COMMAND)):
            getattr(self, f"_{options['action']}")(options)

    def _create(self, options: dict[str, Any]) -> None:
        user = _user(options["username"])
        if not user.is_active:
            raise CommandError(f"User {user.username!r} is deactivated.")
        days = options["expires_days"]
        if days is not None and not 1 <= days <= 3650:
            raise CommandError("--expires-days must be between 1 and 3650.")
        expires = timezone.now() + timedelta(days=days) if days is not None else None
        _token, raw = create_token(actor=None, user=user, name=options["name"], expires_at=expires)
        self.stdout.write(raw)

    def _list(self, options: dict[str, Any]) -> None:
        user = _user(options["username"])
        now = timezone.now()
        tokens = list(ApiToken.objects.filter(user=user).order_by("created_at", "pk"))
        if not tokens:
            self.stdout.write(f"{user.username} has no API tokens.")
            return
        self.stdout.write(
            f"{'id':>6}  {'prefix':<14}{'status':<9}{'created':<18}{'last used':<18}name"
        )
        for t in tokens:
            self.stdout.write(
                f"{t.pk:>6}  {t.prefix + '…':<14}{_status(t, now):<9}"
                f"{_when(t.created_at):<18}{_when(t.last_used_at):<18}{t.name}"
            )

    def _revoke(self, options: dict[str, Any]) -> None:
        key = options["token"].strip().rstrip("…")
        conditions = []
        if key.isdigit():
            conditions.append(Q(pk=int(key)))
        if len(key) >= 12:  # the prefix shown by `list`, or the whole token
            conditions.append(Q(prefix=key[:12]))
        if not conditions:
            raise CommandError("Give a token id, or the 12-character prefix from `list`.")
        match = conditions[0] if len(conditions) == 1 else conditions[0] | conditions[1]
        found = list(ApiToken.objects.filter(match).select_related("user")[:2])
        if not found:
            raise CommandError(f"No API token with id or prefix {key!r}.")
        if len(found) > 1:
            raise CommandError(
                f"{key!r} matches several tokens; use the id from `kefu token list`."
            )
        token = revoke_token(actor=None, token=found[0])
        self.stdout.write(f"Revoked {token.prefix}… of {found[0].user.username}.")


def _status(token: ApiToken, now: Any) -> str:
    if token.revoked_at is not None:
        return "revoked"
    if token.expires_at is not None and token.expires_at <= now:
        return "expired"
    return "active"


def _when(value: Any) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else "-"
