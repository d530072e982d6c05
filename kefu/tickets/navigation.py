"""Navigation entries of the workbench: tickets, complaints, reports and ticket settings."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from kefu.core import navigation
from kefu.core.navigation import SETTINGS, WORK, NavItem
from kefu.core.permissions import Perm

# The top bar's "new ticket" button and the `n` shortcut open the phone-intake form.
navigation.NEW_TICKET_URL_NAME = "tickets:create"


def register_entries() -> None:
    items = [
        NavItem("tickets", _("Tickets"), "tickets:list", WORK, "ticket", Perm.VIEW_TICKETS, 20),
        NavItem(
            "complaints",
            _("Complaints"),
            "tickets:complaints",
            WORK,
            "complaint",
            Perm.VIEW_TICKETS,
            30,
        ),
        NavItem("reports", _("Reports"), "reports:dashboard", WORK, "chart", Perm.VIEW_REPORTS, 80),
        NavItem(
            "ticket_settings",
            _("Ticket settings"),
            "tickets:settings_categories",
            SETTINGS,
            "settings",
            Perm.CONFIGURE,
            70,
            match=("/tickets/settings/",),
        ),
    ]
    for item in items:
        navigation.register(item)
    from kefu.tickets.home import my_work_context

    navigation.register_home_panel(
        navigation.HomePanel("my_work", "tickets/home_panel.html", my_work_context, order=10)
    )
