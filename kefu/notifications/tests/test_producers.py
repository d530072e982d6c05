"""Birthday and holiday greetings, ticket progress and SLA escalations through the outbox."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from kefu.core.models import AuditEvent
from kefu.customers.services import create_customer
from kefu.members.choices import MemberStatus
from kefu.members.models import Greeting, Member
from kefu.notifications.choices import Channel, Status
from kefu.notifications.models import ChannelConfig, ChannelOptOut, OutboxMessage
from kefu.notifications.producers import (
    notify_sla_escalation,
    notify_ticket_progress,
    queue_birthday_greetings,
    send_holiday_greeting,
)
from kefu.notifications.services_manage import start_holiday_greeting
from kefu.tickets.services.intake import create_ticket

DAY = datetime.date(2026, 11, 22)


def member(customer, org, card, *, phone="13900000001", status=MemberStatus.FILED, **extra):
    return Member.objects.create(
        customer=customer,
        unit=org.shanghai,
        card_number=card,
        status=status,
        name=customer.name,
        phone=phone,
        registered_on=DAY,
        **extra,
    )


def test_birthday_greetings_queue_sms_once_and_honour_opt_outs(org, agent, customer, settings):
    settings.KEFU_COMPANY_NAME = "示例商城"
    other = create_customer(actor=agent, unit=org.shanghai, name="李四", phones=["13900000002"])
    ChannelOptOut.objects.create(customer=other, channel=Channel.SMS)
    m1 = member(customer, org, "M1", registered_by=agent)
    m2 = member(other, org, "M2", phone="13900000002")
    m3 = member(customer, org, "M3", status=MemberStatus.PENDING)
    Greeting.objects.create(member=m1, on_date=DAY, call=True)
    Greeting.objects.create(member=m2, on_date=DAY)
    Greeting.objects.create(member=m3, on_date=DAY)
    Greeting.objects.create(member=m1, on_date=DAY - datetime.timedelta(days=1))

    assert queue_birthday_greetings(day=DAY) == {
        "queued": 2,
        "opted_out": 1,
        "existing": 0,
        "skipped": 0,
    }
    assert queue_birthday_greetings(day=DAY) == {
        "queued": 0,
        "opted_out": 1,
        "existing": 2,
        "skipped": 0,
    }
    rows = OutboxMessage.objects.order_by("id")
    got = [(r.channel, r.to, r.status, r.template_key) for r in rows]
    assert got == [
        ("sms", "13900000001", Status.QUEUED, "member.birthday"),
        ("inapp", str(agent.pk), Status.QUEUED, "member.birthday_call"),
        ("sms", "13900000002", Status.OPTED_OUT, "member.birthday"),
    ]
    assert rows[0].body == "尊敬的张三，今天是您的生日，示例商城祝您生日快乐，万事如意！"
    assert rows[1].link == f"/members/{m1.pk}/"
    # members' own rows are left as they were
    assert set(Greeting.objects.values_list("status", flat=True)) == {"pending"}


def test_holiday_greeting_goes_to_the_segment_in_batches(org, agent, customer):
    key = create_customer(
        actor=agent, unit=org.shanghai, name="王五", phones=["13900000003"], is_key_account=True
    )
    create_customer(actor=agent, unit=org.shanghai, name="赵六")  # no phone
    ChannelOptOut.objects.create(customer=customer, channel=Channel.SMS)
    run = send_holiday_greeting(
        actor=agent,
        campaign="c1",
        channel="sms",
        template="holiday.greeting",
        holiday="春节",
        segment={"unit_id": org.east.pk},
        batch_size=2,
    )
    assert run == {"queued": 1, "opted_out": 1, "existing": 0, "skipped": 1}
    sent = OutboxMessage.objects.get(status=Status.QUEUED)
    assert (sent.customer, sent.to, sent.subject) == (key, "13900000003", "春节快乐")
    again = send_holiday_greeting(
        actor=agent,
        campaign="c1",
        channel="sms",
        template="holiday.greeting",
        holiday="春节",
        segment={"key_accounts_only": True},
    )
    assert again == {"queued": 0, "opted_out": 0, "existing": 1, "skipped": 0}


def test_holiday_greeting_only_reaches_customers_in_scope(org, agent, south_agent, customer):
    run = send_holiday_greeting(
        actor=south_agent,
        campaign="c2",
        channel="sms",
        template="holiday.greeting",
        holiday="中秋节",
        segment={},
    )
    assert run == {"queued": 0, "opted_out": 0, "existing": 0, "skipped": 0}
    assert OutboxMessage.objects.count() == 0


def test_starting_a_holiday_greeting_runs_it_after_commit(agent, customer, run_on_commit):
    with run_on_commit():
        campaign = start_holiday_greeting(
            actor=agent,
            channel="sms",
            template="holiday.greeting",
            holiday="国庆节",
            segment={},
        )
    row = OutboxMessage.objects.get()
    assert row.dedupe_key == f"holiday:{campaign}:{customer.pk}:sms"
    assert row.status == Status.SENT  # the console provider in tests
    assert AuditEvent.objects.filter(action="notifications.holiday_greeting").count() == 1


@pytest.fixture
def make_ticket(org, agent):
    def make(**extra):
        data: dict[str, Any] = {
            "title": "空调不制冷",
            "contact_name": "张三",
            "contact_phone": "13812345678",
            "contact_email": "",
        }
        data.update(extra)
        return create_ticket(actor=agent, unit=org.east, type="repair", channel="phone", **data)

    return make


def test_ticket_progress_is_one_message_per_status(agent, make_ticket):
    t = make_ticket()
    first = notify_ticket_progress(actor=agent, ticket=t, status="处理中")
    again = notify_ticket_progress(actor=agent, ticket=t, status="处理中")
    done = notify_ticket_progress(actor=agent, ticket=t, status="已解决", note="感谢耐心等待")
    assert again == first
    assert first.body == f"您好，张三：您的工单 {t.number}（空调不制冷）当前状态：处理中。"
    assert done.body.endswith("当前状态：已解决。感谢耐心等待")
    mail = notify_ticket_progress(
        actor=agent, ticket=make_ticket(contact_phone="", contact_email="a@b.cn"), status="处理中"
    )
    assert (mail.channel, mail.to) == ("email", "a@b.cn")
    assert (
        notify_ticket_progress(actor=agent, ticket=make_ticket(contact_phone=""), status="x")
        is None
    )


def test_resolving_a_ticket_texts_the_contact_once(agent, make_ticket):
    from kefu.tickets.services.work import change_status

    t = make_ticket()
    change_status(actor=agent, ticket=t, status="open")
    assert not OutboxMessage.objects.filter(dedupe_key__startswith="ticket.progress").exists()
    t = change_status(actor=agent, ticket=t, status="resolved")
    t = change_status(actor=agent, ticket=t, status="open")  # reopened
    change_status(actor=agent, ticket=t, status="resolved")
    sent = OutboxMessage.objects.get(dedupe_key__startswith="ticket.progress")
    assert (sent.channel, sent.to) == ("sms", "13812345678")
    assert "已解决" in sent.body
    no_phone = make_ticket(contact_phone="", contact_email="a@b.cn")
    change_status(actor=agent, ticket=no_phone, status="resolved")
    assert OutboxMessage.objects.filter(dedupe_key__startswith="ticket.progress").count() == 1


def test_sla_escalation_goes_to_configured_robots_and_supervisors(agent, manager, make_ticket):
    t = make_ticket()
    ChannelConfig.objects.create(channel="wecom", endpoint="http://127.0.0.1:9/hook")
    ChannelConfig.objects.create(channel="dingtalk", endpoint="", enabled=True)
    rows = notify_sla_escalation(
        actor=None, ticket=t, level="已超时", user_ids=(manager.pk,), assignee="李四"
    )
    assert [(r.channel, r.to) for r in rows] == [("wecom", ""), ("inapp", str(manager.pk))]
    assert rows[0].body.startswith(f"工单 {t.number}（空调不制冷）已超时，当前处理人：李四")
    again = notify_sla_escalation(actor=None, ticket=t, level="已超时", user_ids=(manager.pk,))
    assert [r.pk for r in again] == [r.pk for r in rows]
