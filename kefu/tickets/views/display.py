"""What the workbench shows about a ticket's SLA: state colour, countdown, due moment."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _

from kefu.core.errors import DomainError
from kefu.core.models import BusinessCalendar
from kefu.core.services.calendar import business_time_between, calendar_for_unit
from kefu.core.templatetags.kefu_ui import when
from kefu.tickets.choices import OPEN_STATUSES, Priority, SlaState, Status, TicketType

CSS = {
    SlaState.ON_TRACK: "sla-ok",
    SlaState.WARNING: "sla-warning",
    SlaState.BREACHED: "sla-breached",
    SlaState.PAUSED: "sla-paused",
}


@dataclass(frozen=True)
class SlaView:
    css: str
    label: str
    due: datetime | None
    countdown: str  # "3 h 20 min left" / "2 h 05 min overdue" in business time


def active_due(ticket: Any) -> datetime | None:
    """The next deadline that matters: first response until answered, then the earliest of
    next response and resolution."""
    dues = [ticket.resolution_due, ticket.next_response_due]
    if ticket.first_responded_at is None:
        dues.append(ticket.first_response_due)
    present = [d for d in dues if d is not None]
    return min(present) if present else None


def _duration(seconds: int) -> str:
    """Working time reads in hours (a business "day" is ambiguous): 26 h 05 min, 40 min."""
    minutes = abs(seconds) // 60
    hours, mins = divmod(minutes, 60)
    if hours >= 100:
        return _("%(h)d h") % {"h": hours}
    if hours:
        return _("%(h)d h %(m)02d min") % {"h": hours, "m": mins}
    return _("%(m)d min") % {"m": mins}


class CalendarMemo:
    """One calendar lookup per unit per request, whatever the number of rows."""

    def __init__(self) -> None:
        self._by_unit: dict[int, BusinessCalendar] = {}

    def get(self, ticket: Any) -> BusinessCalendar:
        if ticket.unit_id not in self._by_unit:
            self._by_unit[ticket.unit_id] = calendar_for_unit(ticket.unit)
        return self._by_unit[ticket.unit_id]


def sla_view(ticket: Any, now: datetime, memo: CalendarMemo) -> SlaView | None:
    state = ticket.sla_state
    if state == SlaState.NONE or state not in CSS or ticket.status not in OPEN_STATUSES:
        return None
    due = active_due(ticket)
    label = str(SlaState(state).label)
    if due is None or state == SlaState.PAUSED:
        return SlaView(CSS[state], label, due, "")
    policy = getattr(ticket, "sla_policy", None)
    if policy is not None and not policy.business_time:
        seconds = int((due - now).total_seconds())
    else:
        try:
            span = business_time_between(min(now, due), max(now, due), memo.get(ticket))
            seconds = span.seconds if due >= now else -span.seconds
        except DomainError:
            seconds = int((due - now).total_seconds())
    if due < now:
        countdown = _("%(t)s overdue") % {"t": _duration(seconds)} if seconds else _("Overdue")
        return SlaView(CSS[SlaState.BREACHED], label, due, countdown)
    if seconds == 0:  # outside working hours until the due moment
        countdown = _("due %(when)s") % {"when": timezone.localtime(due).strftime("%m-%d %H:%M")}
    else:
        countdown = _("%(t)s left") % {"t": _duration(seconds)}
    css = CSS[state]
    return SlaView(css, label, due, countdown)


def annotate_sla(tickets: list[Any], now: datetime) -> None:
    memo = CalendarMemo()
    for ticket in tickets:
        ticket.sla = sla_view(ticket, now, memo)


def transfer_departments(actor: Any, paths: list[str]) -> Any:
    """Departments a ticket can go to: those in the actor's units and those of the units
    above (e.g. headquarters' quality department)."""
    from django.db.models import Q

    from kefu.core.models import Department
    from kefu.core.models.org import path_ids
    from kefu.core.selectors.scope import visible_units

    above = {unit_id for path in paths for unit_id in path_ids(path)}
    return (
        Department.objects.filter(is_active=True)
        .filter(Q(unit__in=visible_units(actor).values("id")) | Q(unit_id__in=above))
        .only("id", "name")
        .order_by("name")
    )


def status_badge(status: str, label: str) -> str:
    return format_html('<span class="badge status-{}">{}</span>', status, label)


def sla_badge(sla: SlaView | None) -> str:
    """The SLA chip (state colour, countdown, due moment on hover), or a dash."""
    if not sla:
        return format_html('<span class="muted">{}</span>', "—")
    title = format_html(' title="{} {}"', _("Due"), when(sla.due)) if sla.due else ""
    return format_html(
        '<span class="sla {}"{}><span class="dot"></span>{}</span>',
        sla.css,
        title,
        sla.countdown or sla.label,
    )


def list_badges(tickets: list[Any]) -> None:
    """Each row's labels and status/SLA badges (after annotate_sla), built once per row in
    Python: a queue shows status and SLA twice a row (desktop and phone layouts), and 200
    `{% include %}`s plus `get_FOO_display` calls were two thirds of the page's time
    (issue 6 profile). The ticket page and the home panel use the same builders."""
    statuses = {k: str(v) for k, v in Status.choices}
    types = {k: str(v) for k, v in TicketType.choices}
    priorities = {k: str(v) for k, v in Priority.choices}
    for t in tickets:
        t.type_label = types.get(t.type, t.type)
        t.priority_label = priorities.get(t.priority, t.priority)
        t.status_badge = status_badge(t.status, statuses.get(t.status, t.status))
        t.sla_badge = sla_badge(getattr(t, "sla", None))
