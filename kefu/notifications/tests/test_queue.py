from __future__ import annotations

import pytest

from kefu.core.models import AuditEvent
from kefu.notifications.choices import Channel, Status
from kefu.notifications.errors import BadRecipient, UnknownChannel, UnknownTemplate
from kefu.notifications.models import ChannelOptOut, InAppNotification, OutboxMessage
from kefu.notifications.services import queue_message


def test_queue_inapp_renders_template_and_delivers_after_commit(agent, run_on_commit):
    with run_on_commit():
        msg = queue_message(
            actor=agent,
            channel="inapp",
            to=str(agent.pk),
            template="member.birthday",
            context={"name": "李四", "company": "示例", "url": "/members/1/"},
        )
    assert msg is not None
    msg.refresh_from_db()
    assert msg.status == Status.SENT
    assert msg.attempts == 1
    assert msg.body == "尊敬的李四，今天是您的生日，示例祝您生日快乐，万事如意！"
    notice = InAppNotification.objects.get()
    assert (notice.user, notice.title, notice.url) == (agent, "生日快乐", "/members/1/")
    assert list(msg.delivery_attempts.values_list("number", "ok")) == [(1, True)]


def test_nothing_is_sent_before_commit(agent):
    msg = queue_message(
        actor=agent, channel="inapp", to=str(agent.pk), template="survey.link", context={}
    )
    assert msg is not None
    msg.refresh_from_db()
    assert msg.status == Status.QUEUED
    assert InAppNotification.objects.count() == 0


def test_same_dedupe_key_returns_the_first_message(agent, run_on_commit):
    kwargs = {
        "actor": agent,
        "channel": "inapp",
        "to": str(agent.pk),
        "template": "survey.link",
        "context": {"name": "王五"},
        "dedupe_key": "survey:1",
    }
    with run_on_commit():
        first = queue_message(**kwargs)
    with run_on_commit() as callbacks:
        second = queue_message(**kwargs)
    assert second == first
    assert callbacks == []
    assert OutboxMessage.objects.count() == 1
    assert InAppNotification.objects.count() == 1


def test_opted_out_customer_gets_nothing_and_the_reason_is_recorded(agent, customer):
    ChannelOptOut.objects.create(customer=customer, channel=Channel.SMS, reason="投诉骚扰")
    result = queue_message(
        actor=agent,
        channel="sms",
        to="13812345678",
        template="holiday.greeting",
        context={"name": "张三", "holiday": "春节"},
        customer=customer,
        dedupe_key="holiday:1",
    )
    assert result is None
    row = OutboxMessage.objects.get()
    assert (row.status, row.last_error) == (Status.OPTED_OUT, "customer opted out of sms")
    assert AuditEvent.objects.filter(action="notifications.opted_out").count() == 1
    # Asking again with the same key is still None, and nothing new is written.
    again = queue_message(
        actor=agent,
        channel="sms",
        to="13812345678",
        template="holiday.greeting",
        context={},
        customer=customer,
        dedupe_key="holiday:1",
    )
    assert again is None
    assert OutboxMessage.objects.count() == 1


def test_opt_out_of_sms_does_not_block_email(agent, customer):
    ChannelOptOut.objects.create(customer=customer, channel=Channel.SMS)
    msg = queue_message(
        actor=agent,
        channel="email",
        to="zhangsan@example.com",
        template="holiday.greeting",
        context={"name": "张三", "holiday": "春节"},
        customer=customer,
    )
    assert msg is not None
    assert (msg.status, msg.subject, msg.unit) == (Status.QUEUED, "春节快乐", customer.unit)


@pytest.mark.parametrize(
    ("channel", "to", "template", "error"),
    [
        ("fax", "1", "survey.link", UnknownChannel),
        ("email", "not-an-address", "survey.link", BadRecipient),
        ("sms", "call me", "survey.link", BadRecipient),
        ("inapp", "alice", "survey.link", BadRecipient),
        ("inapp", "1", "no.such.template", UnknownTemplate),
    ],
)
def test_bad_input_is_refused_and_leaves_nothing(agent, channel, to, template, error):
    with pytest.raises(error):
        queue_message(actor=agent, channel=channel, to=to, template=template, context={})
    assert OutboxMessage.objects.count() == 0


@pytest.mark.parametrize(
    ("at", "expected"),
    [
        ("2026-11-22 22:30", "2026-11-23 08:00"),
        ("2026-11-23 07:59", "2026-11-23 08:00"),
        ("2026-11-23 12:00", None),
    ],
)
def test_sms_to_customers_waits_for_the_end_of_quiet_hours(
    agent, customer, settings, at, expected, django_capture_on_commit_callbacks, time_machine
):
    import datetime as dt

    from django.utils import timezone

    # The dates are in the future only before them: pin "now" (Asia/Shanghai) ahead of all.
    time_machine.move_to(dt.datetime.fromisoformat("2026-11-22T12:00:00+08:00"), tick=False)

    settings.KEFU_NOTIFY_QUIET_HOURS = "21:00-08:00"
    local = timezone.make_aware(dt.datetime.fromisoformat(at))
    with django_capture_on_commit_callbacks() as callbacks:
        msg = queue_message(
            actor=agent,
            channel="sms",
            to="13812345678",
            template="survey.link",
            context={},
            customer=customer,
            send_after=local,
        )
    assert msg is not None
    if expected is None:
        assert msg.next_attempt_at == local
    else:
        assert timezone.localtime(msg.next_attempt_at).strftime("%Y-%m-%d %H:%M") == expected
        assert callbacks == []
