"""The "Revisits" section of the customer 360° page: the customer's revisits in the
actor's scope, newest first, with status, result and any follow-up ticket."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kefu.core.permissions import Perm
from kefu.revisits.selectors import tasks_for

if TYPE_CHECKING:
    from django.http import HttpRequest

    from kefu.customers.models import Customer

LIMIT = 20


def revisits_section(request: HttpRequest, customer: Customer) -> str:
    qs = tasks_for(request.user, customer=customer.pk).order_by("-due_at", "-pk")
    rows = list(qs[:LIMIT])
    if not rows:
        return format_html('<p class="muted">{}</p>', _("No revisits for this customer yet."))
    body = format_html_join(
        "",
        '<tr><td class="nowrap"><a href="{}">{}</a></td><td>{}</td><td>{}</td><td>{}</td>'
        "<td>{}</td></tr>",
        (
            (
                reverse("revisits:task", args=[t.pk]),
                timezone.localtime(t.due_at).strftime("%Y-%m-%d %H:%M"),
                t.plan.name,
                t.get_status_display(),
                t.get_result_display() if t.result else "—",
                t.created_ticket.number if t.created_ticket else "—",
            )
            for t in rows
        ),
    )
    head = format_html(
        "<tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr>",
        _("Due"),
        _("Plan"),
        _("Status"),
        _("Result"),
        _("Follow-up ticket"),
    )
    return format_html(
        '<div class="table-wrap"><table class="table" data-revisits><thead>{}</thead>'
        "<tbody>{}</tbody></table></div>",
        head,
        body,
    )


def register() -> None:
    from kefu.customers.sections import register_customer_section

    register_customer_section(
        "revisits",
        gettext_lazy("Revisits"),
        60,
        render=revisits_section,
        perm=Perm.DO_REVISITS,
    )
