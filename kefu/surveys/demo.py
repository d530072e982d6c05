"""Demo surveys: a CSAT and an NPS survey, and answered, opened and expired invitations for
resolved tickets spread over the last weeks (made through the services)."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from kefu.core.demo.registry import DemoContext, register_demo_step
from kefu.core.errors import DomainError
from kefu.surveys.services import create_survey
from kefu.surveys.services_invitations import answer_invitation, invite, open_invitation
from kefu.tickets.choices import Status
from kefu.tickets.models import Ticket

MAX_INVITED = 60
CSAT_WEIGHTS = [(5, 45), (4, 30), (3, 12), (2, 8), (1, 5)]
NPS_WEIGHTS = [(10, 25), (9, 20), (8, 20), (7, 12), (6, 8), (5, 6), (3, 5), (0, 4)]
COMMENTS = ["", "", "", "客服态度很好，处理及时。", "等了比较久才有人联系。", "问题解决了，谢谢！"]


@register_demo_step("surveys", order=310)
def surveys(ctx: DemoContext) -> dict[str, int]:
    company, actor = ctx.require_company(), ctx.actor
    if actor is None:
        return {}
    csat = create_survey(
        actor=actor,
        unit=company.hq,
        kind="csat",
        title="服务满意度调查",
        question="您对本次服务满意吗？",
        comment_question="还有什么想告诉我们的吗？",
        auto_sample_percent=30,
    )
    nps = create_survey(
        actor=actor,
        unit=company.hq,
        kind="nps",
        title="推荐意愿调查",
        question="您有多大可能向亲友推荐我们？",
        comment_question="请告诉我们您打这个分数的原因",
    )
    rng = ctx.rng("surveys")
    tickets = Ticket.objects.filter(status__in=(Status.RESOLVED, Status.CLOSED))
    tickets = tickets.exclude(contact_phone="").select_related("unit", "customer", "assignee")
    answered = 0
    now = timezone.now()
    for i, ticket in enumerate(tickets.order_by("pk")[:MAX_INVITED]):
        survey = nps if i % 3 == 2 else csat
        sent = now - timedelta(days=rng.randint(0, 40), hours=rng.randint(0, 12))
        try:
            done = invite(actor=actor, ticket=ticket, survey=survey, channel="sms", now=sent)
        except DomainError:  # a demo phone number the SMS channel refuses
            continue
        roll = rng.random()
        if roll > 0.85:
            continue  # never opened (expired once a week has passed)
        if roll > 0.7:
            open_invitation(token=done.token, now=min(now, sent + timedelta(hours=1)))
            continue
        weights = CSAT_WEIGHTS if survey is csat else NPS_WEIGHTS
        score = rng.choices([s for s, _ in weights], [w for _, w in weights])[0]
        answer_invitation(
            token=done.token,
            score=score,
            comment=rng.choice(COMMENTS),
            now=min(now, sent + timedelta(hours=rng.randint(1, 30))),
        )
        answered += 1
    return {"surveys": 2, "survey answers": answered}
