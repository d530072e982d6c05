"""Email through a real SMTP server (aiosmtpd) on loopback: retries, backoff, exactly one
`sent`, and a crash between send and mark that resends the same Message-ID."""

from __future__ import annotations

import email
from datetime import timedelta
from unittest import mock

import pytest
from django.utils import timezone

from kefu.notifications import delivery
from kefu.notifications.channels.email import message_id
from kefu.notifications.choices import Status
from kefu.notifications.services import queue_message
from kefu.tickets.tests.mailserver import free_port, sink_server


@pytest.fixture(autouse=True)
def smtp_settings(settings):
    settings.KEFU_MAIL_FROM = "客服中心 <kefu@shop.example>"
    settings.SMTP_TEST_PORT = free_port()  # nothing listens until a test starts a sink there
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": settings.SMTP_TEST_PORT, "timeout": 5},
        }
    }
    settings.KEFU_NOTIFY_RETRY_BASE_SECONDS = 60
    settings.KEFU_NOTIFY_MAX_ATTEMPTS = 3
    return settings


def queue(agent, customer, **extra):
    msg = queue_message(
        actor=agent,
        channel="email",
        to="zhangsan@example.com",
        template="ticket.progress",
        context={"name": "张三", "number": "KF1", "title": "漏水", "status": "处理中"},
        customer=customer,
        **extra,
    )
    assert msg is not None
    return msg


def parsed(raw: bytes) -> email.message.Message:
    return email.message_from_bytes(raw)


def test_a_send_that_fails_is_retried_after_backoff_and_delivered_once(
    agent, customer, smtp_settings
):
    msg = queue(agent, customer)
    now = timezone.now()
    assert delivery.deliver(message_id=msg.pk, now=now) == "queued"  # nobody listens yet
    msg.refresh_from_db()
    assert (msg.status, msg.attempts) == (Status.QUEUED, 1)
    assert "ConnectionRefusedError" in msg.last_error
    wait = msg.next_attempt_at - timezone.now()
    assert timedelta(seconds=55) < wait <= timedelta(seconds=60)

    with sink_server(smtp_settings.SMTP_TEST_PORT) as (sink, _port):
        assert delivery.sweep(now=now + timedelta(seconds=30)) == {}  # not due yet
        assert delivery.sweep(now=now + timedelta(seconds=61)) == {"sent": 1}
        assert delivery.sweep(now=now + timedelta(hours=1)) == {}
        assert delivery.deliver(message_id=msg.pk) == "skipped"  # a duplicate task

    assert len(sink.messages) == 1
    mail = parsed(sink.messages[0][2])
    assert mail["Message-ID"] == message_id(msg)
    assert sink.messages[0][1] == ["zhangsan@example.com"]
    msg.refresh_from_db()
    assert (msg.status, msg.attempts, msg.last_error) == (Status.SENT, 2, "")
    assert msg.provider_message_id == message_id(msg)
    attempts = list(msg.delivery_attempts.values_list("number", "ok"))
    assert attempts == [(1, False), (2, True)]


def test_a_crash_between_send_and_mark_resends_the_same_message_id_and_marks_sent_once(
    agent, customer, smtp_settings
):
    msg = queue(agent, customer, dedupe_key="progress:KF1:1")
    now = timezone.now()
    with sink_server(smtp_settings.SMTP_TEST_PORT) as (sink, _port):
        with (
            mock.patch.object(delivery, "_finish", side_effect=SystemExit("worker killed")),
            pytest.raises(SystemExit),
        ):
            delivery.deliver(message_id=msg.pk, now=now)
        msg.refresh_from_db()
        assert (msg.status, msg.attempts) == (Status.SENDING, 1)
        # Within the lease nobody touches it (the first worker may still report back).
        assert delivery.sweep(now=now + timedelta(minutes=5)) == {}
        assert len(sink.messages) == 1
        # The lease ran out: the outcome is unknown, so it is sent again, as the same mail.
        assert delivery.sweep(now=now + timedelta(minutes=11)) == {"sent": 1}
        assert delivery.sweep(now=now + timedelta(days=1)) == {}

    ids = [parsed(raw)["Message-ID"] for _f, _t, raw in sink.messages]
    assert ids == [message_id(msg), message_id(msg)]
    msg.refresh_from_db()
    assert (msg.status, msg.attempts) == (Status.SENT, 2)
    rows = list(msg.delivery_attempts.values_list("number", "ok", "error"))
    assert rows == [(1, False, "outcome unknown (lease expired)"), (2, True, "")]


def test_a_temporary_refusal_is_retried_and_a_permanent_one_is_not(agent, customer, smtp_settings):
    temp = queue(agent, customer)
    perm = queue(agent, customer)
    now = timezone.now()
    port = smtp_settings.SMTP_TEST_PORT
    with sink_server(port, rcpt_reply="451 4.3.0 try again later"):
        assert delivery.deliver(message_id=temp.pk, now=now) == "queued"
    with sink_server(port, rcpt_reply="550 5.1.1 no such user") as (sink, _port):
        assert delivery.deliver(message_id=perm.pk, now=now) == "failed"
        assert sink.messages == []
    perm.refresh_from_db()
    assert (perm.status, perm.attempts, perm.next_attempt_at) == (Status.FAILED, 1, None)
    attempt = perm.delivery_attempts.get()
    assert (attempt.ok, attempt.response_code) == (False, "550")


def test_it_gives_up_after_the_last_attempt(agent, customer):
    msg = queue(agent, customer)
    now = timezone.now()
    outcomes = [delivery.deliver(message_id=msg.pk, now=now + timedelta(hours=i)) for i in range(4)]
    assert outcomes == ["queued", "queued", "failed", "skipped"]
    msg.refresh_from_db()
    assert (msg.status, msg.attempts) == (Status.FAILED, 3)
    assert msg.delivery_attempts.count() == 3


@pytest.mark.parametrize(("attempts", "seconds"), [(1, 60), (2, 120), (3, 240), (12, 21600)])
def test_backoff_doubles_up_to_a_cap(attempts, seconds):
    assert delivery.backoff(attempts) == timedelta(seconds=seconds)
