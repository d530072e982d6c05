"""The notifications screens: pages render, actions call the services, lists keep a fixed
number of queries."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from kefu.notifications.choices import Status
from kefu.notifications.models import ChannelConfig, ChannelOptOut, InAppNotification, OutboxMessage
from kefu.notifications.services import queue_message


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def queue_many(agent, customer, n):
    return [
        queue_message(
            actor=agent,
            channel="sms",
            to="13812345678",
            template="survey.link",
            context={"name": f"客户{i}", "url": "u"},
            customer=customer,
        )
        for i in range(n)
    ]


@pytest.mark.parametrize("n", [1, 5])
def test_outbox_list_shows_messages_with_fixed_queries(
    manager, agent, customer, n, django_assert_num_queries
):
    queue_many(agent, customer, n)
    client = client_for(manager)
    client.get(reverse("notifications:outbox"))  # warm the session and caches
    with django_assert_num_queries(6):
        response = client.get(reverse("notifications:outbox"), {"status": "queued"})
    assert response.status_code == 200
    assert response.content.decode().count('class="mono nowrap">13812345678<') == n


def test_outbox_is_settings_only(agent):
    assert client_for(agent).get(reverse("notifications:outbox")).status_code == 403


def test_east_manager_sees_only_east_messages(east_manager, manager, agent, customer, org):
    [msg] = queue_many(agent, customer, 1)
    robot = queue_message(actor=None, channel="wecom", to="", template="sla.escalation", context={})
    assert robot is not None
    client = client_for(east_manager)
    assert client.get(reverse("notifications:outbox_detail", args=[msg.pk])).status_code == 200
    assert client.get(reverse("notifications:outbox_detail", args=[robot.pk])).status_code == 404


def test_retry_and_cancel_from_the_detail_page(manager, agent, customer):
    [msg] = queue_many(agent, customer, 1)
    client = client_for(manager)
    url = reverse("notifications:outbox_action", args=[msg.pk, "cancel"])
    assert client.post(url).status_code == 302
    msg.refresh_from_db()
    assert msg.status == Status.CANCELLED
    client.post(reverse("notifications:outbox_action", args=[msg.pk, "retry"]))
    msg.refresh_from_db()
    assert (msg.status, msg.attempts) == (Status.QUEUED, 0)
    page = client.get(reverse("notifications:outbox_detail", args=[msg.pk]))
    assert "客户0" in page.content.decode()


def test_template_preview_renders_with_the_sample(manager):
    client = client_for(manager)
    url = reverse("notifications:template_edit", args=["survey.link"])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "subject": "调查",
            "body": "{{ name }}：{{ url }}",
            "sample": '{"name": "王五", "url": "x"}',
            "active": "on",
            "preview": "1",
        },
        headers={"HX-Request": "true"},
    )
    assert (
        response.content.decode()
        .strip()
        .endswith('<pre style="white-space:pre-wrap">王五：x</pre>')
    )
    bad = client.post(
        url,
        {"subject": "", "body": "{% if %}", "sample": "{}", "preview": "1"},
        headers={"HX-Request": "true"},
    )
    assert "form-alert" in bad.content.decode()
    saved = client.post(
        url, {"subject": "调查", "body": "{{ name }}", "sample": "{}", "active": "on", "save": "1"}
    )
    assert saved.status_code == 302
    assert client.get(reverse("notifications:template_list")).status_code == 200


def test_channel_settings_never_show_the_secret_back(manager):
    client = client_for(manager)
    url = reverse("notifications:channels")
    response = client.post(
        url,
        {
            "channel": "dingtalk",
            "dingtalk-enabled": "on",
            "dingtalk-endpoint": "http://127.0.0.1:9/robot/send?access_token=T",
            "dingtalk-secret": "SECverysecret123",
            "dingtalk-template_codes": "{}",
        },
    )
    assert response.status_code == 302
    assert ChannelConfig.objects.get(channel="dingtalk").secret == "SECverysecret123"
    page = client.get(url).content.decode()
    assert "SECverysecret123" not in page
    assert "SEC••••••23" in page


def test_send_test_queues_a_message_and_shows_it(manager):
    client = client_for(manager)
    response = client.post(
        reverse("notifications:channel_test", args=["sms"]), {"test-sms-to": "13800000000"}
    )
    msg = OutboxMessage.objects.get()
    assert response["Location"] == reverse("notifications:outbox_detail", args=[msg.pk])
    assert (msg.to, msg.template_key) == ("13800000000", "notifications.test")


def test_customer_page_section_switches_opt_outs(agent, customer):
    client = client_for(agent)
    url = reverse("notifications:customer_opt_out", args=[customer.pk])
    client.post(url, {"channel": "sms", "reason": "不要短信"})
    assert ChannelOptOut.objects.get().reason == "不要短信"
    page = client.get(reverse("customers:detail", args=[customer.pk])).content.decode()
    assert "不要短信" in page
    client.post(url, {"channel": "sms", "action": "opt_in"})
    assert ChannelOptOut.objects.count() == 0


def test_opt_out_outside_scope_is_404(south_agent, customer):
    url = reverse("notifications:customer_opt_out", args=[customer.pk])
    assert client_for(south_agent).post(url, {"channel": "sms"}).status_code == 404
    assert ChannelOptOut.objects.count() == 0


@pytest.mark.parametrize("n", [1, 4])
def test_inapp_page_dropdown_and_bell(agent, n, django_assert_num_queries):
    for i in range(n):
        InAppNotification.objects.create(user=agent, title=f"提醒{i}", body="b")
    client = client_for(agent)
    client.get(reverse("notifications:inapp"))
    with django_assert_num_queries(6):
        page = client.get(reverse("notifications:inapp"))
    assert page.content.decode().count("提醒") == n
    dropdown = client.get(reverse("notifications:inapp"), headers={"HX-Request": "true"})
    assert f"{n} 条未读" in dropdown.content.decode()  # zh-hans, the default language
    client.post(reverse("notifications:inapp_read"))
    assert InAppNotification.objects.filter(read_at__isnull=True).count() == 0


def test_holiday_page_counts_then_sends(agent, customer, django_capture_on_commit_callbacks):
    client = client_for(agent)
    url = reverse("notifications:holiday")
    data = {"holiday": "春节", "channel": "sms", "template": "holiday.greeting", "grade": ""}
    counted = client.post(url, {**data, "count": "1"})
    assert counted.status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post(url, {**data, "send": "1"})
    assert sent.status_code == 302
    assert OutboxMessage.objects.get().customer == customer
