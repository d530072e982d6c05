"""Demo complaints: the closed-loop steps a complaint has taken to reach a given stage, as the
complaint service would have written them (fields, remedies, COMPLAINT events)."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from kefu.core.models import User
from kefu.tickets.choices import ComplaintStage, RemedyStatus
from kefu.tickets.demo_data import CAUSE_DEPARTMENT, CAUSES, REMEDIES, ROOT_CAUSES
from kefu.tickets.models import Complaint, Remedy
from kefu.tickets.services.complaint_rules import CAUSE_ACCOUNTABLE

S = ComplaintStage
OPEN_STAGES = [
    S.REGISTER, S.JUDGE, S.INVESTIGATE, S.PROPOSE, S.APPROVE, S.IMPLEMENT, S.CONFIRM,
    S.REVISIT, S.SUMMARISE,
]  # fmt: skip


@dataclass
class Step:
    action: str
    frm: str
    to: str
    actor: User
    body: str = ""
    data: dict[str, Any] = field(default_factory=dict)
    at: datetime | None = None


@dataclass
class DemoComplaint:
    complaint: Complaint
    remedies: list[Remedy]
    steps: list[Step]


def _remedy(rng: random.Random, complaint: Complaint, by: User) -> Remedy:
    kind, text, cost = rng.choice(REMEDIES)
    return Remedy(
        complaint=complaint,
        kind=kind,
        description=text,
        cost=Decimal(cost),
        status=RemedyStatus.PROPOSED,
        proposed_by=by,
    )


def build_complaint(
    rng: random.Random,
    *,
    complaint: Complaint,
    category: str,
    target: str,
    valid: bool,
    handler: User,
    approver: User,
    departments: dict[str, Any],
    rejected_once: bool = False,
) -> DemoComplaint:
    """The steps from 受理 until `target` (ARCHIVED: the whole loop)."""
    c, out = complaint, DemoComplaint(complaint, [], [])

    def step(action: str, to: str, actor: User = handler, body: str = "", **data: Any) -> bool:
        out.steps.append(Step(action, c.stage, to, actor, body, data))
        c.stage = to
        return c.stage == target

    c.demand = rng.choice(["换货", "退款", "赔偿损失", "道歉并说明原因", "尽快送达"])
    if target == S.REGISTER:
        return out
    if step("register", S.JUDGE, body=c.demand, demand=c.demand):
        return out
    c.is_valid = valid
    if not valid:
        c.judgement_note = "经核实，问题不属实，客户要求不合理"
        c.tactful_reply = "非常理解您的心情，经核实商品出库时完好，我们会继续关注您的使用情况。"
        if step("judge", S.REVISIT, body=c.tactful_reply, valid=False, note=c.judgement_note,
                tactful_reply=c.tactful_reply):  # fmt: skip
            return out
    else:
        c.judgement_note = "情况属实，客户要求合理"
        if step("judge", S.INVESTIGATE, body=c.judgement_note, valid=True,
                note=c.judgement_note):  # fmt: skip
            return out
        if _investigate_to_confirm(rng, c, out, step, category, handler, approver, departments):
            return out
        if rejected_once:
            approved = [r for r in out.remedies if r.status == RemedyStatus.APPROVED]
            for r in approved:
                r.status = RemedyStatus.REJECTED
            c.customer_accepted = False
            step("customer_rejects", S.PROPOSE, body="客户不接受方案", note="客户不接受方案",
                 remedy_ids=[])  # fmt: skip
            _propose_to_confirm(rng, c, out, step, handler, approver)
        c.customer_accepted = True
        if step("customer_accepts", S.REVISIT, body="客户接受处理结果", note="客户接受处理结果"):
            return out
    c.satisfaction = rng.choice([3, 4, 4, 5, 5, 5]) if valid else rng.choice([2, 3, 3, 4])
    c.revisit_note = "电话回访，客户表示" + ("满意" if c.satisfaction >= 4 else "基本接受")
    if step("record_revisit", S.SUMMARISE, body=c.revisit_note, satisfaction=c.satisfaction,
            note=c.revisit_note):  # fmt: skip
        return out
    c.summary = f"{c.root_cause or '投诉不成立'}；已向客户反馈并回访。"
    c.evaluation = rng.choice(["处理及时，客户满意", "响应偏慢，需改进", "流程规范"])
    c.in_case_library = rng.random() < 0.35
    step("summarise", S.ARCHIVED, body=c.summary, in_case_library=c.in_case_library)
    return out


def _investigate_to_confirm(
    rng: random.Random,
    c: Complaint,
    out: DemoComplaint,
    step: Any,
    category: str,
    handler: User,
    approver: User,
    departments: dict[str, Any],
) -> bool:
    cause = CAUSES.get(category, "other")
    dept = departments.get(CAUSE_DEPARTMENT[cause]) or departments.get("D-CS")
    c.responsible_department = dept
    c.responsible_person = rng.choice(["张主管", "李经理", "王组长", "赵师傅", "陈专员"])
    c.root_cause, c.cause_category = ROOT_CAUSES[cause], cause
    if step("investigate", S.PROPOSE, body=c.root_cause,
            responsible_department_id=dept.pk if dept else None,
            responsible_person=c.responsible_person, cause_category=cause,
            accountable=CAUSE_ACCOUNTABLE[cause], root_cause=c.root_cause):  # fmt: skip
        out.remedies.append(_remedy(rng, c, handler))
        out.steps.append(Step("propose_remedy", S.PROPOSE, S.PROPOSE, handler, "", {}))
        return True
    return _propose_to_confirm(rng, c, out, step, handler, approver)


def _propose_to_confirm(
    rng: random.Random, c: Complaint, out: DemoComplaint, step: Any, handler: User, approver: User
) -> bool:
    fresh = [_remedy(rng, c, handler) for _ in range(rng.choice([1, 1, 2]))]
    out.remedies += fresh
    for r in fresh:
        out.steps.append(
            Step(
                "propose_remedy",
                S.PROPOSE,
                S.PROPOSE,
                handler,
                r.description,
                {"kind": r.kind, "cost": str(r.cost)},
            )  # fmt: skip
        )
    top = max(r.cost for r in fresh)
    if step("submit_for_approval", S.APPROVE, remedies=len(fresh), max_cost=str(top),
            approver_id=approver.pk):  # fmt: skip
        return True
    chosen = fresh[0]
    chosen.status, chosen.decided_by = RemedyStatus.APPROVED, approver
    for r in fresh[1:]:
        r.status, r.decided_by = RemedyStatus.REJECTED, approver
    if step("approve", S.IMPLEMENT, approver, chosen.description, kind=chosen.kind,
            cost=str(chosen.cost)):  # fmt: skip
        return True
    c.implementation_note = f"已执行：{chosen.description}"
    c.penalty = rng.choice(["责任部门扣考核分 2 分", "责任人通报批评", "无"])
    return bool(
        step(
            "implement",
            S.CONFIRM,
            body=c.implementation_note,
            note=c.implementation_note,
            penalty=c.penalty,
        )  # fmt: skip
    )


def spread(start: datetime, end: datetime, steps: list[Step], rng: random.Random) -> datetime:
    """Give the steps increasing times between start and end; returns the last one."""
    last = start
    if not steps:
        return last
    span = max((end - start).total_seconds(), 60.0)
    marks = sorted(rng.random() for _ in steps)
    for s, m in zip(steps, marks, strict=True):
        last = max(last + timedelta(seconds=1), start + timedelta(seconds=int(span * m)))
        s.at = last
    return last
