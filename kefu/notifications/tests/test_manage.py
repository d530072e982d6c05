"""Opt-outs, templates, channel settings and in-app read marks through the services."""

from __future__ import annotations

import pytest

from kefu.core.errors import NotFound, PermissionDenied
from kefu.core.models import AuditEvent
from kefu.notifications import delivery
from kefu.notifications.choices import Status
from kefu.notifications.errors import TemplateInvalid, UnknownChannel
from kefu.notifications.models import (
    ChannelConfig,
    ChannelOptOut,
    InAppNotification,
    NotificationTemplate,
)
from kefu.notifications.services import queue_message, render_message
from kefu.notifications.services_manage import (
    mark_read,
    opt_in,
    opt_out,
    reset_template,
    save_channel_config,
    save_template,
)


def sms(agent, customer):
    return queue_message(
        actor=agent,
        channel="sms",
        to="13812345678",
        template="survey.link",
        context={"name": "张三", "url": "https://x.cn/s/1"},
        customer=customer,
    )


def test_opting_out_withdraws_queued_messages_and_blocks_new_ones(agent, customer):
    queued = sms(agent, customer)
    row = opt_out(actor=agent, customer=customer, channel="sms", reason="客户来电要求")
    assert opt_out(actor=agent, customer=customer, channel="sms") == row
    queued.refresh_from_db()
    assert (queued.status, queued.last_error) == (Status.OPTED_OUT, "customer opted out of sms")
    assert sms(agent, customer) is None
    audit = AuditEvent.objects.get(action="notifications.opt_out")
    assert audit.changes == {"channel": "sms", "reason": "客户来电要求", "withdrawn": 1}

    assert opt_in(actor=agent, customer=customer, channel="sms") is True
    assert opt_in(actor=agent, customer=customer, channel="sms") is False
    assert sms(agent, customer).status == Status.QUEUED


def test_an_opt_out_after_queueing_is_honoured_at_send_time(agent, customer):
    msg = sms(agent, customer)
    ChannelOptOut.objects.create(customer=customer, channel="sms")  # e.g. by another process
    assert delivery.deliver(message_id=msg.pk) == "skipped"
    msg.refresh_from_db()
    assert (msg.status, msg.attempts) == (Status.OPTED_OUT, 0)
    assert msg.delivery_attempts.count() == 0


def test_an_agent_outside_the_unit_cannot_change_opt_outs(south_agent, customer):
    with pytest.raises(NotFound):
        opt_out(actor=south_agent, customer=customer, channel="sms")
    assert ChannelOptOut.objects.count() == 0


def test_robots_are_not_a_customer_channel(agent, customer):
    with pytest.raises(UnknownChannel):
        opt_out(actor=agent, customer=customer, channel="wecom")


def test_an_edited_template_replaces_the_default_and_reset_restores_it(manager):
    save_template(
        actor=manager, key="survey.link", subject="请评价", body="{{ name }}您好，评价：{{ url }}"
    )
    assert render_message("survey.link", {"name": "张三", "url": "u"}) == (
        "请评价",
        "张三您好，评价：u",
    )
    assert reset_template(actor=manager, key="survey.link") is True
    assert render_message("survey.link", {"name": "张三", "url": "u"})[0] == "满意度调查"


@pytest.mark.parametrize(
    "body",
    [
        "{% if %}",
        "{% load static %}{% static 'x' %}",
        "{% include 'base.html' %}",
        "{% debug %}",
        "{{ name|pprint }}",
    ],
)
def test_templates_cannot_escape_the_sandbox(manager, body):
    with pytest.raises(TemplateInvalid):
        save_template(actor=manager, key="survey.link", subject="x", body=body)
    assert NotificationTemplate.objects.count() == 0


def test_objects_in_the_context_are_only_text(agent, customer):
    subject, body = render_message("survey.link", {"name": customer, "url": agent})
    assert body == f"尊敬的张三，感谢您的支持！请花一分钟评价我们的服务：{agent}"
    NotificationTemplate.objects.create(key="survey.link", subject="s", body="{{ name.delete }}")
    assert render_message("survey.link", {"name": customer})[1] == ""
    customer.refresh_from_db()  # still there


def test_a_broken_edited_template_falls_back_to_the_default(db):
    NotificationTemplate.objects.create(key="survey.link", subject="s", body="{% if %}")
    assert render_message("survey.link", {"name": "张三", "url": "u"})[0] == "满意度调查"


def test_only_headquarters_managers_edit_templates_and_channels(east_manager):
    with pytest.raises(PermissionDenied):
        save_template(actor=east_manager, key="survey.link", subject="x", body="y")
    with pytest.raises(PermissionDenied):
        save_channel_config(actor=east_manager, channel="wecom", endpoint="http://x")
    assert NotificationTemplate.objects.count() == ChannelConfig.objects.count() == 0


def test_channel_secret_is_kept_when_left_blank_and_never_audited(manager):
    save_channel_config(
        actor=manager, channel="dingtalk", endpoint="http://h", secret="SECabc123456"
    )
    row = save_channel_config(actor=manager, channel="dingtalk", endpoint="http://h2", secret="")
    assert (row.secret, row.masked_secret) == ("SECabc123456", "SEC••••••56")
    for event in AuditEvent.objects.filter(action="notifications.channel_saved"):
        assert "SECabc123456" not in str(event.changes)


def test_mark_read_touches_only_the_actors_notices(agent, manager):
    mine = InAppNotification.objects.create(user=agent, title="a")
    InAppNotification.objects.create(user=agent, title="b")
    theirs = InAppNotification.objects.create(user=manager, title="c")
    assert mark_read(actor=agent, ids=[mine.pk, theirs.pk]) == 1
    assert mark_read(actor=agent) == 1
    theirs.refresh_from_db()
    assert theirs.read_at is None
