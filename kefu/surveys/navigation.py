"""Navigation entries of the surveys app: 满意度 in the work area, surveys under settings."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from kefu.core import navigation
from kefu.core.navigation import SETTINGS, WORK, NavItem
from kefu.core.permissions import Perm


def register_entries() -> None:
    navigation.register(
        NavItem(
            "satisfaction",
            _("Satisfaction"),
            "surveys:results",
            WORK,
            "chart",
            Perm.VIEW_REPORTS,
            45,
            match=("/surveys/results/", "/surveys/invitations/"),
        )
    )
    navigation.register(
        NavItem(
            "surveys",
            _("Surveys"),
            "surveys:list",
            SETTINGS,
            "chart",
            Perm.CONFIGURE,
            82,
            match=("/surveys/",),
        )
    )
