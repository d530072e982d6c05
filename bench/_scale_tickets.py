"""Ticket and timeline rows for the scale generator (bench/generate.py).

Texts come from the demo's phrase pools (kefu.tickets.demo_data, demo_timeline) combined
with the product list, so titles read like the demo's and a two-character word such as
发票 or 漏水 matches a realistic share of them. Tickets are spread over `years` back from
now, numbered KF + local date + daily sequence exactly as kefu.tickets.numbering does
(continuing any counter already in the database). Status follows age: old tickets are
mostly closed, the last fortnight holds the open work. Open tickets carry SLA clocks
(due times; overdue ones are breached, the rest have their next SLA check at the warning
time), resolved and closed ones their response, resolution and closing times.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from kefu.tickets.choices import EventKind, SlaState, Status, TicketType
from kefu.tickets.demo_data import (
    CHANNEL_WEIGHTS,
    PRAISE,
    PRODUCTS,
    SUGGESTIONS,
    TEXTS,
    TYPE_CATEGORIES,
    TYPE_WEIGHTS,
)
from kefu.tickets.demo_timeline import CUSTOMER_SAYS, NOTES, REPLIES
from kefu.tickets.search import search_text

TZ = ZoneInfo("Asia/Shanghai")
TICKET_COLUMNS = (
    "id", "number", "type", "channel", "status", "priority", "title", "description",
    "reference", "category_id", "customer_id", "contact_name", "contact_phone", "unit_id",
    "department_id", "assignee_id", "received_at", "created_at", "updated_at",
    "first_responded_at", "resolved_at", "closed_at", "sla_policy_id", "sla_state",
    "first_response_due", "resolution_due", "next_sla_check_at", "sla_paused_at",
    "sla_breached_at", "search_vector",
)  # fmt: skip
EVENT_COLUMNS = (
    "id", "ticket_id", "kind", "actor_id", "actor_label", "created_at", "body", "is_public",
    "data",
)  # fmt: skip
LONG_REFERENCE = "BENCH-50EVENTS"  # the tickets with a long timeline (detail benchmark)
RECENT = timedelta(days=14)


@dataclass
class Org:
    """What the tickets hang on: stores, their department, its agents, categories, policy."""

    stores: list[int]
    spread: list[int]  # stores taking turns between regions (the long tickets' units)
    department_of: dict[int, int | None]
    agents_of: dict[int | None, list[tuple[int | None, str]]]
    categories: dict[str, int]
    policy_id: int | None
    customers: list[tuple[int, str, str]]  # (id, name, phone) to link tickets to
    counters: dict[date, int] = field(default_factory=dict)


def text_pool() -> dict[str, list[tuple[str, str, str]]]:
    """type → [(category code, title, description)], every template with every product."""
    pool: dict[str, list[tuple[str, str, str]]] = {}
    for type_, codes in TYPE_CATEGORIES.items():
        rows: list[tuple[str, str, str]] = []
        for code in codes:
            for title, body in TEXTS[code]:
                for product in PRODUCTS if "{product}" in title + body else [""]:
                    rows.append((code, title.replace("{product}", product),
                                 body.replace("{product}", product)))  # fmt: skip
        extra = PRAISE if type_ == TicketType.PRAISE else SUGGESTIONS
        if not rows:
            rows = [("", t, b.replace("{product}", p)) for t, b in extra for p in PRODUCTS]
        pool[type_] = rows
    return pool


def received_times(n: int, now: datetime, years: float, rng: random.Random) -> list[datetime]:
    """`n` sorted receipt times over the last `years`, a little busier in the daytime."""
    span = int(years * 365 * 86400)
    out = []
    for _ in range(n):
        t = now - timedelta(seconds=rng.randrange(span))
        if t.astimezone(TZ).hour < 8 and rng.random() < 0.7:  # night calls are rarer
            t += timedelta(hours=9)
        out.append(min(t, now - timedelta(minutes=1)))
    out.sort()
    return out


def status_for(age: timedelta, rng: random.Random) -> str:
    r = rng.random()
    if age > RECENT:  # old work is nearly all finished
        if r < 0.90:
            return Status.CLOSED
        if r < 0.96:
            return Status.RESOLVED
        return Status.PENDING if r < 0.98 else Status.OPEN
    if r < 0.15:
        return Status.NEW
    if r < 0.50:
        return Status.OPEN
    if r < 0.65:
        return Status.PENDING
    return Status.RESOLVED if r < 0.85 else Status.CLOSED


def _number(org: Org, at: datetime) -> str:
    day = at.astimezone(TZ).date()
    last = org.counters.get(day, 0) + 1
    org.counters[day] = last
    return f"KF{day:%Y%m%d}{last:0{max(4, len(str(last)))}d}"


class TicketRows:
    """Builds ticket rows and their events, chunk by chunk, from one seeded Random."""

    def __init__(self, org: Org, now: datetime, rng: random.Random, events: int) -> None:
        self.org, self.now, self.rng, self.events = org, now, rng, events
        self.pool = text_pool()
        self.types = [t for t, _ in TYPE_WEIGHTS]
        self.type_weights = [w for _, w in TYPE_WEIGHTS]
        self.channels = [c for c, _ in CHANNEL_WEIGHTS]
        self.channel_weights = [w for _, w in CHANNEL_WEIGHTS]

    def ticket(
        self, pk: int, at: datetime, *, long: int | None = None
    ) -> tuple[tuple[Any, ...], dict[str, Any]]:
        """One ticket row; `long`: the index of a long-timeline ticket (open, due soon)."""
        rng, org, now = self.rng, self.org, self.now
        type_ = rng.choices(self.types, self.type_weights)[0]
        code, title, body = rng.choice(self.pool[type_])
        ref = f"DD{rng.randrange(10**9, 10**10)}"
        status = Status.OPEN if long is not None else status_for(now - at, rng)
        unit = rng.choice(org.stores) if long is None else org.spread[long % len(org.spread)]
        dept = org.department_of.get(unit)
        agents = org.agents_of.get(dept) or org.agents_of.get(None) or [(None, "")]
        assignee, label = (
            rng.choice(agents) if status != Status.NEW or rng.random() < 0.5 else (None, "")
        )  # noqa: E501
        customer = rng.choice(org.customers) if org.customers and rng.random() < 0.8 else None
        first_due = at + timedelta(hours=rng.choice((2, 4, 8)))
        due = at + timedelta(hours=rng.choice((24, 48, 72, 120)))
        responded = resolved = closed = check = paused = breached = None
        sla = SlaState.ON_TRACK
        if status != Status.NEW:
            responded = min(at + timedelta(minutes=rng.randint(5, 600)), now)
        if status in (Status.RESOLVED, Status.CLOSED):
            resolved = min(at + timedelta(minutes=rng.randint(60, 7 * 1440)), now)
            closed = min(resolved + timedelta(days=3), now) if status == Status.CLOSED else None
            if resolved > due:
                sla, breached = SlaState.BREACHED, due
        elif status == Status.PENDING:
            sla, paused = SlaState.PAUSED, responded
        elif due <= now:
            sla, breached = SlaState.BREACHED, due
        else:
            check = due - timedelta(hours=4) if status == Status.OPEN else first_due
        last = closed or resolved or responded or at
        description = body.replace("{ref}", ref)
        row = (
            pk, _number(org, at), type_, rng.choices(self.channels, self.channel_weights)[0],
            status, "high" if rng.random() < 0.1 else "normal", title,
            description, ref if long is None else LONG_REFERENCE,
            org.categories.get(code), customer[0] if customer else None,
            customer[1] if customer else "", customer[2] if customer else "",
            unit, dept, assignee, at, at, last, responded, resolved, closed, org.policy_id,
            sla if org.policy_id else SlaState.NONE, first_due, due, check, paused, breached,
            search_text(title, description),
        )  # fmt: skip
        info = {"pk": pk, "at": at, "end": last, "status": status, "type": type_,
                "channel": row[3], "assignee": assignee, "label": label}  # fmt: skip
        return row, info

    def timeline(
        self, info: dict[str, Any], count: int, ids: Iterator[int]
    ) -> list[tuple[Any, ...]]:  # noqa: E501
        """`count` events from creation to the ticket's last change, in time order."""
        rng, pk, start, end = self.rng, info["pk"], info["at"], info["end"]
        who, label = info["assignee"], info["label"]
        step = (end - start) / max(count, 1)
        rows: list[tuple[Any, ...]] = [
            (next(ids), pk, EventKind.CREATED, None, "", start, "", False,
             {"channel": info["channel"], "type": info["type"]}),
        ]  # fmt: skip
        if count > 1 and who:
            rows.append((next(ids), pk, EventKind.ASSIGNED, who, label, start + step, "",
                         False, {"from": None, "to": who}))  # fmt: skip
        final = info["status"] in (Status.RESOLVED, Status.CLOSED)
        while len(rows) < count - (1 if final else 0):
            at = start + step * len(rows)
            r = rng.random()
            if r < 0.45:
                rows.append((next(ids), pk, EventKind.REPLY, who, label, at,
                             rng.choice(REPLIES), True, {}))  # fmt: skip
            elif r < 0.65:
                rows.append((next(ids), pk, EventKind.CUSTOMER_MESSAGE, None, "", at,
                             rng.choice(CUSTOMER_SAYS), True, {}))  # fmt: skip
            elif r < 0.85:
                rows.append((next(ids), pk, EventKind.NOTE, who, label, at,
                             rng.choice(NOTES), False, {}))  # fmt: skip
            else:
                rows.append((next(ids), pk, EventKind.CALL, who, label, at,
                             rng.choice(NOTES), False, {"direction": "outbound"}))  # fmt: skip
        if final and count > 1:
            rows.append((next(ids), pk, EventKind.STATUS, who, label, end, "问题已处理完毕。",
                         False, {"from": Status.OPEN, "to": info["status"]}))  # fmt: skip
        return rows[:count]
