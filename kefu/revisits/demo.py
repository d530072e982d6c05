"""Demo revisits: two scripts, a plan of every kind, tasks in every state (made through
the services, so the call log, answers and follow-up tickets are real)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from kefu.core.demo.registry import DemoContext, register_demo_step
from kefu.core.models import User
from kefu.revisits.models import RevisitTask, Script
from kefu.revisits.services import (
    cancel_task,
    complete_task,
    generate_for_plan,
    record_attempt,
    save_plan,
    save_script,
)

MAX_WORKED = 40  # tasks moved along by hand, whatever the scale

AFTER_SERVICE_QUESTIONS: list[dict[str, Any]] = [
    {
        "kind": "rating",
        "text": "您对这次处理结果满意吗？请打 1 到 5 分。",
        "satisfied_followup": "谢谢您的肯定！",
        "unsatisfied_followup": "非常抱歉，请问主要是哪方面让您不满意？",
    },
    {
        "kind": "rating",
        "text": "您对客服人员的服务态度打几分？",
        "unsatisfied_followup": "我们会对相关人员进行培训。",
    },
    {
        "kind": "choice",
        "text": "您反映的问题现在解决了吗？",
        "choices": ["已解决", "部分解决", "未解决"],
        "choice_branches": {"部分解决": "average", "未解决": "unsatisfied"},
    },
    {"kind": "text", "text": "您对我们还有什么意见或建议？", "required": False},
]


def _scripts(actor: User) -> tuple[Script, Script]:
    after = save_script(
        actor=actor,
        fields={
            "name": "售后服务回访",
            "purpose": "after_service",
            "opening": (
                "您好，我是客服中心回访专员，您前几天反映的问题已经处理，"
                "耽误您一分钟做个回访可以吗？"
            ),
            "satisfied_text": "感谢您的认可，有任何需要欢迎随时拨打我们的服务热线。",
            "average_text": "感谢您的反馈，我们会继续改进。",
            "unsatisfied_text": "非常抱歉给您带来不便，我马上为您登记，专人会在 24 小时内联系您。",
            "closing": "感谢您的接听，祝您生活愉快，再见！",
        },
        questions=AFTER_SERVICE_QUESTIONS,
    )
    care = save_script(
        actor=actor,
        fields={
            "name": "大客户关怀回访",
            "purpose": "care",
            "opening": "您好，我是您的专属客服，例行回访一下近期的合作情况。",
            "satisfied_text": "感谢一直以来的支持！",
            "average_text": "您的意见我们会转给业务部门。",
            "unsatisfied_text": "非常抱歉，我这边立刻登记，由客户经理跟进。",
            "closing": "感谢您的时间，再见！",
        },
        questions=AFTER_SERVICE_QUESTIONS[:1] + AFTER_SERVICE_QUESTIONS[3:],
    )
    return after, care


def _plans(ctx: DemoContext, actor: User, after: Script, care: Script) -> list[Any]:
    company = ctx.require_company()
    today = timezone.localdate()
    pool = (company.staff.get("agent") or [])[:6] + (company.staff.get("supervisor") or [])[:1]
    specs: list[tuple[str, str, dict[str, Any], Script]] = [
        (
            "投诉及售后回访",
            "after_resolution",
            {"business_days": 2, "ticket_types": ["repair", "after_sales"], "sampling_rate": 1.0},
            after,
        ),
        ("大客户月度关怀", "key_accounts", {"grades": ["A"]}, care),
        ("客户满意度抽样", "random_sample", {"sample_size": 10}, after),
        ("沉睡会员唤醒", "lapsed_members", {"lapsed_months": 6}, care),
        (
            "节日促销回访",
            "campaign",
            {"start": str(today - timedelta(days=3)), "end": str(today + timedelta(days=10))},
            care,
        ),
    ]
    return [
        save_plan(
            actor=actor,
            fields={
                "name": name,
                "kind": kind,
                "params": params,
                "script": script,
                "unit": company.hq,
            },
            pool=pool,
        )
        for name, kind, params, script in specs
    ]


def _work(ctx: DemoContext, actor: User) -> None:
    """Move some tasks along: retries, unreachable, in progress, done in each branch."""
    tasks = list(RevisitTask.objects.select_related("plan__script").order_by("pk")[:MAX_WORKED])
    rng = ctx.rng("revisits")
    now = timezone.now()
    for i, task in enumerate(tasks):
        agent = task.assignee or actor
        step = i % 8
        if step == 0:
            record_attempt(actor=agent, task=task, outcome="no_answer", now=now)
        elif step == 1:
            for _ in range(task.plan.max_attempts):
                record_attempt(actor=agent, task=task, outcome="busy", now=now)
        elif step == 2:
            record_attempt(actor=agent, task=task, outcome="reached", now=now)
        elif step in (3, 4, 5):
            _complete(agent, task, {3: "5", 4: "3", 5: "2"}[step], rng)
        elif step == 6:
            record_attempt(actor=agent, task=task, outcome="wrong_number", now=now)
        elif i % 16 == 7:
            cancel_task(actor=actor, task=task, reason="客户已注销")


def _complete(agent: User, task: RevisitTask, score: str, rng: Any) -> None:
    answers: dict[str, Any] = {}
    for q in task.plan.script.questions.all():
        if q.kind == "rating":
            answers[str(q.pk)] = score
        elif q.kind == "choice":
            answers[str(q.pk)] = {"5": "已解决", "3": "部分解决", "2": "未解决"}[score]
    notes = rng.choice(["", "客户表示满意", "希望加快上门速度", "对送货时间不满意"])
    complete_task(actor=agent, task=task, answers=answers, notes=notes)


@register_demo_step("revisits", order=300)
def revisits(ctx: DemoContext) -> dict[str, int]:
    actor = ctx.actor
    if actor is None:
        return {}
    after, care = _scripts(actor)
    plans = _plans(ctx, actor, after, care)
    created = sum(generate_for_plan(actor=actor, plan=p) for p in plans)
    _work(ctx, actor)
    return {"revisit plans": len(plans), "revisit tasks": created}
