"""What the crash harness checks in the database at the end (plain SQL through sqlite3 or
psycopg, read-only), and the figures of the summary."""

from __future__ import annotations

import json
import sqlite3
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from bench.crash_client import ACKED, APPLIED, PENDING, REJECTED, Ledger, Receiver

TASKS_TABLE = "django_tasks_database_dbtaskresult"


def connect(url: str) -> Any:
    if url.startswith("sqlite:///"):
        conn = sqlite3.connect(url.removeprefix("sqlite:///"), timeout=30)
        conn.execute("PRAGMA busy_timeout=30000")
        return conn
    import psycopg

    return psycopg.connect(url, autocommit=True)


def rows(url: str, sql: str) -> list[tuple[Any, ...]]:
    conn = connect(url)
    try:
        cur = conn.cursor()
        cur.execute(sql)
        return [tuple(r) for r in cur.fetchall()]
    finally:
        conn.close()


def _json(value: Any) -> dict[str, Any]:
    if isinstance(value, str):
        value = json.loads(value or "{}")
    return value if isinstance(value, dict) else {}


@dataclass
class Outstanding:
    """Work the worker still has to do (the harness waits for all zeros)."""

    outbox_pending: int
    tasks_running: int
    overdue_unescalated: int

    def done(self) -> bool:
        return not (self.outbox_pending or self.tasks_running or self.overdue_unescalated)


def outstanding(url: str, overdue_ids: list[int]) -> Outstanding:
    [(pending,)] = rows(
        url,
        "SELECT count(*) FROM notifications_outboxmessage WHERE status IN ('queued', 'sending')",
    )
    [(running,)] = rows(url, f"SELECT count(*) FROM {TASKS_TABLE} WHERE status = 'RUNNING'")
    missing = 0
    if overdue_ids:
        ids = ",".join(str(i) for i in overdue_ids)
        escalated = rows(
            url,
            "SELECT DISTINCT ticket_id FROM tickets_ticketevent "
            f"WHERE kind = 'escalation' AND ticket_id IN ({ids})",
        )
        missing = len(overdue_ids) - len(escalated)
    return Outstanding(int(pending), int(running), missing)


@dataclass
class Report:
    cycles: int = 0
    requests: int = 0  # logical requests
    sent: int = 0  # HTTP attempts
    acknowledged: int = 0
    applied_unacked: int = 0
    retried: int = 0
    replayed: int = 0
    rejected: int = 0
    still_pending: int = 0
    found: int = 0
    duplicates: int = 0
    lost: int = 0
    tickets: int = 0
    duplicate_numbers: int = 0
    messages: int = 0
    delivered: int = 0
    deduplicated: int = 0
    failed: int = 0
    undelivered: int = 0
    unknown_deliveries: int = 0
    overdue: int = 0
    escalations: int = 0
    duplicate_escalations: int = 0
    unescalated: int = 0
    tasks: dict[str, int] = field(default_factory=dict)
    stuck_tasks: int = 0
    tasks_requeued: int = 0  # RUNNING tasks of killed workers given back (worker log)
    sends_interrupted: int = 0  # outbox attempts whose outcome a kill made unknown
    elapsed: float = 0.0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def table(self) -> str:
        lines = [
            ("kill cycles survived", self.cycles),
            ("logical requests", self.requests),
            ("HTTP attempts sent", self.sent),
            ("acknowledged (2xx)", self.acknowledged),
            ("applied, answer lost", self.applied_unacked),
            ("retried attempts", self.retried),
            ("retries replayed by key (creates and updates)", self.replayed),
            ("rejected (4xx)", self.rejected),
            ("never answered", self.still_pending),
            ("acknowledged and found", self.found),
            ("duplicates", self.duplicates),
            ("lost", self.lost),
            ("tickets in database", self.tickets),
            ("duplicate ticket numbers", self.duplicate_numbers),
            ("outbox messages", self.messages),
            ("delivered once (by key)", self.delivered),
            ("deliveries deduplicated by key", self.deduplicated),
            ("marked failed", self.failed),
            ("pending / sent but not received", self.undelivered),
            ("deliveries of unknown keys", self.unknown_deliveries),
            ("overdue tickets", self.overdue),
            ("escalation events", self.escalations),
            ("duplicate escalations", self.duplicate_escalations),
            ("overdue but not escalated", self.unescalated),
            ("task results", " ".join(f"{k}={v}" for k, v in sorted(self.tasks.items()))),
            ("tasks stuck RUNNING", self.stuck_tasks),
            ("tasks of killed workers requeued", self.tasks_requeued),
            ("sends interrupted by a kill", self.sends_interrupted),
            ("elapsed seconds", f"{self.elapsed:.1f}"),
        ]
        width = max(len(label) for label, _ in lines)
        out = [f"{label:<{width}}  {value}" for label, value in lines]
        out.append("RESULT: " + ("OK" if self.ok else "FAILED: " + "; ".join(self.problems)))
        return "\n".join(out)


def verify(url: str, ledger: Ledger, receiver: Receiver, report: Report) -> Report:
    """Compare what the client was told (and the receiver saw) with the database."""
    _check_requests(url, ledger, report)
    _check_outbox(url, receiver, report)
    [(interrupted,)] = rows(
        url,
        "SELECT count(*) FROM notifications_deliveryattempt "
        "WHERE error = 'outcome unknown (lease expired)'",
    )
    report.sends_interrupted = int(interrupted)
    tasks = rows(url, f"SELECT status, count(*) FROM {TASKS_TABLE} GROUP BY status")
    report.tasks = {str(s): int(n) for s, n in tasks}
    report.stuck_tasks = report.tasks.get("RUNNING", 0)
    p = report.problems
    for label, value in (
        ("lost", report.lost),
        ("duplicates", report.duplicates),
        ("duplicate ticket numbers", report.duplicate_numbers),
        ("undelivered messages", report.undelivered),
        ("deliveries of unknown keys", report.unknown_deliveries),
        ("duplicate escalations", report.duplicate_escalations),
        ("overdue tickets not escalated", report.unescalated),
        ("tasks stuck RUNNING", report.stuck_tasks),
        ("requests never answered", report.still_pending),
        ("requests rejected", report.rejected),
    ):
        if value:
            p.append(f"{label}: {value}")
    return report


def _check_requests(url: str, ledger: Ledger, report: Report) -> None:
    tickets = rows(url, "SELECT id, number, title, assignee_id FROM tickets_ticket")
    keys = rows(url, "SELECT key, ticket_id FROM tickets_idempotencykey")
    events = rows(url, "SELECT ticket_id, kind, body, data FROM tickets_ticketevent")
    by_id = {int(t[0]): t for t in tickets}
    titles = Counter(str(t[2]) for t in tickets)
    key_rows = Counter(str(k) for k, _ in keys)
    key_ticket = {str(k): t for k, t in keys}
    bodies = Counter((int(e[0]), str(e[2])) for e in events if e[1] in ("reply", "status"))
    created = {int(e[0]) for e in events if e[1] == "created"}
    report.tickets = len(tickets)
    report.duplicate_numbers = sum(n - 1 for n in Counter(t[1] for t in tickets).values() if n > 1)
    report.requests = len(ledger.requests)
    report.sent, report.retried, report.replayed = ledger.sent, ledger.retried, ledger.replayed
    for req in ledger.requests:
        report.acknowledged += req.state == ACKED
        report.applied_unacked += req.state == APPLIED
        report.rejected += req.state == REJECTED
        report.still_pending += req.state == PENDING
        if req.kind == "create":
            title = f"crash {req.key}"
            report.duplicates += max(0, titles[title] - 1) + max(0, key_rows[req.key] - 1)
            if req.state != ACKED:
                continue
            ok = (
                req.ticket_id in by_id
                and key_ticket.get(req.key) == req.ticket_id
                and by_id[req.ticket_id][2] == title
                and req.ticket_id in created
            )
        else:
            ticket_id = int(req.path.split("/")[4])
            if req.marker:
                report.duplicates += max(0, bodies[(ticket_id, req.marker)] - 1)
            if req.state != ACKED:
                continue
            if req.kind == "assign":
                ok = ticket_id in by_id and by_id[ticket_id][3] == req.body["assignee_id"]
            else:
                ok = bodies[(ticket_id, req.marker)] == 1
        report.found += int(ok)
        report.lost += int(not ok)
    _check_escalations(events, ledger, report)


def _check_escalations(events: list[tuple[Any, ...]], ledger: Ledger, report: Report) -> None:
    overdue = [r.ticket_id for r in ledger.requests if r.overdue and r.ticket_id is not None]
    report.overdue = len(overdue)
    per_ticket: dict[int, Counter[str]] = {}
    for ticket_id, kind, _body, data in events:
        if kind == "escalation":
            per_ticket.setdefault(int(ticket_id), Counter())[str(_json(data).get("key"))] += 1
    report.escalations = sum(sum(c.values()) for c in per_ticket.values())
    report.duplicate_escalations = sum(
        n - 1 for c in per_ticket.values() for n in c.values() if n > 1
    )
    report.unescalated = sum(1 for t in overdue if not per_ticket.get(t))


def _check_outbox(url: str, receiver: Receiver, report: Report) -> None:
    import hashlib

    outbox = rows(url, "SELECT id, channel, status, dedupe_key FROM notifications_outboxmessage")
    report.messages = len(outbox)
    known: set[str] = set()
    with receiver.lock:
        deliveries = dict(receiver.deliveries)
    for pk, channel, status, dedupe_key in outbox:
        digest = hashlib.sha256(str(dedupe_key).encode()).hexdigest()[:16]
        # the keys kefu attaches: the robots' Idempotency-Key, the SMS OutId
        key = f"kefu.notify.{pk}.{digest}" if channel in ("wecom", "dingtalk") else f"kefu-{pk}"
        known.add(key)
        seen = deliveries.get(key, 0)
        if status == "failed":
            report.failed += 1
        elif status == "sent" and seen:
            report.delivered += 1
            report.deduplicated += seen - 1
        else:
            report.undelivered += 1
            if len(report.problems) < 5:
                report.problems.append(f"outbox {pk} ({channel}) is {status}, received {seen}x")
    report.unknown_deliveries = sum(n for k, n in deliveries.items() if k not in known)
