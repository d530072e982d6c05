"""WeChat Work and DingTalk group robots against a fake webhook on loopback."""

from __future__ import annotations

import base64
import hashlib
import hmac
import time

from kefu.notifications import delivery
from kefu.notifications.choices import Status
from kefu.notifications.models import ChannelConfig
from kefu.notifications.services import queue_message
from kefu.notifications.tests.fakehttp import fake_server

DING_SECRET = "SEC0123456789abcdef"


def escalate(agent, channel, to=""):
    msg = queue_message(
        actor=agent,
        channel=channel,
        to=to,
        template="sla.escalation",
        context={"number": "KF9", "title": "空调不制冷", "assignee": "李四", "due_at": "14:05"},
    )
    assert msg is not None
    return msg


TEXT = "SLA 升级：工单 KF9\n工单 KF9（空调不制冷）已超时，当前处理人：李四，截止时间：14:05。"


def test_wecom_posts_text_with_mentions(agent):
    with fake_server(lambda seen: (200, {"errcode": 0, "errmsg": "ok"})) as server:
        ChannelConfig.objects.create(
            channel="wecom", endpoint=f"{server.url}/cgi-bin/webhook/send?key=K1"
        )
        msg = escalate(agent, "wecom", to="13800000001, @all")
        assert delivery.deliver(message_id=msg.pk) == "sent"
    [seen] = server.requests
    assert (seen.method, seen.path, seen.query) == ("POST", "/cgi-bin/webhook/send", {"key": "K1"})
    assert seen.headers["content-type"] == "application/json; charset=utf-8"
    assert seen.body == {
        "msgtype": "text",
        "text": {
            "content": TEXT,
            "mentioned_mobile_list": ["13800000001"],
            "mentioned_list": ["@all"],
        },
    }


def test_wecom_bad_key_fails_for_good(agent):
    answer = (200, {"errcode": 93000, "errmsg": "invalid webhook url"})
    with fake_server(lambda seen: answer) as server:
        ChannelConfig.objects.create(channel="wecom", endpoint=f"{server.url}/send?key=bad")
        msg = escalate(agent, "wecom")
        assert delivery.deliver(message_id=msg.pk) == "failed"
    msg.refresh_from_db()
    assert (msg.last_error, msg.attempts) == ("errcode 93000: invalid webhook url", 1)


def dingtalk_checks_signature(seen):
    stamp = seen.query.get("timestamp", "")
    if not stamp or abs(int(time.time() * 1000) - int(stamp)) > 3600_000:
        return 200, {"errcode": 310000, "errmsg": "sign not match (timestamp)"}
    mac = hmac.new(DING_SECRET.encode(), f"{stamp}\n{DING_SECRET}".encode(), hashlib.sha256)
    if seen.query.get("sign") != base64.b64encode(mac.digest()).decode():
        return 200, {"errcode": 310000, "errmsg": "sign not match"}
    if seen.query.get("access_token") != "T1":
        return 200, {"errcode": 300001, "errmsg": "token is not exist"}
    return 200, {"errcode": 0, "errmsg": "ok"}


def test_dingtalk_signs_with_timestamp_and_secret(agent):
    with fake_server(dingtalk_checks_signature) as server:
        ChannelConfig.objects.create(
            channel="dingtalk",
            endpoint=f"{server.url}/robot/send?access_token=T1",
            secret=DING_SECRET,
        )
        msg = escalate(agent, "dingtalk", to="13800000001")
        assert delivery.deliver(message_id=msg.pk) == "sent"
    [seen] = server.requests
    assert seen.body == {
        "msgtype": "text",
        "text": {"content": TEXT + "@13800000001"},
        "at": {"atMobiles": ["13800000001"], "isAtAll": False},
    }


def test_dingtalk_wrong_secret_is_refused(agent):
    with fake_server(dingtalk_checks_signature) as server:
        ChannelConfig.objects.create(
            channel="dingtalk", endpoint=f"{server.url}/robot/send?access_token=T1", secret="x"
        )
        msg = escalate(agent, "dingtalk")
        assert delivery.deliver(message_id=msg.pk) == "failed"
    msg.refresh_from_db()
    assert msg.last_error == "errcode 310000: sign not match"


def test_a_server_error_is_retried(agent):
    answers = iter([(502, {"error": "bad gateway"}), (200, {"errcode": 0, "errmsg": "ok"})])
    with fake_server(lambda seen: next(answers)) as server:
        ChannelConfig.objects.create(channel="wecom", endpoint=f"{server.url}/send?key=K")
        msg = escalate(agent, "wecom")
        assert delivery.deliver(message_id=msg.pk) == "queued"
        msg.refresh_from_db()
        assert delivery.deliver(message_id=msg.pk, now=msg.next_attempt_at) == "sent"
    msg.refresh_from_db()
    assert (msg.status, msg.attempts) == (Status.SENT, 2)
    codes = list(msg.delivery_attempts.values_list("response_code", "ok"))
    assert codes == [("502", False), ("200", True)]


def test_an_unconfigured_robot_fails_without_retry(agent):
    msg = escalate(agent, "dingtalk")
    assert delivery.deliver(message_id=msg.pk) == "failed"
    msg.refresh_from_db()
    assert msg.last_error == "channel dingtalk is not configured"
