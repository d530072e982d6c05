"""The notifications API."""

from __future__ import annotations

import pytest

from kefu.notifications.choices import Status
from kefu.notifications.models import ChannelOptOut, InAppNotification, NotificationTemplate
from kefu.notifications.services import cancel_message, queue_message

BASE = "/api/v1/notifications"


def sms(agent, customer, name="张三"):
    msg = queue_message(
        actor=agent,
        channel="sms",
        to="13812345678",
        template="survey.link",
        context={"name": name, "url": "u"},
        customer=customer,
    )
    assert msg is not None
    return msg


@pytest.mark.parametrize("n", [1, 4])
def test_outbox_list_with_fixed_queries(
    api_as, manager, agent, customer, n, django_assert_num_queries
):
    for i in range(n):
        sms(agent, customer, name=f"客户{i}")
    api = api_as(manager)
    with django_assert_num_queries(5):
        response = api.get(f"{BASE}/outbox", {"status": "queued", "channel": "sms"})
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == n
    assert body["items"][0]["to"] == "13812345678"
    assert "body" not in body["items"][0]


def test_outbox_detail_retry_and_conflict(api_as, manager, agent, customer):
    msg = sms(agent, customer)
    api = api_as(manager)
    detail = api.get(f"{BASE}/outbox/{msg.pk}").json()
    assert (detail["status"], detail["delivery_attempts"]) == ("queued", [])
    assert detail["body"] == "尊敬的张三，感谢您的支持！请花一分钟评价我们的服务：u"
    conflict = api.post(f"{BASE}/outbox/{msg.pk}/retry")
    assert (conflict.status_code, conflict.json()["code"]) == (409, "notifications.not_retryable")
    cancel_message(actor=manager, message_id=msg.pk)
    retried = api.post(f"{BASE}/outbox/{msg.pk}/retry")
    assert (retried.status_code, retried.json()["status"]) == (200, Status.QUEUED)
    assert api.get(f"{BASE}/outbox/999999").status_code == 404


def test_outbox_is_empty_for_agents(api_as, agent, customer):
    msg = sms(agent, customer)
    api = api_as(agent)
    assert api.get(f"{BASE}/outbox").json() == {"items": [], "count": 0}
    assert api.get(f"{BASE}/outbox/{msg.pk}").status_code == 404
    assert api.post(f"{BASE}/outbox/{msg.pk}/retry").status_code == 404


def test_templates_get_and_put(api_as, manager, east_manager):
    api = api_as(manager)
    got = api.get(f"{BASE}/templates/ticket.progress").json()
    assert (got["edited"], got["subject"]) == (False, "工单 {{ number }} 进度更新")
    bad = api._call("put", f"{BASE}/templates/ticket.progress", {"body": "{% if %}"})
    assert (bad.status_code, bad.json()["code"]) == (422, "notifications.template_invalid")
    ok = api._call(
        "put", f"{BASE}/templates/ticket.progress", {"subject": "进度", "body": "{{ number }}"}
    )
    assert (ok.status_code, ok.json()["edited"], ok.json()["body"]) == (200, True, "{{ number }}")
    denied = api_as(east_manager)._call("put", f"{BASE}/templates/ticket.progress", {"body": "x"})
    assert denied.status_code == 403
    assert NotificationTemplate.objects.get().body == "{{ number }}"
    assert api.get(f"{BASE}/templates/no.such").status_code == 404


def test_opt_outs_create_list_delete(api_as, agent, south_agent, customer):
    api = api_as(agent)
    created = api.post(
        f"{BASE}/opt-outs", {"customer_id": customer.pk, "channel": "sms", "reason": "拒收"}
    )
    assert created.status_code == 201
    assert created.json()["reason"] == "拒收"
    listed = api.get(f"{BASE}/opt-outs", {"customer_id": customer.pk}).json()
    assert [(i["channel"], i["customer_id"]) for i in listed["items"]] == [("sms", customer.pk)]
    other = api_as(south_agent)
    assert other.get(f"{BASE}/opt-outs").json()["count"] == 0
    assert (
        other.post(f"{BASE}/opt-outs", {"customer_id": customer.pk, "channel": "email"}).status_code
        == 404
    )
    gone = api.delete(f"{BASE}/opt-outs?customer_id={customer.pk}&channel=sms")
    assert gone.status_code == 204
    assert api.delete(f"{BASE}/opt-outs?customer_id={customer.pk}&channel=sms").status_code == 404
    assert ChannelOptOut.objects.count() == 0


def test_inapp_list_and_mark_read(api_as, agent, manager):
    a = InAppNotification.objects.create(user=agent, title="提醒", url="/x/")
    InAppNotification.objects.create(user=agent, title="提醒2")
    InAppNotification.objects.create(user=manager, title="别人的")
    api = api_as(agent)
    body = api.get(f"{BASE}/inapp").json()
    assert (body["count"], body["unread"]) == (2, 2)
    assert api.post(f"{BASE}/inapp/read", {"ids": [a.pk]}).json() == {"marked": 1}
    assert api.get(f"{BASE}/inapp", {"unread": True}).json()["count"] == 1
    assert api.post(f"{BASE}/inapp/read", {}).json() == {"marked": 1}
