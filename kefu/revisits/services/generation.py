"""Generation: each active plan turns its rule into revisit tasks. Idempotent — a task's
`key` (ticket, or customer + period) is unique within its plan, and sampling decisions are
a hash of the plan and the ticket or period, so a rerun makes the same choices."""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Max, Q, QuerySet
from django.utils import timezone

from kefu.core.models import OrgUnit, User
from kefu.core.services.audit import record_audit
from kefu.customers.models import Customer
from kefu.revisits.choices import PlanKind
from kefu.revisits.models import RevisitPlan, RevisitTask
from kefu.revisits.services.assignment import Assigner
from kefu.revisits.services.timing import business_days_after, callable_at, quiet_windows
from kefu.tickets.choices import Status, TicketType
from kefu.tickets.models import Ticket

LOOKBACK_DAYS = 60  # resolved tickets older than this are not revisited any more


@dataclass(frozen=True)
class Candidate:
    key: str
    customer_id: int
    unit_id: int
    due: datetime
    ticket_id: int | None = None


def sampled(rate: float, *parts: object) -> bool:
    """A stable yes/no with probability `rate` for the given parts (plan id, ticket id)."""
    if rate >= 1:
        return True
    if rate <= 0:
        return False
    digest = hashlib.sha256(":".join(map(str, parts)).encode()).digest()
    return int.from_bytes(digest[:4], "big") / 2**32 < rate


def _customers(plan: RevisitPlan) -> QuerySet[Customer]:
    return Customer.objects.filter(unit__path__startswith=plan.unit.path)


def _after_resolution(plan: RevisitPlan, now: datetime) -> list[Candidate]:
    p = plan.params
    days = int(p.get("business_days", 2))
    types = list(p.get("ticket_types") or [t for t in TicketType.values if t != "complaint"])
    rate = float(p.get("sampling_rate", 1.0))
    tickets = (
        Ticket.objects.filter(
            unit__path__startswith=plan.unit.path,
            status__in=(Status.RESOLVED, Status.CLOSED),
            resolved_at__gte=now - timedelta(days=LOOKBACK_DAYS),
            customer__isnull=False,
        )
        .filter(Q(type=TicketType.COMPLAINT) | Q(type__in=types))
        .exclude(revisit_tasks__plan=plan)
        .only("pk", "type", "unit_id", "customer_id", "resolved_at")
        .select_related("unit")
    )
    out = []
    for t in tickets:
        assert t.resolved_at is not None
        assert t.customer_id is not None
        if t.type != TicketType.COMPLAINT and not sampled(rate, plan.pk, t.pk):
            continue
        due = business_days_after(t.resolved_at, days, t.unit)
        if due > now + timedelta(days=1):
            continue  # generated the day before it falls due, so queues stay short
        out.append(Candidate(f"t{t.pk}", t.customer_id, t.unit_id, due, t.pk))
    return out


def _half_month(day: date) -> tuple[str, date]:
    half = 1 if day.day <= 15 else 2
    return f"{day:%Y-%m}-{half}", day.replace(day=1 if half == 1 else 16)


def _key_accounts(plan: RevisitPlan, now: datetime) -> list[Candidate]:
    period, start = _half_month(timezone.localdate(now))
    grades = list(plan.params.get("grades") or [])
    qs = _customers(plan).filter(Q(is_key_account=True) | Q(kind="company", grade__in=grades))
    due = max(now, _local_start(start))
    return [Candidate(f"c{c}:{period}", c, u, due) for c, u in qs.values_list("pk", "unit_id")]


def _local_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, datetime.min.time()))


def _random_sample(plan: RevisitPlan, now: datetime) -> list[Candidate]:
    period = f"{timezone.localdate(now):%Y-%m}"
    if plan.tasks.filter(key__endswith=f":{period}").exists():
        return []  # this month's sample is drawn already
    size = int(plan.params.get("sample_size", 20))
    rows = sorted(_customers(plan).values_list("pk", "unit_id"))
    chosen = random.Random(f"{plan.pk}:{period}").sample(rows, min(size, len(rows)))
    return [Candidate(f"c{c}:{period}", c, u, now) for c, u in chosen]


def _lapsed_members(plan: RevisitPlan, now: datetime) -> list[Candidate]:
    from kefu.members.choices import MemberStatus
    from kefu.members.models import Member

    months = int(plan.params.get("lapsed_months", 6))
    today = timezone.localdate(now)
    cutoff = now - timedelta(days=30 * months)
    quarter = f"{today.year}-Q{(today.month - 1) // 3 + 1}"
    qs = (
        Member.objects.filter(unit__path__startswith=plan.unit.path, status=MemberStatus.FILED)
        .annotate(last=Max("purchases__purchased_at"))
        .filter(
            Q(expires_on__lt=today)
            | Q(last__lt=cutoff)
            | Q(last__isnull=True, registered_on__lt=cutoff.date())
        )
        .values_list("customer_id", "customer__unit_id")
        .distinct()
    )
    return [Candidate(f"c{c}:lapsed:{quarter}", c, u, now) for c, u in qs]


def _campaign(plan: RevisitPlan, now: datetime) -> list[Candidate]:
    p = plan.params
    today = timezone.localdate(now)
    try:
        start = date.fromisoformat(str(p.get("start")))
        end = date.fromisoformat(str(p.get("end")))
    except ValueError:
        return []
    if not start <= today <= end:
        return []
    qs = _customers(plan)
    if p.get("key_accounts_only"):
        qs = qs.filter(is_key_account=True)
    rows = list(qs.values_list("pk", "unit_id"))
    rate = float(p.get("sampling_rate", 1.0))
    due = max(now, _local_start(start))
    return [Candidate(f"c{c}:campaign", c, u, due) for c, u in rows if sampled(rate, plan.pk, c)]


RULES = {
    PlanKind.AFTER_RESOLUTION: _after_resolution,
    PlanKind.KEY_ACCOUNTS: _key_accounts,
    PlanKind.RANDOM_SAMPLE: _random_sample,
    PlanKind.LAPSED_MEMBERS: _lapsed_members,
    PlanKind.CAMPAIGN: _campaign,
}


def generate_for_plan(*, actor: User | None, plan: RevisitPlan, now: datetime | None = None) -> int:
    """Create the plan's missing tasks; returns how many were created."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = RevisitPlan.objects.select_for_update().select_related("unit").get(pk=plan.pk)
        if not locked.is_active:
            return 0
        candidates = RULES[PlanKind(locked.kind)](locked, now)
        existing = set(
            locked.tasks.filter(key__in=[c.key for c in candidates]).values_list("key", flat=True)
        )
        fresh = [c for c in candidates if c.key not in existing]
        windows: dict[int, Any] = {}
        units = OrgUnit.objects.in_bulk({c.unit_id for c in fresh})
        assigner = Assigner(locked)
        tasks = []
        for c in fresh:
            if c.unit_id not in windows:
                windows[c.unit_id] = quiet_windows(units[c.unit_id])
            tasks.append(
                RevisitTask(
                    plan=locked,
                    key=c.key,
                    customer_id=c.customer_id,
                    ticket_id=c.ticket_id,
                    unit_id=c.unit_id,
                    due_at=callable_at(c.due, windows[c.unit_id]),
                    assignee=assigner.next(units[c.unit_id]),
                )
            )
        RevisitTask.objects.bulk_create(tasks)
        assigner.save()
        locked.last_generated_at = now
        locked.save(update_fields=["last_generated_at", "rr_cursor", "updated_at"])
        if tasks:
            record_audit(
                actor=actor,
                action="revisits.generate",
                obj=locked,
                unit=locked.unit,
                changes={"created": len(tasks)},
            )
    return len(tasks)


def generate_all(*, now: datetime | None = None) -> int:
    """Every active plan (the periodic job)."""
    total = 0
    for plan in RevisitPlan.objects.filter(is_active=True).order_by("pk"):
        total += generate_for_plan(actor=None, plan=plan, now=now)
    return total
