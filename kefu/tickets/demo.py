"""`kefu demo` step for service requests: customers, categories, queues, routing rules, SLA
policies (when none exist), macros, and about three months of tickets with their timelines
and complaints in every stage of the closed loop (archived ones in the case library).

Everything is written with bulk inserts (the same rows the services write: paths, events,
audit rows, per-day ticket counters), so scale 1 takes a second or two and large scales
stay linear. Deterministic for (seed, scale) and the day it runs: times are laid out
backwards from today's local midnight.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time
from typing import Any

from django.utils import timezone

from kefu.core.demo.company import BATCH, AuditBatch, DemoCompany
from kefu.core.demo.registry import DemoContext, register_demo_step
from kefu.core.models import Department, DepartmentMembership, OrgUnit, User
from kefu.customers.choices import CustomerKind, Grade
from kefu.customers.models import Customer, CustomerPhone
from kefu.customers.names import name_key
from kefu.customers.services import normalize_phone
from kefu.sla.models import SlaPolicy
from kefu.tickets.demo_data import CATEGORIES, MACROS, QUEUES, ROUTING_RULES
from kefu.tickets.models import Category, Macro, Queue, RoutingRule

PERSONS_PER_SCALE = 150
COMPANIES_PER_SCALE = 12
TICKETS_PER_SCALE = 600
DAYS = 90
COMPANY_SUFFIXES = ["贸易有限公司", "科技有限公司", "物流有限公司", "商贸有限公司", "实业有限公司"]


@dataclass
class Setup:
    """What the ticket generator builds on."""

    company: DemoCompany
    anchor: datetime  # today's local midnight; tickets lie in the DAYS before it
    customers: list[Customer]
    phones: dict[int, str]  # customer id → primary phone
    categories: dict[str, Category]
    category_department: dict[str, Department]
    queues: dict[tuple[int, str], Queue]  # (department id, name)
    rules: dict[str, RoutingRule]  # by category code
    policies: list[SlaPolicy]
    members: dict[int, list[User]]  # department id → members
    audit: AuditBatch


def anchor_for(now: datetime | None = None) -> datetime:
    today = timezone.localdate(now)
    return timezone.make_aware(datetime.combine(today, time.min))


@register_demo_step("tickets", order=200)
def tickets(ctx: DemoContext) -> dict[str, int]:
    from kefu.tickets.demo_tickets import write_tickets

    company = ctx.require_company()
    audit = AuditBatch(ctx.actor)
    customers, phones = _customers(ctx, company, audit)
    categories, category_department = _categories(company, audit)
    queues = _queues(company, audit)
    setup = Setup(
        company=company,
        anchor=anchor_for(),
        customers=customers,
        phones=phones,
        categories=categories,
        category_department=category_department,
        queues=queues,
        rules=_rules(company, categories, queues, audit),
        policies=_policies(audit),
        members=_members(company),
        audit=audit,
    )
    _macros(company, audit)
    counts = write_tickets(ctx, setup)
    audit.save()
    return {"customers": len(customers), **counts}


def _customers(
    ctx: DemoContext, company: DemoCompany, audit: AuditBatch
) -> tuple[list[Customer], dict[int, str]]:
    fake, rng = ctx.faker("customers"), ctx.rng("customers")
    units: list[OrgUnit] = company.leaves or [company.hq]
    key_agents = company.staff.get("key_account_agent") or []
    key_agent = key_agents[0] if key_agents else None
    rows: list[Customer] = []
    numbers: list[str] = []
    for i in range(COMPANIES_PER_SCALE * ctx.scale):
        city = fake.city_name()
        name = f"{city}{fake.company_prefix()}{COMPANY_SUFFIXES[i % len(COMPANY_SUFFIXES)]}"
        grade = rng.choice([Grade.A, Grade.A, Grade.B, Grade.B, Grade.C])
        rows.append(
            Customer(
                unit=rng.choice(company.regions or units),
                kind=CustomerKind.COMPANY,
                name=f"{name}{'' if i < 40 else i}",
                grade=grade,
                is_key_account=grade == Grade.A,
                account_manager=key_agent if grade == Grade.A else None,
                email=f"service{i + 1}@example.com",
                address=fake.address()[:300],
            )
        )
        numbers.append(f"0{rng.randint(10, 999)}{rng.randint(5000_0000, 8999_9999)}")
    for _ in range(PERSONS_PER_SCALE * ctx.scale):
        rows.append(
            Customer(
                unit=rng.choice(units),
                kind=CustomerKind.PERSON,
                name=fake.name(),
                grade=rng.choice([Grade.B, Grade.C, Grade.C, Grade.C, Grade.D]),
                email=fake.free_email() if rng.random() < 0.4 else "",
                address=fake.address()[:300] if rng.random() < 0.5 else "",
            )
        )
        numbers.append(normalize_phone(fake.phone_number()))
    for c in rows:
        c.name_key = name_key(c.name, c.kind)
    Customer.objects.bulk_create(rows, batch_size=BATCH)
    CustomerPhone.objects.bulk_create(
        [
            CustomerPhone(customer=c, number=n, is_primary=True)
            for c, n in zip(rows, numbers, strict=True)
        ],
        batch_size=BATCH,
    )
    for c in rows:
        changes = {"name": c.name, "kind": c.kind, "phones": 1}
        audit.add("customer.create", c, unit=c.unit, changes=changes)
    return rows, {c.pk: n for c, n in zip(rows, numbers, strict=True)}


def _categories(
    company: DemoCompany, audit: AuditBatch
) -> tuple[dict[str, Category], dict[str, Department]]:
    out: dict[str, Category] = {}
    for level in (None, "child"):
        rows = [
            Category(code=code, name=name, parent=out[parent] if parent else None)
            for code, name, parent, _dept in CATEGORIES
            if (parent is None) == (level is None)
        ]
        Category.objects.bulk_create(rows)
        for row in rows:
            row.path = f"{row.parent.path if row.parent else '/'}{row.pk}/"
            out[row.code] = row
        Category.objects.bulk_update(rows, ["path"])
    for row in out.values():
        audit.add("category.create", row, changes={"code": row.code, "name": row.name})
    depts = company.departments
    return out, {code: depts[dept] for code, _n, _p, dept in CATEGORIES if dept in depts}


def _queues(company: DemoCompany, audit: AuditBatch) -> dict[tuple[int, str], Queue]:
    rows = [Queue(department=d, name="默认队列") for d in company.departments.values()]
    rows += [
        Queue(department=company.departments[code], name=name)
        for code, name in QUEUES
        if code in company.departments
    ]
    Queue.objects.bulk_create(rows, batch_size=BATCH)
    for q in rows:
        audit.add("queue.create", q, unit=q.department.unit, changes={"name": q.name})
    return {(q.department_id, q.name): q for q in rows}


def _rules(
    company: DemoCompany,
    categories: dict[str, Category],
    queues: dict[tuple[int, str], Queue],
    audit: AuditBatch,
) -> dict[str, RoutingRule]:
    by_category: dict[str, RoutingRule] = {}
    for name, order, keywords, cats, types, dept_code, queue, priority in ROUTING_RULES:
        dept = company.departments[dept_code]
        rule = RoutingRule.objects.create(
            name=name,
            order=order,
            keywords=keywords,
            types=types,
            department=dept,
            queue=queues.get((dept.pk, queue)),
            priority=priority,
        )
        rule.categories.set([categories[c] for c in cats])
        audit.add("routing_rule.create", rule, changes={"name": name, "order": order})
        for code in cats:
            by_category[code] = rule
        if types:
            by_category[f"type:{types[0]}"] = rule
    return by_category


def _policies(audit: AuditBatch) -> list[SlaPolicy]:
    if not SlaPolicy.objects.exists():
        rows = [
            SlaPolicy(
                name="投诉：首次响应 24 小时，处理 48 小时（工作时间）",
                order=10,
                ticket_type="complaint",
                first_response_minutes=24 * 60,
                next_response_minutes=24 * 60,
                resolution_minutes=48 * 60,
            ),
            SlaPolicy(
                name="邮件：24 小时内答复（工作时间）",
                order=20,
                channel="email",
                first_response_minutes=24 * 60,
                next_response_minutes=24 * 60,
            ),
            SlaPolicy(name="其他工单：首次响应 24 小时（工作时间）", order=1000,
                      first_response_minutes=24 * 60),
        ]  # fmt: skip
        SlaPolicy.objects.bulk_create(rows)
        for p in rows:
            audit.add("sla_policy.create", p, changes={"name": p.name})
    return list(SlaPolicy.objects.filter(is_active=True).order_by("order", "pk"))


def _members(company: DemoCompany) -> dict[int, list[User]]:
    out: dict[int, list[User]] = {}
    rows = (
        DepartmentMembership.objects.filter(department__in=list(company.departments.values()))
        .select_related("user")
        .order_by("department_id", "user_id")
    )
    for m in rows:
        out.setdefault(m.department_id, []).append(m.user)
    return out


def _macros(company: DemoCompany, audit: AuditBatch) -> None:
    rows = [Macro(name=name, body=body) for name, body in MACROS]
    Macro.objects.bulk_create(rows)
    for m in rows:
        audit.add("macro.create", m, changes={"name": m.name})


def pick(rng: Any, weighted: list[tuple[str, int]]) -> str:
    return str(rng.choices([k for k, _w in weighted], weights=[w for _k, w in weighted])[0])


__all__ = ["DAYS", "TICKETS_PER_SCALE", "Setup", "anchor_for", "pick", "tickets"]
