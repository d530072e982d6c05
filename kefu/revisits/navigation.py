"""Navigation entries of the revisits app: 回访 in the work area, plans and scripts under
settings, the summary report under reports."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from kefu.core import navigation
from kefu.core.navigation import SETTINGS, WORK, NavItem
from kefu.core.permissions import Perm


def register_entries() -> None:
    navigation.register(
        NavItem(
            "revisits",
            _("Revisits"),
            "revisits:queue",
            WORK,
            "revisit",
            Perm.DO_REVISITS,
            40,
            match=("/revisits/",),
        )
    )
    navigation.register(
        NavItem(
            "revisit_plans",
            _("Revisit plans"),
            "revisits:plans",
            SETTINGS,
            "revisit",
            Perm.CONFIGURE,
            80,
            match=("/revisits/plans/", "/revisits/scripts/"),
        )
    )
