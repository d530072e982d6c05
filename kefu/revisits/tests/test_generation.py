"""Plans generate tasks: business days after resolution, pushed out of quiet hours,
sampled, assigned, and never twice for the same plan and ticket or period."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

import pytest
from django.db import IntegrityError, transaction

from kefu.customers.services import create_customer
from kefu.revisits.models import RevisitTask
from kefu.revisits.quiet import SHANGHAI
from kefu.revisits.services import generate_for_plan, save_plan, set_quiet_hours
from kefu.revisits.services.generation import sampled
from kefu.tickets.services.work import change_status
from kefu.tickets.tests.h9_fixtures import make_ticket

pytestmark = pytest.mark.django_db


def at(month: int, day: int, hh: int, mm: int = 0) -> datetime:
    return datetime(2026, month, day, hh, mm, tzinfo=SHANGHAI)


def resolved(rv: Any, org: Any, when: datetime, type: str = "complaint", title: str = "x") -> Any:
    t = make_ticket(rv.manager, org.shanghai, title, type=type, customer=rv.customer)
    change_status(actor=rv.manager, ticket=t, status="resolved", now=when)
    return t


def test_due_two_business_days_after_resolution(rv: Any, org: Any) -> None:
    t = resolved(rv, org, at(3, 6, 15, 30))  # Friday afternoon
    assert generate_for_plan(actor=None, plan=rv.plan, now=at(3, 12, 10)) == 1
    task = RevisitTask.objects.get()
    assert (task.ticket, task.customer, task.unit) == (t, rv.customer, org.shanghai)
    assert task.due_at == at(3, 10, 15, 30)  # Tuesday, same time of day
    assert task.status == "open"
    assert task.key == f"t{t.pk}"


def test_holidays_skipped_and_makeup_workday_counted(rv: Any, org: Any) -> None:
    resolved(rv, org, at(4, 30, 10), title="before May Day")  # 1–5 May off
    resolved(rv, org, at(5, 8, 10), title="before make-up Saturday")  # Sat 9 May works
    generate_for_plan(actor=None, plan=rv.plan, now=at(5, 20, 10))
    dues = sorted(RevisitTask.objects.values_list("due_at", flat=True))
    assert dues == [at(5, 7, 10), at(5, 11, 10)]


def test_due_pushed_out_of_lunch_and_evening(rv: Any, org: Any) -> None:
    resolved(rv, org, at(3, 2, 12, 30), title="lunch")
    resolved(rv, org, at(3, 2, 21, 15), title="evening")
    generate_for_plan(actor=None, plan=rv.plan, now=at(3, 10, 10))
    dues = sorted(RevisitTask.objects.values_list("due_at", flat=True))
    assert dues == [at(3, 4, 14), at(3, 5, 9)]


def test_unit_quiet_hours_across_midnight(rv: Any, org: Any) -> None:
    set_quiet_hours(actor=rv.manager, unit=org.east, windows=[["19:00", "10:00"]])
    resolved(rv, org, at(3, 2, 18, 30), title="late")
    resolved(rv, org, at(3, 2, 9, 30), title="early")
    generate_for_plan(actor=None, plan=rv.plan, now=at(3, 10, 10))
    dues = sorted(RevisitTask.objects.values_list("due_at", flat=True))
    assert dues == [at(3, 4, 10), at(3, 4, 18, 30)]


def test_generation_is_idempotent_and_not_yet_due_waits(rv: Any, org: Any) -> None:
    resolved(rv, org, at(3, 2, 10), title="a")
    resolved(rv, org, at(3, 9, 10), title="b")  # due 11 March: too early on the 5th
    assert generate_for_plan(actor=None, plan=rv.plan, now=at(3, 5, 10)) == 1
    assert generate_for_plan(actor=None, plan=rv.plan, now=at(3, 5, 10, 15)) == 0
    assert generate_for_plan(actor=None, plan=rv.plan, now=at(3, 11, 10)) == 1
    assert generate_for_plan(actor=None, plan=rv.plan, now=at(3, 11, 10, 15)) == 0
    assert RevisitTask.objects.count() == 2


def test_database_refuses_a_second_task_for_the_same_ticket(rv: Any, org: Any) -> None:
    resolved(rv, org, at(3, 2, 10))
    generate_for_plan(actor=None, plan=rv.plan, now=at(3, 10, 10))
    task = RevisitTask.objects.get()
    with pytest.raises(IntegrityError), transaction.atomic():
        RevisitTask.objects.create(
            plan=rv.plan,
            key="other",
            customer=task.customer,
            ticket=task.ticket,
            unit=task.unit,
            due_at=task.due_at,
        )


def test_complaints_always_other_types_by_sampling(rv: Any, org: Any) -> None:
    rv.plan.params = {"business_days": 1, "ticket_types": ["repair"], "sampling_rate": 0.0}
    rv.plan.save()
    c = resolved(rv, org, at(3, 2, 10), type="complaint", title="complaint")
    resolved(rv, org, at(3, 2, 10), type="repair", title="repair")
    resolved(rv, org, at(3, 2, 10), type="enquiry", title="not in the plan")
    generate_for_plan(actor=None, plan=rv.plan, now=at(3, 10, 10))
    assert list(RevisitTask.objects.values_list("ticket", flat=True)) == [c.pk]


def test_sampling_is_stable_and_near_the_rate() -> None:
    picks = [sampled(0.3, 7, n) for n in range(2000)]
    assert picks == [sampled(0.3, 7, n) for n in range(2000)]
    assert 500 < sum(picks) < 700


def test_least_open_assignment_balances_the_pool(rv: Any, org: Any) -> None:
    for i in range(4):
        resolved(rv, org, at(3, 2, 10), title=f"t{i}")
    generate_for_plan(actor=None, plan=rv.plan, now=at(3, 10, 10))
    counts = sorted(
        RevisitTask.objects.values_list("assignee__username", flat=True).order_by("assignee")
    )
    assert counts == ["agent", "agent", "other", "other"]


def test_round_robin_continues_between_runs(rv: Any, org: Any) -> None:
    save_plan(actor=rv.manager, plan=rv.plan, fields={"strategy": "round_robin"})
    resolved(rv, org, at(3, 2, 10), title="a")
    generate_for_plan(actor=None, plan=rv.plan, now=at(3, 10, 10))
    resolved(rv, org, at(3, 3, 10), title="b")
    generate_for_plan(actor=None, plan=rv.plan, now=at(3, 10, 11))
    got = list(RevisitTask.objects.order_by("pk").values_list("assignee__username", flat=True))
    assert got == ["agent", "other"]


def test_key_accounts_twice_a_month(rv: Any, org: Any) -> None:
    key = create_customer(actor=rv.manager, unit=org.shanghai, name="大客户", is_key_account=True)
    create_customer(actor=rv.manager, unit=org.guangzhou, name="南区大客户", is_key_account=True)
    plan = save_plan(
        actor=rv.manager,
        fields={"name": "大客户", "kind": "key_accounts", "script": rv.script, "unit": org.east},
        pool=[rv.agent],
    )
    assert generate_for_plan(actor=None, plan=plan, now=at(3, 2, 22)) == 1
    assert generate_for_plan(actor=None, plan=plan, now=at(3, 15, 10)) == 0
    assert generate_for_plan(actor=None, plan=plan, now=at(3, 16, 8)) == 1
    tasks = list(RevisitTask.objects.order_by("due_at").values_list("key", "due_at"))
    assert tasks == [(f"c{key.pk}:2026-03-1", at(3, 3, 9)), (f"c{key.pk}:2026-03-2", at(3, 16, 9))]


def test_random_sample_drawn_once_a_month(rv: Any, org: Any) -> None:
    for i in range(5):
        create_customer(actor=rv.manager, unit=org.shanghai, name=f"客户{i}")
    plan = save_plan(
        actor=rv.manager,
        fields={
            "name": "抽样",
            "kind": "random_sample",
            "params": {"sample_size": 3},
            "script": rv.script,
            "unit": org.east,
        },
        pool=[rv.agent],
    )
    assert generate_for_plan(actor=None, plan=plan, now=at(3, 2, 10)) == 3
    assert generate_for_plan(actor=None, plan=plan, now=at(3, 20, 10)) == 0
    assert generate_for_plan(actor=None, plan=plan, now=at(4, 1, 10)) == 3


def test_campaign_only_between_its_dates(rv: Any, org: Any) -> None:
    plan = save_plan(
        actor=rv.manager,
        fields={
            "name": "国庆回访",
            "kind": "campaign",
            "params": {"start": "2026-03-10", "end": "2026-03-12"},
            "script": rv.script,
            "unit": org.east,
        },
    )
    assert generate_for_plan(actor=None, plan=plan, now=at(3, 9, 10)) == 0
    assert generate_for_plan(actor=None, plan=plan, now=at(3, 10, 10)) == 1
    assert generate_for_plan(actor=None, plan=plan, now=at(3, 11, 10)) == 0
    assert RevisitTask.objects.get().assignee is None


def test_inactive_plan_generates_nothing(rv: Any, org: Any) -> None:
    save_plan(actor=rv.manager, plan=rv.plan, fields={"is_active": False})
    resolved(rv, org, at(3, 2, 10))
    assert generate_for_plan(actor=None, plan=rv.plan, now=at(3, 10, 10)) == 0


def test_pool_members_who_cannot_work_in_the_unit_are_skipped(
    rv: Any, org: Any, make_user: Any
) -> None:
    south = make_user("agent", org.south, username="south")
    save_plan(actor=rv.manager, plan=rv.plan, fields={"unit": org.hq}, pool=[south, rv.agent])
    resolved(rv, org, at(3, 2, 10), title="east")
    generate_for_plan(actor=None, plan=rv.plan, now=at(3, 10, 10))
    assert RevisitTask.objects.get().assignee == rv.agent
    save_plan(actor=rv.manager, plan=rv.plan, fields={}, pool=[south])
    resolved(rv, org, at(3, 3, 10), title="east again")
    generate_for_plan(actor=None, plan=rv.plan, now=at(3, 10, 10))
    assert RevisitTask.objects.filter(assignee__isnull=True).count() == 1


def test_lapsed_members_once_a_quarter(rv: Any, org: Any) -> None:
    from kefu.members.models import Member

    def member(name: str, card: str, **kw: Any) -> Any:
        c = create_customer(actor=rv.manager, unit=org.shanghai, name=name)
        return Member.objects.create(
            customer=c,
            unit=org.shanghai,
            card_number=card,
            name=name,
            phone="13800000000",
            registered_on=date(2025, 1, 1),
            status="filed",
            **kw,
        )

    expired = member("过期", "C1", expires_on=date(2026, 1, 1))
    quiet = member("不活跃", "C2", expires_on=date(2027, 1, 1))
    active = member("常客", "C3", expires_on=date(2027, 1, 1))
    active.purchases.create(unit=org.shanghai, purchased_at=at(2, 20, 10), amount=Decimal(10))
    plan = save_plan(
        actor=rv.manager,
        fields={
            "name": "沉睡会员",
            "kind": "lapsed_members",
            "params": {"lapsed_months": 6},
            "script": rv.script,
            "unit": org.east,
        },
    )
    assert generate_for_plan(actor=None, plan=plan, now=at(3, 2, 10)) == 2
    assert generate_for_plan(actor=None, plan=plan, now=at(3, 30, 10)) == 0
    got = set(RevisitTask.objects.values_list("customer_id", flat=True))
    assert got == {expired.customer_id, quiet.customer_id}


def test_periodic_job_every_15_minutes_generates_all_active_plans(rv: Any, org: Any) -> None:
    from datetime import timedelta

    from kefu.core.schedule import periodic_jobs
    from kefu.revisits.services import generate_all

    job = {j.name: j for j in periodic_jobs()}["revisits.generate"]
    assert job.every == timedelta(minutes=15)
    resolved(rv, org, at(3, 2, 10))
    assert generate_all(now=at(3, 10, 10)) == 1
    assert generate_all(now=at(3, 10, 10, 15)) == 0
