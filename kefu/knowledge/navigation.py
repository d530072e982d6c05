"""Navigation entry of the knowledge base: 知识库 in the work area."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from kefu.core import navigation
from kefu.core.navigation import WORK, NavItem
from kefu.knowledge import access


def register_entries() -> None:
    navigation.register(
        NavItem(
            "knowledge",
            _("Knowledge base"),
            "knowledge:list",
            WORK,
            "book",
            access.VIEW,
            60,
            match=("/knowledge/",),
        )
    )
