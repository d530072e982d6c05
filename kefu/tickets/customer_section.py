"""The "Tickets" section of the customer 360° page: the customer's tickets in the actor's
scope, newest first, with status and a link (registered in TicketsConfig.ready())."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from kefu.core.models import User
from kefu.tickets.selectors import list_tickets

if TYPE_CHECKING:
    from django.http import HttpRequest

    from kefu.customers.models import Customer

LIMIT = 20


def tickets_section(request: HttpRequest, customer: Customer) -> str:
    actor = request.user
    assert isinstance(actor, User)
    qs = list_tickets(actor).filter(customer=customer).order_by("-created_at", "-id")
    rows = list(qs.select_related("assignee")[: LIMIT + 1])
    if not rows:
        return format_html('<p class="muted">{}</p>', _("No tickets for this customer yet."))
    body = format_html_join(
        "",
        '<tr><td class="nowrap"><a class="mono" href="{}">{}</a></td><td class="wrap">{}</td>'
        '<td class="nowrap"><span class="badge status-{}">{}</span></td>'
        '<td class="nowrap hide-phone">{}</td><td class="nowrap hide-phone">{}</td></tr>',
        (
            (
                reverse("tickets:detail", args=[t.pk]),
                t.number,
                t.title,
                t.status,
                t.get_status_display(),
                t.assignee.label if t.assignee else "—",
                timezone.localtime(t.created_at).strftime("%Y-%m-%d %H:%M"),
            )
            for t in rows[:LIMIT]
        ),
    )
    more = (
        format_html(
            '<p class="card-sub"><a href="{}?{}">{}</a></p>',
            reverse("tickets:list"),
            urlencode({"q": customer.name, "status": "all"}),
            _("All tickets of this customer"),
        )
        if len(rows) > LIMIT
        else ""
    )
    return format_html(
        '<div class="table-wrap"><table class="table"><thead><tr><th scope="col">{}</th>'
        '<th scope="col">{}</th><th scope="col">{}</th><th scope="col" class="hide-phone">{}</th>'
        '<th scope="col" class="hide-phone">{}</th></tr></thead><tbody>{}</tbody></table></div>{}',
        _("Number"),
        _("Title"),
        _("Status"),
        _("Assignee"),
        _("Created"),
        body,
        more,
    )


def register() -> None:
    from django.utils.translation import gettext_lazy

    from kefu.core.permissions import Perm
    from kefu.customers.sections import register_customer_section

    register_customer_section(
        "tickets", gettext_lazy("Tickets"), order=20, render=tickets_section, perm=Perm.VIEW_TICKETS
    )
