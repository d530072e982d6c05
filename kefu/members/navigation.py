"""Navigation entries of the members app: 会员 in the work area, tiers under settings."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from kefu.core import navigation
from kefu.core.navigation import SETTINGS, WORK, NavItem
from kefu.core.permissions import Perm


def register_entries() -> None:
    navigation.register(
        NavItem(
            "members",
            _("Members"),
            "members:list",
            WORK,
            "member",
            Perm.VIEW_CUSTOMERS,
            50,
            match=("/members/",),
        )
    )
    navigation.register(
        NavItem(
            "member_tiers",
            _("Member tiers"),
            "members:tiers",
            SETTINGS,
            "member",
            Perm.MANAGE_MEMBERS,
            75,
            match=("/members/tiers/",),
        )
    )
