"""The SLA breach scan: warnings, breaches and escalations for tickets whose next milestone
has come. Only rows with `next_sla_check_at <= now` are read (partial index), in batches
locked with SKIP LOCKED on PostgreSQL so two workers never process the same ticket."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from kefu.core.bulk_sql import insert_rows, update_rows
from kefu.core.models import BusinessCalendar, OrgUnit
from kefu.sla.models import SlaPolicy
from kefu.sla.notify import PendingAlert, Recipients, save_alerts
from kefu.sla.services import (
    BREACH,
    FIRST_RESPONSE,
    NEXT_RESPONSE,
    WARNING,
    Milestone,
    clock_for,
    milestones,
)
from kefu.tickets.choices import EventKind, SlaState
from kefu.tickets.models import Ticket, TicketEvent

BATCH_SIZE = 2000  # tickets a transaction: fewer commits (each a WAL flush)
_SLA_KINDS = (EventKind.SLA_WARNING, EventKind.SLA_BREACH, EventKind.ESCALATION)
_FIELDS = ["sla_state", "sla_warned_at", "sla_breached_at", "escalation_level", "next_sla_check_at"]
# What milestones, recipients and messages read; everything else stays deferred.
_READ = (
    *_FIELDS,
    "number",
    "title",
    "status",
    "unit_id",
    "department_id",
    "assignee_id",
    "sla_policy_id",
    "sla_paused_at",
    "first_responded_at",
    "first_response_due",
    "next_response_due",
    "resolution_due",
)
_EVENT_FIELDS = (
    "ticket",
    "kind",
    "actor_label",
    "created_at",
    "body",
    "is_public",
    "data",
    "message_id",
)


@dataclass
class ScanResult:
    checked: int = 0
    warnings: int = 0
    breaches: int = 0
    escalations: int = 0
    alerts: int = 0
    ticket_ids: list[int] = field(default_factory=list)

    def summary(self) -> str:
        return (
            f"checked {self.checked} tickets: {self.warnings} warnings, {self.breaches} "
            f"breaches, {self.escalations} escalations, {self.alerts} alerts"
        )


class _Texts(dict[str, str]):
    """Each message translated once per scan (one language throughout), not per ticket:
    five gettext calls a ticket were a tenth of a 10,000-ticket scan."""

    def __missing__(self, msgid: str) -> str:
        value = self[msgid] = _(msgid)
        return value


def _target_label(target: str, t: _Texts) -> str:
    if target == FIRST_RESPONSE:
        return t[gettext_noop("first response")]
    if target == NEXT_RESPONSE:
        return t[gettext_noop("next response")]
    return t[gettext_noop("resolution")]


@dataclass
class _Batch:
    now: datetime
    result: ScanResult
    recipients: Recipients
    calendars: dict[int, BusinessCalendar]
    t: _Texts
    events: list[tuple[int, str, str, dict[str, object]]] = field(default_factory=list)
    alerts: list[PendingAlert] = field(default_factory=list)
    escalated: list[tuple[Ticket, int, datetime]] = field(default_factory=list)

    def event(self, ticket: Ticket, kind: str, body: str, data: dict[str, object]) -> None:
        self.events.append((ticket.pk, kind, body, data))

    def notify(self, ticket: Ticket, level: int, kind: str, text: str, key: str) -> None:
        for user_id in self.recipients.for_level(ticket, level):
            self.alerts.append(PendingAlert(user_id, ticket.pk, kind, text, f"{ticket.pk}:{key}"))


def _apply(batch: _Batch, ticket: Ticket, m: Milestone) -> None:
    now, t = batch.now, batch.t
    label = _target_label(m.target, t)
    data: dict[str, object] = {"key": m.key, "target": m.target, "due": m.due.isoformat()}
    text_args = {"number": ticket.number, "target": label}
    if m.kind == WARNING:
        body = t[gettext_noop("%(target)s due soon.")] % {"target": label.capitalize()}
        batch.event(ticket, EventKind.SLA_WARNING, body, data)
        ticket.sla_warned_at = ticket.sla_warned_at or now
        if ticket.sla_state == SlaState.ON_TRACK:
            ticket.sla_state = SlaState.WARNING
        batch.result.warnings += 1
        text = t[gettext_noop("%(number)s: %(target)s due soon.")] % text_args
        batch.notify(ticket, 0, "sla_warning", text, m.key)
        return
    level = 1 if m.kind == BREACH else 2
    if m.kind == BREACH:
        body = t[gettext_noop("%(target)s target missed.")] % {"target": label.capitalize()}
        batch.event(ticket, EventKind.SLA_BREACH, body, data)
        ticket.sla_breached_at = ticket.sla_breached_at or m.due
        ticket.sla_state = SlaState.BREACHED
        batch.result.breaches += 1
    who = t[gettext_noop("supervisor")] if level == 1 else t[gettext_noop("manager")]
    body = t[gettext_noop("Escalated to the %(who)s (level %(level)d).")] % {
        "who": who,
        "level": level,
    }
    batch.event(ticket, EventKind.ESCALATION, body, {**data, "key": f"{m.key}:esc", "level": level})
    ticket.escalation_level = max(ticket.escalation_level, level)
    batch.result.escalations += 1
    text = t[gettext_noop("%(number)s: %(target)s target missed, escalated (level %(level)d).")] % {
        **text_args,
        "level": level,
    }
    batch.notify(ticket, level, "sla_escalation", text, m.key)
    batch.escalated.append((ticket, level, m.due))


def _post_escalations(escalated: list[tuple[Ticket, int, datetime]]) -> None:
    """Escalations also go to the group robots (WeChat Work, DingTalk) when some are set up;
    one query per batch when none are."""
    from kefu.notifications.producers import enabled_robots, notify_sla_escalation

    if not escalated:
        return
    robots = enabled_robots()
    if not robots:
        return
    for ticket, level, due in escalated:
        notify_sla_escalation(
            actor=None, ticket=ticket, level=str(level), due_at=due, enabled=robots
        )


def _process(batch: _Batch, ticket: Ticket, done: set[str]) -> None:
    clock = clock_for(ticket, batch.calendars)
    if clock is None:
        ticket.next_sla_check_at = None
        return
    found = milestones(ticket, clock)
    passed = [m for m in found if m.at <= batch.now and m.key not in done]
    breached = {m.target for m in found if m.kind == BREACH and m.at <= batch.now}
    for m in passed:
        if m.kind == WARNING and m.target in breached:
            continue  # late scan: report the breach, not a warning that came too late
        _apply(batch, ticket, m)
    ahead = [m.at for m in found if m.at > batch.now]
    ticket.next_sla_check_at = min(ahead) if ahead else None


def _due_batch(now: datetime, size: int) -> list[Ticket]:
    """The due tickets with only the columns the scan reads (no description or search
    vector); their policies and units come from one query each per scan (`_attach`)."""
    qs = (
        Ticket.objects.filter(next_sla_check_at__lte=now)
        .only(*_READ)
        .order_by("next_sla_check_at", "pk")
    )
    if connection.features.has_select_for_update_skip_locked:
        qs = qs.select_for_update(skip_locked=True)
    return list(qs[:size])


def _attach(
    tickets: list[Ticket], policies: dict[int, SlaPolicy], units: dict[int, OrgUnit]
) -> None:
    """Set each ticket's policy and unit from the scan's own maps, loading the missing ones
    in one query each (a ticket's unit and policy rarely change, many share them)."""
    want_p = {t.sla_policy_id for t in tickets if t.sla_policy_id} - policies.keys()
    if want_p:
        policies.update(SlaPolicy.objects.in_bulk(list(want_p)))
    want_u = {t.unit_id for t in tickets} - units.keys()
    if want_u:
        units.update(OrgUnit.objects.select_related("calendar").in_bulk(list(want_u)))
    for t in tickets:
        t.unit = units[t.unit_id]
        if t.sla_policy_id:
            t.sla_policy = policies[t.sla_policy_id]


def _save(tickets: list[Ticket]) -> None:
    """One UPDATE for the batch (kefu.core.bulk_sql: a JSON record set on PostgreSQL,
    executemany on SQLite): much cheaper than bulk_update's CASE expressions or a statement
    per row."""
    rows = [[t.pk, *(getattr(t, name) for name in _FIELDS)] for t in tickets]
    update_rows(Ticket, _FIELDS, rows)


def _save_events(events: list[tuple[int, str, str, dict[str, object]]]) -> None:
    at = timezone.now()
    rows = [(tid, kind, "system", at, body, False, data, "") for tid, kind, body, data in events]
    insert_rows(TicketEvent, _EVENT_FIELDS, rows)


def _done_keys(tickets: list[Ticket]) -> dict[int, set[str]]:
    """The milestone keys already recorded, read only for tickets that have had an SLA
    event: every one sets sla_warned_at, sla_breached_at or escalation_level (never reset),
    so a ticket with none of them has nothing recorded and needs no lookup."""
    done: dict[int, set[str]] = {t.pk: set() for t in tickets}
    seen = [t.pk for t in tickets if t.sla_warned_at or t.sla_breached_at or t.escalation_level]
    if not seen:
        return done
    rows = TicketEvent.objects.filter(ticket_id__in=seen, kind__in=_SLA_KINDS).values_list(
        "ticket_id", "data"
    )
    for ticket_id, data in rows:
        key = str((data or {}).get("key", ""))
        done[ticket_id].add(key.removesuffix(":esc"))
    return done


def scan_sla(*, now: datetime, batch_size: int | None = None) -> ScanResult:
    """Apply every warning, breach and escalation due at `now`; idempotent for one `now`."""
    if timezone.is_naive(now):
        raise ValueError("now must be timezone-aware")
    result = ScanResult()
    recipients = Recipients()
    calendars: dict[int, BusinessCalendar] = {}
    texts = _Texts()
    policies: dict[int, SlaPolicy] = {}
    units: dict[int, OrgUnit] = {}
    seen: set[int] = set()
    size = batch_size or BATCH_SIZE
    while True:
        with transaction.atomic():
            tickets = _due_batch(now, size)
            if not tickets or seen.intersection(t.pk for t in tickets):
                break  # nothing due (a ticket seen twice would mean no progress)
            _attach(tickets, policies, units)
            batch = _Batch(now, result, recipients, calendars, texts)
            done = _done_keys(tickets)
            for ticket in tickets:
                seen.add(ticket.pk)
                _process(batch, ticket, done[ticket.pk])
            _save_events(batch.events)
            _save(tickets)
            result.alerts += save_alerts(batch.alerts, now=now)
            _post_escalations(batch.escalated)
            result.checked += len(tickets)
            result.ticket_ids.extend(t.pk for t in tickets)
        if len(tickets) < size:
            break
    return result
