"""The demo's tickets: ~600 per scale over the last 90 days, every type, channel and status,
with timelines, SLA clocks, and complaints in every stage of the closed loop.

Rows are built in memory chunk by chunk and bulk-inserted with their real times (the
`auto_now` stamps are switched off while the demo writes). Numbers follow the received day
(KF + yyyymmdd + sequence) and the per-day counters are left where the next real ticket of
that day continues."""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext as _

from kefu.core.demo.company import BATCH
from kefu.core.demo.registry import DemoContext
from kefu.core.models import BusinessCalendar, OrgUnit, User
from kefu.core.services.calendar import add_business_time, calendar_for_unit
from kefu.tickets.choices import ComplaintStage, EventKind, Priority, SlaState, Status, TicketType
from kefu.tickets.demo import DAYS, TICKETS_PER_SCALE, Setup, pick
from kefu.tickets.demo_complaints import OPEN_STAGES, DemoComplaint, build_complaint
from kefu.tickets.demo_data import (
    CHANNEL_WEIGHTS,
    PRAISE,
    PRODUCTS,
    SUGGESTIONS,
    TEXTS,
    TYPE_CATEGORIES,
    TYPE_WEIGHTS,
)
from kefu.tickets.models import Complaint, Remedy, Ticket, TicketCounter, TicketEvent
from kefu.tickets.search import search_text
from kefu.tickets.services.complaint_rules import stage_hours

CHUNK = 2000
S = ComplaintStage


@contextmanager
def real_times(*models: type[Model]) -> Iterator[None]:
    """Let bulk inserts keep the times the demo gives (auto_now/auto_now_add off)."""
    saved = []
    for model in models:
        for f in model._meta.concrete_fields:
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                saved.append((f, f.auto_now, f.auto_now_add))  # type: ignore[attr-defined]
                f.auto_now = f.auto_now_add = False  # type: ignore[attr-defined]
    try:
        yield
    finally:
        for f, now, add in saved:
            f.auto_now, f.auto_now_add = now, add  # type: ignore[attr-defined]


class Gen:
    """One ticket's rows; `events` in time order."""

    def __init__(self, ctx: DemoContext, setup: Setup) -> None:
        self.rng = ctx.rng("tickets")
        self.fake = ctx.faker("tickets")
        self.setup = setup
        self.now = setup.anchor - timedelta(minutes=1)
        staff = setup.company.staff
        self.handler = (staff.get("complaint_handler") or staff["manager"])[0]
        self.approver = staff["manager"][0]
        self.supervisor = (staff.get("supervisor") or staff["manager"])[0]
        self.agents = staff.get("agent", []) + staff.get("after_sales", [])
        self.calendars: dict[int, BusinessCalendar] = {}
        self.ref_n = 0

    def calendar(self, unit: OrgUnit) -> BusinessCalendar:
        if unit.pk not in self.calendars:
            self.calendars[unit.pk] = calendar_for_unit(unit)
        return self.calendars[unit.pk]

    def due(self, ticket: Ticket, start: datetime, minutes: int | None, business: bool) -> Any:
        if minutes is None:
            return None
        if not business:
            return start + timedelta(minutes=minutes)
        return add_business_time(start, timedelta(minutes=minutes), self.calendar(ticket.unit)).due


def _received_times(rng: random.Random, anchor: datetime, n: int) -> list[datetime]:
    """Weekday-heavy, daytime-heavy contact times in the DAYS before `anchor`."""
    out = []
    for _i in range(n):
        day = rng.randint(1, DAYS)
        if (anchor - timedelta(days=day)).isoweekday() >= 6 and rng.random() < 0.5:
            day = max(1, day - 2)
        hour = rng.choice([8, 9, 9, 10, 10, 10, 11, 11, 13, 14, 14, 15, 15, 16, 16, 17, 19, 21])
        at = anchor - timedelta(days=day) + timedelta(hours=hour, minutes=rng.randint(0, 59))
        out.append(min(at, anchor - timedelta(minutes=30)))
    return sorted(out)


def write_tickets(ctx: DemoContext, setup: Setup) -> dict[str, int]:
    gen = Gen(ctx, setup)
    n = TICKETS_PER_SCALE * ctx.scale
    times = _received_times(gen.rng, setup.anchor, n)
    per_day: Counter[date] = Counter()
    numbers = []
    for at in times:
        day = timezone.localdate(at)
        per_day[day] += 1
        numbers.append(f"KF{day:%Y%m%d}{per_day[day]:04d}")
    complaint_total = 0
    forced: list[str] = list(OPEN_STAGES)  # the most recent complaints cover every open stage
    with real_times(Ticket, TicketEvent, Remedy):
        for start in range(n - 1, -1, -CHUNK):  # newest first: forced stages land on recent
            idx = range(start, max(start - CHUNK, -1), -1)
            complaint_total += _chunk(gen, [(times[i], numbers[i]) for i in idx], forced)
    _counters(per_day)
    return {"tickets": n, "complaints": complaint_total}


def _counters(per_day: Counter[date]) -> None:
    existing = {c.day: c for c in TicketCounter.objects.filter(day__in=list(per_day))}
    new = []
    for day, count in sorted(per_day.items()):
        if day in existing:
            existing[day].last = max(existing[day].last, count)
        else:
            new.append(TicketCounter(day=day, last=count))
    TicketCounter.objects.bulk_create(new, batch_size=BATCH)
    TicketCounter.objects.bulk_update(list(existing.values()), ["last"], batch_size=BATCH)


def _chunk(gen: Gen, items: list[tuple[datetime, str]], forced: list[str]) -> int:
    built = [_ticket(gen, at, number, forced) for at, number in items]
    Ticket.objects.bulk_create([b[0] for b in built], batch_size=BATCH)
    complaints = [b[2] for b in built if b[2] is not None]
    Complaint.objects.bulk_create([d.complaint for d in complaints], batch_size=BATCH)
    Remedy.objects.bulk_create([r for d in complaints for r in d.remedies], batch_size=BATCH)
    events = []
    for ticket, evs, _d in built:
        for e in evs:
            e.ticket = ticket
            events.append(e)
        gen.setup.audit.add(
            "ticket.create",
            ticket,
            unit=ticket.unit,
            changes={"number": ticket.number, "type": ticket.type, "channel": ticket.channel},
        )
    TicketEvent.objects.bulk_create(events, batch_size=BATCH)
    for d in complaints:
        for s in d.steps:
            gen.setup.audit.add(
                f"complaint.{s.action}",
                d.complaint.ticket,
                unit=d.complaint.ticket.unit,
                changes={"action": s.action, "from": s.frm, "to": s.to, **s.data},
            )
    gen.setup.audit.save()
    return len(complaints)


def _text(gen: Gen, type_: str) -> tuple[str, str, str | None]:
    rng = gen.rng
    product = rng.choice(PRODUCTS)
    gen.ref_n += 1
    ref = f"SO{gen.setup.anchor:%y}{gen.ref_n:07d}"
    cats = TYPE_CATEGORIES[type_]
    if cats:
        code = rng.choice(cats)
        title, desc = rng.choice(TEXTS[code])
    else:
        code = None
        title, desc = rng.choice(PRAISE if type_ == TicketType.PRAISE else SUGGESTIONS)
    return title.format(product=product, ref=ref), desc.format(product=product, ref=ref), code


def _ticket(
    gen: Gen, at: datetime, number: str, forced: list[str]
) -> tuple[Ticket, list[TicketEvent], DemoComplaint | None]:
    rng, setup = gen.rng, gen.setup
    type_ = pick(rng, TYPE_WEIGHTS)
    channel = pick(rng, CHANNEL_WEIGHTS)
    title, desc, code = _text(gen, type_)
    customer = rng.choice(setup.customers) if rng.random() < 0.8 else None
    leaves = setup.company.leaves or [setup.company.hq]
    unit = rng.choice(leaves) if customer is None or customer.unit.depth < 2 else customer.unit
    creator = rng.choice(gen.agents) if channel in ("phone", "on_site") and gen.agents else None
    t = Ticket(
        number=number, type=type_, channel=channel, title=title, description=desc,
        search_vector=search_text(title, desc),
        priority=rng.choice([Priority.NORMAL] * 6 + [Priority.LOW, Priority.HIGH, Priority.URGENT]),
        reference=desc.split("订单 ")[1][:11] if "订单 " in desc else "",
        category=setup.categories.get(code) if code else None, customer=customer,
        contact_name=customer.name if customer else gen.fake.name(),
        contact_phone=setup.phones.get(customer.pk, "") if customer else gen.fake.phone_number(),
        contact_email=customer.email if customer else "", unit=unit,
        first_contact_owner=creator, created_by=creator, received_at=at, created_at=at,
        updated_at=at,
    )  # fmt: skip
    events = [
        TicketEvent(kind=EventKind.CREATED, actor=creator, body=desc, created_at=at,
                    actor_label=_label(creator), data={"channel": channel, "type": type_,
                                                       "received_at": at.isoformat()})
    ]  # fmt: skip
    _route(gen, t, code, events)
    _policy(gen, t)
    demo_complaint = None
    if type_ == TicketType.COMPLAINT:
        demo_complaint = _complaint(gen, t, code or "", events, forced)
    else:
        _work(gen, t, events)
    events.sort(key=lambda e: e.created_at)
    t.version = len(events)
    t.updated_at = max(e.created_at for e in events)
    return t, events, demo_complaint


def _label(user: User | None) -> str:
    return (user.display_name or user.username) if user is not None else "system"


def _event(kind: str, at: datetime, actor: User | None, body: str = "", **kw: Any) -> TicketEvent:
    return TicketEvent(kind=kind, created_at=at, actor=actor, actor_label=_label(actor),
                       body=body, **kw)  # fmt: skip


def _route(gen: Gen, t: Ticket, code: str | None, events: list[TicketEvent]) -> None:
    setup = gen.setup
    rule = setup.rules.get(code or "") or (
        setup.rules.get(f"type:{t.type}") if t.type == TicketType.COMPLAINT else None
    )
    if rule is None:
        t.department = setup.category_department.get(code or "") or setup.company.departments.get(
            "D-CS"
        )
        return
    t.department_id, t.queue_id = rule.department_id, rule.queue_id
    t.priority = rule.priority or t.priority
    data = {"rule": rule.pk, "department": t.department_id, "queue": t.queue_id,
            "priority": t.priority, "sla_policy": rule.sla_policy_id}  # fmt: skip
    body = _("Routed by rule “%(rule)s”.") % {"rule": rule.name}
    events.append(_event(EventKind.CLASSIFIED, t.received_at, None, body, data=data))


def _policy(gen: Gen, t: Ticket) -> None:
    grade = t.customer.grade if t.customer is not None else ""
    for p in gen.setup.policies:
        if all(not want or want == have for want, have in (
            (p.ticket_type, t.type), (p.priority, t.priority), (p.channel, t.channel),
            (p.customer_grade, grade))):  # fmt: skip
            t.sla_policy = p
            t.first_response_due = gen.due(t, t.received_at, p.first_response_minutes,
                                           p.business_time)  # fmt: skip
            t.resolution_due = gen.due(t, t.received_at, p.resolution_minutes, p.business_time)
            t.sla_state = SlaState.ON_TRACK
            return
    t.sla_state = SlaState.NONE


def _assign(gen: Gen, t: Ticket, at: datetime, events: list[TicketEvent]) -> User | None:
    members = gen.setup.members.get(t.department_id or 0) or gen.agents
    if not members:
        return None
    t.assignee = gen.rng.choice(members)
    events.append(_event(EventKind.ASSIGNED, at, gen.supervisor, _label(t.assignee),
                         data={"from": None, "to": t.assignee.pk}))  # fmt: skip
    return t.assignee


def _status(gen: Gen, t: Ticket) -> str:
    age = (gen.now - t.received_at).days
    r = gen.rng.random()
    if age > 14:
        return Status.CLOSED if r < 0.8 else Status.RESOLVED if r < 0.95 else Status.OPEN
    if age > 3:
        table = [(0.35, Status.RESOLVED), (0.6, Status.CLOSED), (0.85, Status.OPEN)]
    else:
        table = [(0.3, Status.NEW), (0.65, Status.OPEN), (0.8, Status.PENDING)]
    fallback = Status.PENDING if age > 3 else Status.RESOLVED
    return next((s for limit, s in table if r < limit), fallback)


def _work(gen: Gen, t: Ticket, events: list[TicketEvent]) -> None:
    from kefu.tickets.demo_timeline import work_timeline

    work_timeline(gen, t, _status(gen, t), events)


def _complaint(
    gen: Gen, t: Ticket, code: str, events: list[TicketEvent], forced: list[str]
) -> DemoComplaint:
    from kefu.tickets.demo_timeline import finish_complaint

    rng = gen.rng
    age = (gen.now - t.received_at).days
    if forced:
        target = forced.pop(0)
    else:
        target = S.ARCHIVED if age > 12 or rng.random() < 0.2 else rng.choice(OPEN_STAGES)
    valid = target in (S.REVISIT, S.SUMMARISE, S.ARCHIVED) and rng.random() < 0.15
    valid = not valid
    handler = _assign(gen, t, t.received_at + timedelta(minutes=5), events) or gen.handler
    c = Complaint(ticket=t, stage=S.REGISTER)
    built = build_complaint(
        rng, complaint=c, category=code, target=target, valid=valid, handler=handler,
        approver=gen.approver, departments=gen.setup.company.departments,
        rejected_once=target == S.ARCHIVED and rng.random() < 0.1,
    )  # fmt: skip
    finish_complaint(gen, t, built, events, stage_hours)
    return built
