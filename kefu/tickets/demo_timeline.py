"""Demo timelines: replies, calls, notes, follow-ups, status changes, SLA warnings, breaches
and escalations, and the complaint steps — with times in order and never after 'now'."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from kefu.tickets.choices import ComplaintStage, EventKind, SlaState, Status
from kefu.tickets.demo_complaints import DemoComplaint, spread
from kefu.tickets.models import Ticket, TicketEvent

if TYPE_CHECKING:
    from kefu.tickets.demo_tickets import Gen

S = ComplaintStage
REPLIES = [
    "您好，您反映的问题已收到，我们正在核实，会尽快给您答复。",
    "您好，已为您联系相关部门处理，预计明天给您结果。",
    "您好，问题已处理，请您确认是否解决。",
    "您好，非常抱歉给您带来不便，我们已安排专人跟进。",
]
NOTES = ["已电话联系客户，客户表示理解。", "需要质量部协助确认批次。", "客户要求下午回电。"]
CUSTOMER_SAYS = ["请尽快处理，谢谢。", "已经等了两天了，还没有结果吗？", "好的，我等你们消息。"]


def later(gen: Gen, at: datetime, lo: int, hi: int) -> datetime:
    """`at` plus lo–hi minutes, but not after the demo's 'now'."""
    return min(at + timedelta(minutes=gen.rng.randint(lo, hi)), gen.now)


def _ev(kind: str, at: datetime, actor: Any, body: str = "", **kw: Any) -> TicketEvent:
    from kefu.tickets.demo_tickets import _event

    return _event(kind, at, actor, body, **kw)


def work_timeline(gen: Gen, t: Ticket, status: str, events: list[TicketEvent]) -> None:
    from kefu.tickets.demo_tickets import _assign

    rng, at = gen.rng, t.received_at
    if status == Status.NEW:
        if rng.random() < 0.5:
            _assign(gen, t, later(gen, at, 2, 30), events)
        t.status = Status.NEW
        sla_open(gen, t, events)
        return
    who = _assign(gen, t, later(gen, at, 2, 60), events)
    at = later(gen, at, 20, 60 * 30)
    t.first_responded_at, t.status = at, Status.OPEN
    events.append(_ev(EventKind.REPLY, at, who, rng.choice(REPLIES), is_public=True))
    if t.channel == "phone" and rng.random() < 0.6:
        at = later(gen, at, 30, 600)
        call = {"direction": "outbound"}
        events.append(_ev(EventKind.CALL, at, who, rng.choice(NOTES), data=call))
    if rng.random() < 0.4:
        at = later(gen, at, 60, 1440)
        events.append(_ev(EventKind.CUSTOMER_MESSAGE, at, None, rng.choice(CUSTOMER_SAYS),
                          is_public=True))  # fmt: skip
    if rng.random() < 0.4:
        at = later(gen, at, 10, 240)
        events.append(_ev(EventKind.NOTE, at, who, rng.choice(NOTES)))
    if status == Status.PENDING:
        at = later(gen, at, 10, 120)
        _status(t, Status.OPEN, Status.PENDING, at, who, events, "等待客户提供照片")
        t.status = Status.PENDING
        t.sla_paused_at, t.sla_state, t.next_sla_check_at = at, SlaState.PAUSED, None
        if t.sla_policy_id is None:
            t.sla_state = SlaState.NONE
        return
    if status == Status.OPEN:
        follow = later(gen, at, 60, 4320) + timedelta(days=rng.randint(0, 3))
        t.next_follow_up_at = follow
        events.append(_ev(EventKind.FOLLOW_UP, later(gen, at, 5, 60), who, "跟进处理进度",
                          next_follow_up_at=follow, data={"at": follow.isoformat()}))  # fmt: skip
        sla_open(gen, t, events)
        return
    resolve(gen, t, later(gen, at, 30, 3 * 1440), who, events, Status.OPEN, status)


def resolve(
    gen: Gen, t: Ticket, at: datetime, who: Any, events: list[TicketEvent], frm: str, to: str
) -> None:
    t.resolved_at = at
    _status(t, frm, Status.RESOLVED, at, who, events, "问题已解决")
    t.status = Status.RESOLVED
    if to == Status.CLOSED:
        t.closed_at = later(gen, at, 60, 3 * 1440)
        _status(t, Status.RESOLVED, Status.CLOSED, t.closed_at, who, events, "")
        t.status = Status.CLOSED
    if t.sla_policy_id is None:
        return
    late = [
        due
        for due, done in ((t.first_response_due, t.first_responded_at), (t.resolution_due, at))
        if due is not None and done is not None and done > due
    ]
    if late:
        t.sla_breached_at, t.sla_state = min(late), SlaState.BREACHED
        target = "first_response" if min(late) == t.first_response_due else "resolution"
        data = _sla(target, "breach", min(late))
        events.append(_ev(EventKind.SLA_BREACH, min(late), None, "已超过服务时限。", data=data))
    else:
        t.sla_state = SlaState.ON_TRACK
    t.next_sla_check_at = None


def _status(
    t: Ticket, frm: str, to: str, at: datetime, who: Any, events: list[TicketEvent], why: str
) -> None:
    events.append(_ev(EventKind.STATUS, at, who, why, data={"from": frm, "to": to}))


def _sla(target: str, kind: str, due: datetime, **extra: Any) -> dict[str, Any]:
    """Event data shaped as the SLA scan writes it (its keys mark milestones as done)."""
    key = f"sla:{target}:{kind}:{due.isoformat()}"
    return {"key": key, "target": target, "due": due.isoformat(), **extra}


def sla_open(gen: Gen, t: Ticket, events: list[TicketEvent]) -> None:
    """Clocks of a ticket still open at 'now': on track, due soon, or breached + escalated."""
    if t.sla_policy_id is None:
        t.sla_state = SlaState.NONE
        return
    pending = [("resolution", d) for d in (t.resolution_due,) if d is not None]
    if t.first_responded_at is None and t.first_response_due is not None:
        pending.append(("first_response", t.first_response_due))
    if not pending:
        t.sla_state, t.next_sla_check_at = SlaState.ON_TRACK, None
        return
    target, first = min(pending, key=lambda p: p[1])
    if first <= gen.now:
        t.sla_state, t.sla_breached_at, t.escalation_level = SlaState.BREACHED, first, 1
        data = _sla(target, "breach", first)
        events.append(_ev(EventKind.SLA_BREACH, first, None, "已超过服务时限。", data=data))
        esc = {**data, "key": f"{data['key']}:esc", "level": 1}
        events.append(_ev(EventKind.ESCALATION, first, None, "已升级至主管（第 1 级）。",
                          data=esc))  # fmt: skip
        if gen.now - first > timedelta(days=1):
            t.escalation_level = 2
            at = first + timedelta(days=1)
            esc2 = _sla(target, "escalation_2", first, level=2)
            esc2["key"] += ":esc"
            events.append(_ev(EventKind.ESCALATION, at, None, "已升级至经理（第 2 级）。",
                              data=esc2))  # fmt: skip
        t.next_sla_check_at = None
        return
    total = (first - t.received_at).total_seconds()
    if total > 0 and (first - gen.now).total_seconds() < 0.2 * total:
        warned = first - timedelta(seconds=int(0.2 * total))
        t.sla_state, t.sla_warned_at = SlaState.WARNING, warned
        data = _sla(target, "warning", first)
        events.append(_ev(EventKind.SLA_WARNING, warned, None, "即将到期。", data=data))
    else:
        t.sla_state = SlaState.ON_TRACK
    t.next_sla_check_at = first


def finish_complaint(
    gen: Gen,
    t: Ticket,
    built: DemoComplaint,
    events: list[TicketEvent],
    stage_hours: Callable[[str], float | None],
) -> None:
    rng, c = gen.rng, built.complaint
    handler = t.assignee or gen.handler
    first = later(gen, t.received_at, 10, 120)
    t.first_responded_at, t.status = first, Status.OPEN
    events.append(_ev(EventKind.REPLY, first, handler, REPLIES[3], is_public=True))
    days = rng.randint(1, 5) if c.stage == S.ARCHIVED else max(1, len(built.steps) // 3)
    end = min(first + timedelta(days=days, hours=rng.randint(0, 8)), gen.now)
    last = spread(first, end, built.steps, rng)
    for s in built.steps:
        data = {"action": s.action, "from": s.frm, "to": s.to, **s.data}
        events.append(_ev(EventKind.COMPLAINT, s.at or last, s.actor, s.body, data=data))
    proposed = next((s.at for s in built.steps if s.action == "propose_remedy"), last)
    decided = next((s.at for s in built.steps if s.action == "approve"), None)
    for r in built.remedies:
        r.created_at = proposed or last
        if r.decided_by is not None:
            r.decided_at = decided or last
    if c.stage == S.ARCHIVED:
        c.archived_at, c.stage_owner, c.stage_due = last, None, None
        to = Status.CLOSED if (gen.now - last).days > 20 else Status.RESOLVED
        resolve(gen, t, last, handler, events, Status.OPEN, to)
        return
    c.stage_owner = gen.approver if c.stage == S.APPROVE else handler
    hours = stage_hours(c.stage) or 8
    c.stage_due = gen.due(t, last, int(hours * 60), True) or last
    sla_open(gen, t, events)


__all__ = ["finish_complaint", "later", "resolve", "sla_open", "work_timeline"]
