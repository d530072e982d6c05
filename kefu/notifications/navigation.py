"""Navigation entries of notifications, and the bell count (unread in-app notices)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext_lazy as _

from kefu.core import navigation
from kefu.core.navigation import SETTINGS, WORK, NavItem
from kefu.core.permissions import Perm

if TYPE_CHECKING:
    from django.http import HttpRequest


def unread_notifications(request: HttpRequest) -> int:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return 0
    from kefu.notifications.selectors import cached_unread_count

    return cached_unread_count(user)


def warm_bell(sender: object, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    """At sign-in, count the user's unread notices once, so the pages that follow render the
    bell from the cache (not a UI side effect on any record: a cache fill)."""
    from kefu.notifications.selectors import cached_unread_count

    if user is not None and getattr(user, "pk", None):
        cached_unread_count(user)


def register_entries() -> None:
    entries = [
        NavItem(
            "notifications",
            _("My notifications"),
            "notifications:inapp",
            WORK,
            "bell",
            None,
            95,
            match=("/notifications/read/",),
        ),
        NavItem(
            "holiday_greetings",
            _("Holiday greetings"),
            "notifications:holiday",
            WORK,
            "gift",
            Perm.DO_REVISITS,
            96,
        ),
        NavItem(
            "outbox",
            _("Outbox"),
            "notifications:outbox",
            SETTINGS,
            "bell",
            Perm.CONFIGURE,
            80,
            match=("/notifications/outbox/",),
        ),
        NavItem(
            "notification_templates",
            _("Message templates"),
            "notifications:template_list",
            SETTINGS,
            "edit",
            Perm.CONFIGURE,
            81,
        ),
        NavItem(
            "notification_channels",
            _("Message channels"),
            "notifications:channels",
            SETTINGS,
            "settings",
            Perm.CONFIGURE,
            82,
        ),
    ]
    for item in entries:
        navigation.register(item)
    navigation.register_notification_provider(unread_notifications)
    from django.contrib.auth.signals import user_logged_in

    user_logged_in.connect(warm_bell, dispatch_uid="kefu.notifications.warm_bell")
