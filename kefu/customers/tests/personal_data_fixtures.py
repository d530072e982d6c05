"""A customer with personal data in every part of kefu (archive, tickets, complaint,
membership, revisit, survey, outbox, merge), built through the services where they exist."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from kefu.core.choices import Role
from kefu.core.models import User
from kefu.customers.models import Customer
from kefu.customers.services import change_credit, create_customer
from kefu.customers.services_merge import merge_customers
from kefu.members.models import Member
from kefu.members.services.audit import file_member
from kefu.members.services.points import adjust_points
from kefu.members.services.purchases import record_purchase
from kefu.members.services.registration import register_member
from kefu.members.tests.factories import make_tiers
from kefu.notifications.services import queue_message
from kefu.revisits.models import RevisitAnswer, RevisitAttempt, RevisitPlan, RevisitTask
from kefu.revisits.tests.fixtures import make_script
from kefu.sla.models import Alert
from kefu.surveys.models import SatisfactionRating, Survey, SurveyInvitation
from kefu.tickets.models import Ticket
from kefu.tickets.services.conversation import add_note, add_reply
from kefu.tickets.services.intake import create_ticket
from kefu.tickets.services.work import update_ticket

__all__ = ["SECRETS", "World", "manager", "world"]

NAME = "欧阳明远"
PHONE = "13912345678"
SECOND_PHONE = "13987654321"
EMAIL = "ouyang.mingyuan@example.net"
ID_NUMBER = "310104198605121236"
CONTACT = "司马秀英"
CONTACT_PHONE = "13700001234"
STREET = "漕溪北路88号"
# what must be gone from every table after the erase
SECRETS = (NAME, PHONE, SECOND_PHONE, EMAIL, ID_NUMBER, CONTACT, CONTACT_PHONE, STREET)


@dataclass
class World:
    customer: Customer
    other: Customer
    ticket: Ticket
    complaint: Ticket
    member: Member
    agent: User
    manager: User
    keeper: User


@pytest.fixture
def manager(org: Any, make_user: Any) -> User:
    return make_user(Role.MANAGER, org.hq, username="hq_manager")  # type: ignore[no-any-return]


@pytest.fixture
def world(org: Any, make_user: Any, manager: User) -> World:
    agent = make_user(Role.AGENT, org.east, username="pd_agent")
    keeper = make_user(Role.RECORDS_KEEPER, org.hq, username="pd_keeper")
    clerk = make_user(Role.STORE_CLERK, org.shanghai, username="pd_clerk")
    customer = create_customer(
        actor=agent,
        unit=org.shanghai,
        name=NAME,
        kind="person",
        phones=[PHONE],
        email=EMAIL,
        id_number=ID_NUMBER,
        address=f"上海市徐汇区{STREET}",
        notes=f"{NAME} 喜欢周末来店",
        contacts=[{"name": CONTACT, "title": "家属", "phone": CONTACT_PHONE}],
        addresses=[
            {"province": "上海市", "city": "上海市", "district": "徐汇区", "detail": STREET}
        ],
        tags=["VIP"],
    )
    duplicate = create_customer(
        actor=agent, unit=org.shanghai, name=NAME, kind="person", phones=[SECOND_PHONE]
    )
    merge_customers(actor=keeper, survivor=customer, merged=[duplicate])
    other = create_customer(
        actor=agent, unit=org.shanghai, name="诸葛无关", kind="person", phones=["13600000000"]
    )
    change_credit(
        actor=manager,
        customer=customer,
        level="AA",
        score=90,
        reason=f"{NAME} 按时付款",
        effective_on=timezone.localdate(),
    )
    ticket = create_ticket(
        actor=agent,
        unit=org.shanghai,
        type="enquiry",
        channel="phone",
        title=f"{NAME} 来电 {PHONE}",
        description=f"身份证 {ID_NUMBER}，邮箱 {EMAIL}，联系人 {CONTACT} {CONTACT_PHONE}",
        customer=customer,
        contact_name=NAME,
        contact_phone=PHONE,
        contact_email=EMAIL,
    )
    update_ticket(actor=agent, ticket=ticket, title=f"{NAME} 来电 {PHONE}（已核实）")
    add_reply(actor=agent, ticket=ticket, body=f"{NAME}您好，已为您登记。")
    add_note(actor=agent, ticket=ticket, body=f"内部：{NAME} 的身份证 {ID_NUMBER}")
    complaint = create_ticket(
        actor=agent,
        unit=org.shanghai,
        type="complaint",
        channel="phone",
        title="快递破损",
        customer=customer,
        contact_name=NAME,
        contact_phone=PHONE,
    )
    complaint.complaint.demand = f"{NAME} 要求赔偿，回电 {PHONE}"
    complaint.complaint.save(update_fields=["demand"])
    create_ticket(
        actor=agent,
        unit=org.shanghai,
        type="enquiry",
        channel="phone",
        title="别人的事",
        customer=other,
    )
    member = _member(org, clerk, keeper, manager, customer)
    _revisit(org, manager, agent, customer, ticket)
    _survey(org, customer, ticket)
    queue_message(
        actor=agent,
        channel="sms",
        to=PHONE,
        template="member.birthday",
        context={"name": NAME, "company": "示例"},
        customer=customer,
        related=ticket,
    )
    Alert.objects.create(
        user=agent,
        ticket=ticket,
        kind="sla_warning",
        text=f"{ticket.number} {ticket.title} 即将超时",
        key=f"warn:{ticket.pk}",
        created_at=timezone.now(),
    )
    customer.refresh_from_db()
    return World(customer, other, ticket, complaint, member, agent, manager, keeper)


def _member(org: Any, clerk: User, keeper: User, manager: User, customer: Customer) -> Member:
    make_tiers()
    member = register_member(
        actor=clerk,
        unit=org.shanghai,
        name=NAME,
        phone=PHONE,
        gender="male",
        birthday=date(1990, 3, 7),
        id_number=ID_NUMBER,
        address=f"上海市徐汇区{STREET}",
        email=EMAIL,
        occupation="工程师",
        company="明远科技",
    )
    assert member.customer_id == customer.pk
    member = file_member(actor=keeper, member=member)
    record_purchase(
        actor=manager,
        member=member,
        amount=Decimal("1288.00"),
        items="羊绒大衣",
        notes=f"{NAME} 自提",
        receipt_number="R-0001",
    )
    adjust_points(actor=manager, member=member, points=50, reason=f"补偿 {NAME}")
    member.refresh_from_db()
    return member


def _revisit(org: Any, manager: User, agent: User, customer: Customer, ticket: Ticket) -> None:
    script = make_script(manager)
    plan = RevisitPlan.objects.create(
        name="售后回访", kind="after_resolution", script=script, unit=org.shanghai
    )
    task = RevisitTask.objects.create(
        plan=plan,
        key="t1",
        customer=customer,
        ticket=ticket,
        assignee=agent,
        unit=org.shanghai,
        due_at=timezone.now() + timedelta(days=1),
        notes=f"{NAME} 说下午打 {PHONE}",
    )
    RevisitAttempt.objects.create(
        task=task, at=timezone.now(), outcome="no_answer", notes=f"{CONTACT} 接的电话", agent=agent
    )
    for q in script.questions.all():
        value = {"rating": "4", "choice": "已解决", "text": f"请联系 {CONTACT_PHONE}"}[q.kind]
        RevisitAnswer.objects.create(task=task, question=q, value=value)


def _survey(org: Any, customer: Customer, ticket: Ticket) -> None:
    survey = Survey.objects.create(unit=org.hq, kind="csat", title="满意度", question="满意吗？")
    rating = SatisfactionRating.objects.create(
        source="survey",
        csat=5,
        comment=f"{NAME}：很满意",
        ticket=ticket,
        customer=customer,
        unit=org.shanghai,
    )
    SurveyInvitation.objects.create(
        survey=survey,
        ticket=ticket,
        customer=customer,
        unit=org.shanghai,
        token_hash="x" * 64,
        channel="sms",
        recipient=PHONE,
        expires_at=timezone.now() + timedelta(days=7),
        used_at=timezone.now(),
        rating=rating,
    )
