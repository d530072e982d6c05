"""The handbooks' prohibitions (禁令, SPEC §2) as alerts: a follow-up date passed, a
complaint with no reply, tracking not done on time. Each fires once per occasion (an
ALERT event whose data carries a stable key) and tells the assignee and the supervisors
in-app."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, F, OuterRef, Q, QuerySet, Subquery
from django.utils.translation import gettext as _

from kefu.core.choices import Role
from kefu.core.selectors.calendar import default_calendar
from kefu.sla.models import SlaPolicy
from kefu.sla.notify import PendingAlert, Recipients, save_alerts
from kefu.sla.services import Clock
from kefu.tickets.choices import EventKind, Status, TicketType
from kefu.tickets.models import Ticket, TicketEvent

FOLLOW_UP_PASSED = "follow_up_passed"
COMPLAINT_NO_REPLY = "complaint_no_reply"
TRACKING_LATE = "tracking_late"
_OPEN = (Status.NEW, Status.OPEN, Status.PENDING)
# System events don't count as tracking (a warning is not work done on the ticket).
_SYSTEM_KINDS = (EventKind.SLA_WARNING, EventKind.SLA_BREACH, EventKind.ESCALATION, EventKind.ALERT)
LIMIT = 5000


@dataclass
class AlertResult:
    follow_up_passed: int = 0
    complaint_no_reply: int = 0
    tracking_late: int = 0
    alerts: int = 0

    def summary(self) -> str:
        return (
            f"prohibition alerts: {self.follow_up_passed} follow-ups passed, "
            f"{self.complaint_no_reply} complaints without reply, {self.tracking_late} "
            f"tickets without tracking; {self.alerts} in-app alerts"
        )


def tracking_hours() -> int:
    return int(getattr(settings, "KEFU_TRACKING_BUSINESS_HOURS", 8))


def _business_ago(now: datetime, hours: int) -> datetime:
    """The moment `hours` working hours before `now` in the default calendar."""
    clock = Clock(SlaPolicy(business_time=True), default_calendar())
    return clock.subtract(now, timedelta(hours=hours))


def _alerted(kind: str) -> QuerySet[TicketEvent]:
    return TicketEvent.objects.filter(ticket=OuterRef("pk"), kind=EventKind.ALERT, data__alert=kind)


def _candidates(now: datetime) -> dict[str, QuerySet[Ticket]]:
    """Open tickets with an occasion not alerted yet (the dedupe is in SQL, so old occasions
    never crowd out new ones under the per-run LIMIT)."""
    base = Ticket.objects.filter(status__in=_OPEN).select_related("unit")
    quiet_since = _business_ago(now, tracking_hours())
    tracking = TicketEvent.objects.filter(ticket=OuterRef("pk")).exclude(kind__in=_SYSTEM_KINDS)
    last_alert = _alerted(TRACKING_LATE).order_by("-pk").values("pk")[:1]
    return {
        # the ALERT event carries the follow-up time it was about in next_follow_up_at
        FOLLOW_UP_PASSED: base.filter(next_follow_up_at__lt=now).exclude(
            Exists(
                _alerted(FOLLOW_UP_PASSED).filter(next_follow_up_at=OuterRef("next_follow_up_at"))
            )
        ),
        COMPLAINT_NO_REPLY: base.filter(
            type=TicketType.COMPLAINT,
            first_responded_at__isnull=True,
            first_response_due__lt=now,
        ).exclude(Exists(_alerted(COMPLAINT_NO_REPLY))),
        # silent since quiet_since, and no alert yet after the last tracking step
        TRACKING_LATE: base.exclude(status=Status.PENDING)
        .filter(received_at__lt=quiet_since)
        .exclude(Exists(tracking.filter(created_at__gte=quiet_since)))
        .annotate(
            last_track=Subquery(tracking.order_by("-pk").values("pk")[:1]),
            last_alert=Subquery(last_alert),
        )
        .filter(Q(last_alert__isnull=True) | Q(last_alert__lt=F("last_track"))),
    }


def _key(kind: str, ticket: Ticket) -> str:
    if kind == FOLLOW_UP_PASSED:
        assert ticket.next_follow_up_at is not None
        return f"alert:{kind}:{ticket.pk}:{ticket.next_follow_up_at.isoformat()}"
    if kind == TRACKING_LATE:
        return f"alert:{kind}:{ticket.pk}:{getattr(ticket, 'last_track', '')}"
    return f"alert:{kind}:{ticket.pk}"


def _text(kind: str, ticket: Ticket) -> str:
    args = {"number": ticket.number}
    if kind == FOLLOW_UP_PASSED:
        return _("%(number)s: the follow-up date has passed.") % args
    if kind == COMPLAINT_NO_REPLY:
        return _("%(number)s: complaint not answered in time.") % args
    return _("%(number)s: no tracking for %(hours)d working hours.") % {
        **args,
        "hours": tracking_hours(),
    }


def scan_prohibitions(*, now: datetime) -> AlertResult:
    """Create each prohibition alert due at `now` once; idempotent."""
    result = AlertResult()
    recipients = Recipients()
    for kind, qs in _candidates(now).items():
        tickets = list(qs.order_by("pk")[:LIMIT])
        keys = {t.pk: _key(kind, t) for t in tickets}
        with transaction.atomic():
            done = set(
                TicketEvent.objects.filter(
                    ticket_id__in=list(keys),
                    kind=EventKind.ALERT,
                    data__key__in=list(keys.values()),
                ).values_list("data__key", flat=True)
            )
            fresh = [t for t in tickets if keys[t.pk] not in done]
            TicketEvent.objects.bulk_create(
                TicketEvent(
                    ticket=t,
                    kind=EventKind.ALERT,
                    actor_label="system",
                    body=_text(kind, t),
                    data={"key": keys[t.pk], "alert": kind},
                    next_follow_up_at=t.next_follow_up_at if kind == FOLLOW_UP_PASSED else None,
                )
                for t in fresh
            )
            pending = [
                PendingAlert(user_id, t.pk, kind, _text(kind, t), keys[t.pk])
                for t in fresh
                for user_id in _people(recipients, t)
            ]
            result.alerts += save_alerts(pending, now=now)
        setattr(result, kind, len(fresh))
    return result


def _people(recipients: Recipients, ticket: Ticket) -> list[int]:
    people = [ticket.assignee_id] if ticket.assignee_id else []
    people += recipients.holders(ticket, Role.SUPERVISOR)
    return list(dict.fromkeys(people))
