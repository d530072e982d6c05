"""SMS: the development providers and the Aliyun adapter against a fake dysmsapi on
loopback that checks the signature as Aliyun does."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from datetime import UTC, datetime, timedelta
from urllib.parse import quote

import pytest
from django.utils import timezone

from kefu.notifications import delivery
from kefu.notifications.channels.sms import aliyun_signature
from kefu.notifications.choices import Status
from kefu.notifications.models import ChannelConfig
from kefu.notifications.services import queue_message
from kefu.notifications.tests.fakehttp import fake_server

SECRET = "testsecret-密钥"


def test_signature_matches_the_documented_aliyun_example():
    params = {
        "AccessKeyId": "testid",
        "Action": "DescribeRegions",
        "Format": "XML",
        "SignatureMethod": "HMAC-SHA1",
        "SignatureNonce": "3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf",
        "SignatureVersion": "1.0",
        "Timestamp": "2016-02-23T12:46:24Z",
        "Version": "2014-05-26",
    }
    assert aliyun_signature(params, "testsecret") == "OLeaidS1JvxuMvnyHOwuJ+uX5qY="


def _enc(value: str) -> str:
    return quote(value, safe="~-_.")


def verify_like_aliyun(query: dict[str, str]) -> bool:
    """The server side, written from the documentation (not from the adapter)."""
    given = query.pop("Signature")
    canonical = "&".join(f"{_enc(k)}={_enc(v)}" for k, v in sorted(query.items()))
    to_sign = "GET&%2F&" + _enc(canonical)
    mac = hmac.new((SECRET + "&").encode(), to_sign.encode(), hashlib.sha1).digest()
    return base64.b64encode(mac).decode() == given


def dysmsapi(replies: list[dict[str, str]]):
    def answer(seen):
        query = dict(seen.query)
        if not verify_like_aliyun(query):
            return 400, {"Code": "SignatureDoesNotMatch", "Message": "bad signature"}
        return 200, replies.pop(0)

    return answer


def configure_aliyun(url: str) -> ChannelConfig:
    return ChannelConfig.objects.create(
        channel="sms",
        provider="aliyun",
        endpoint=url + "/",
        key_id="LTAI-test",
        secret=SECRET,
        sign_name="示例商城",
        options={"template_codes": {"member.birthday": "SMS_100001"}},
    )


def queue_birthday(agent, customer):
    msg = queue_message(
        actor=agent,
        channel="sms",
        to="138 1234 5678",
        template="member.birthday",
        context={"name": "张三 & 李四", "company": "示例"},
        customer=customer,
    )
    assert msg is not None
    return msg


def test_aliyun_sends_a_signed_request_and_keeps_the_biz_id(agent, customer):
    ok = {"Code": "OK", "Message": "OK", "BizId": "900619746936498440^0", "RequestId": "R1"}
    with fake_server(dysmsapi([ok])) as server:
        configure_aliyun(server.url)
        msg = queue_birthday(agent, customer)
        assert delivery.deliver(message_id=msg.pk) == "sent"
    [seen] = server.requests
    assert seen.method == "GET"
    q = seen.query
    assert (q["Action"], q["Version"], q["PhoneNumbers"]) == (
        "SendSms",
        "2017-05-25",
        "13812345678",
    )
    assert (q["SignName"], q["TemplateCode"], q["OutId"]) == (
        "示例商城",
        "SMS_100001",
        f"kefu-{msg.pk}",
    )
    assert json.loads(q["TemplateParam"]) == {"name": "张三 & 李四", "company": "示例"}
    stamp = datetime.strptime(q["Timestamp"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    assert abs(datetime.now(UTC) - stamp) < timedelta(minutes=1)
    msg.refresh_from_db()
    assert (msg.status, msg.provider_message_id) == (Status.SENT, "900619746936498440^0")
    assert msg.delivery_attempts.get().response_code == "OK"


def test_aliyun_flow_control_is_retried_and_a_bad_number_is_not(agent, customer):
    replies = [
        {"Code": "isv.BUSINESS_LIMIT_CONTROL", "Message": "触发分钟级流控"},
        {"Code": "OK", "Message": "OK", "BizId": "B2"},
        {"Code": "isv.MOBILE_NUMBER_ILLEGAL", "Message": "非法手机号"},
    ]
    with fake_server(dysmsapi(replies)) as server:
        configure_aliyun(server.url)
        first = queue_birthday(agent, customer)
        now = timezone.now()
        assert delivery.deliver(message_id=first.pk, now=now) == "queued"
        assert delivery.sweep(now=now + timedelta(minutes=2)) == {"sent": 1}
        second = queue_birthday(agent, customer)
        assert delivery.deliver(message_id=second.pk) == "failed"
    assert len(server.requests) == 3
    assert [r.query["OutId"] for r in server.requests[:2]] == [f"kefu-{first.pk}"] * 2
    second.refresh_from_db()
    assert second.last_error == "Aliyun isv.MOBILE_NUMBER_ILLEGAL: 非法手机号"


def test_a_wrong_secret_is_refused_by_the_server_and_not_retried(agent, customer):
    with fake_server(dysmsapi([])) as server:
        config = configure_aliyun(server.url)
        config.secret = "wrong"
        config.save()
        msg = queue_birthday(agent, customer)
        assert delivery.deliver(message_id=msg.pk) == "failed"
    msg.refresh_from_db()
    assert msg.last_error.startswith("HTTP 400:")


def test_a_template_without_an_aliyun_code_fails_without_a_request(agent, customer):
    with fake_server(dysmsapi([])) as server:
        configure_aliyun(server.url)
        msg = queue_message(
            actor=agent, channel="sms", to="13812345678", template="survey.link", context={}
        )
        assert msg is not None
        assert delivery.deliver(message_id=msg.pk) == "failed"
    assert server.requests == []


def test_the_file_provider_writes_one_line_per_message(agent, customer, tmp_path):
    path = tmp_path / "sms.jsonl"
    ChannelConfig.objects.create(channel="sms", provider="file", options={"path": str(path)})
    msg = queue_birthday(agent, customer)
    assert delivery.deliver(message_id=msg.pk) == "sent"
    lines = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    assert lines == [{"id": msg.pk, "to": "13812345678", "body": msg.body}]


@pytest.mark.parametrize("provider", ["console", ""])
def test_the_console_provider_is_the_default(agent, customer, provider):
    if provider:
        ChannelConfig.objects.create(channel="sms", provider=provider)
    msg = queue_birthday(agent, customer)
    assert delivery.deliver(message_id=msg.pk) == "sent"
