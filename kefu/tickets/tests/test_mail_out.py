"""Agent replies go out by real SMTP (an aiosmtpd sink on loopback) with threading headers;
failed sends raise for a retry, and a retry after success sends nothing."""

from __future__ import annotations

from datetime import datetime
from email import message_from_bytes, policy
from email.message import EmailMessage
from zoneinfo import ZoneInfo

import pytest
from django.core.files.base import ContentFile
from django.tasks import TaskResultStatus
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from kefu.core.choices import Role
from kefu.core.worker import KefuWorker
from kefu.tickets.choices import EventKind
from kefu.tickets.mail.ingest import ingest_mail
from kefu.tickets.mailout import (
    MailRejected,
    MailSendFailed,
    deliver_reply_mail,
    reply_subject,
)
from kefu.tickets.models import Ticket, TicketEvent
from kefu.tickets.services.intake import create_ticket
from kefu.tickets.services.work import add_reply
from kefu.tickets.tasks import send_reply_mail
from kefu.tickets.tests.mailfixtures import PNG, b_word, raw_mail
from kefu.tickets.tests.mailserver import free_port, sink_server

SH = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 23, 10, 0, tzinfo=SH)


@pytest.fixture(autouse=True)
def smtp_settings(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.KEFU_MAIL_FROM = "客服中心 <kefu@shop.example>"
    settings.SMTP_TEST_PORT = free_port()  # nothing listens until a test starts a sink there
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": settings.SMTP_TEST_PORT, "timeout": 5},
        }
    }
    return settings


@pytest.fixture
def agent(org, make_user):
    return make_user(Role.AGENT, org.hq)


@pytest.fixture
def mailed_ticket(org) -> Ticket:
    """A ticket opened by mail, then a second customer mail on it."""
    first = raw_mail(
        subject=f"Subject: {b_word('快递外箱破损', 'gb2312')}",
        sender=f"{b_word('李四', 'gbk')} <lisi@example.com>",
        message_id="<first@example.com>",
    )
    ticket = ingest_mail(first, now=NOW).ticket
    assert ticket is not None
    ingest_mail(
        raw_mail(message_id="<second@example.com>", extra="In-Reply-To: <first@example.com>\r\n"),
        now=NOW,
    )
    return ticket


def received(sink) -> list[EmailMessage]:
    return [message_from_bytes(data, policy=policy.default) for _f, _t, data in sink.messages]


def test_reply_goes_out_with_threading_headers(
    mailed_ticket, agent, settings, django_capture_on_commit_callbacks
):
    with (
        sink_server(settings.SMTP_TEST_PORT) as (sink, _port),
        django_capture_on_commit_callbacks(execute=True),
    ):
        event = add_reply(
            actor=agent,
            ticket=mailed_ticket,
            body="李先生您好：\n已为您安排补发，单号 SF1234567890。",
            files=[ContentFile(PNG, name="补发凭证.png")],
            now=NOW,
        )
    event.refresh_from_db()
    [msg] = received(sink)
    number = mailed_ticket.number
    assert msg["Subject"] == f"Re: 快递外箱破损 [#{number}]"
    assert msg["From"] == "客服中心 <kefu@shop.example>"
    assert msg["To"] == "李四 <lisi@example.com>"
    assert msg["Message-ID"].strip() == event.message_id
    assert event.message_id.startswith("<")
    assert event.message_id.endswith("@shop.example>")
    assert msg["In-Reply-To"] == "<second@example.com>"
    assert msg["References"] == "<first@example.com> <second@example.com>"
    assert msg["X-Kefu-Ticket"] == number
    body = msg.get_body(("plain",))
    assert body is not None
    assert body.get_content_charset() == "utf-8"
    assert (
        body.get_content().replace("\r\n", "\n").strip()
        == "李先生您好：\n已为您安排补发，单号 SF1234567890。"
    )
    [attachment] = list(msg.iter_attachments())
    assert attachment.get_filename() == "补发凭证.png"
    assert attachment.get_content() == PNG
    assert sink.messages[0][1] == ["lisi@example.com"]
    state = event.data["mail"]
    assert state["sent_at"]
    assert [a["error"] for a in state["attempts"]] == [""]
    # the customer answers our reply: it threads back by our Message-ID
    answer = raw_mail(
        message_id="<third@example.com>", extra=f"In-Reply-To: {event.message_id}\r\n"
    )
    assert ingest_mail(answer, now=NOW).ticket == mailed_ticket


def test_second_reply_references_the_whole_thread(
    mailed_ticket, agent, settings, django_capture_on_commit_callbacks
):
    with sink_server(settings.SMTP_TEST_PORT) as (sink, _port):
        with django_capture_on_commit_callbacks(execute=True):
            one = add_reply(actor=agent, ticket=mailed_ticket, body="第一次回复", now=NOW)
        mailed_ticket.refresh_from_db()
        with django_capture_on_commit_callbacks(execute=True):
            add_reply(actor=agent, ticket=mailed_ticket, body="第二次回复", now=NOW)
    first, second = received(sink)
    assert first["References"] == "<first@example.com> <second@example.com>"
    assert second["In-Reply-To"] == "<second@example.com>"
    assert second["References"] == (f"<first@example.com> <second@example.com> {one.message_id}")


def test_no_mail_without_contact_email_or_for_notes(
    org, agent, settings, django_capture_on_commit_callbacks
):
    ticket = create_ticket(
        actor=agent, unit=org.hq, type="enquiry", channel="phone", title="电话咨询", now=NOW
    )
    with (
        sink_server(settings.SMTP_TEST_PORT) as (sink, _port),
        django_capture_on_commit_callbacks(execute=True) as callbacks,
    ):
        event = add_reply(actor=agent, ticket=ticket, body="已电话答复", now=NOW)
    assert (callbacks, sink.messages, event.message_id) == ([], [], "")


def test_failed_send_raises_and_retry_after_success_sends_once(
    mailed_ticket, agent, settings, django_capture_on_commit_callbacks
):
    # server down: the queued task fails (the immediate backend records the failure)
    with django_capture_on_commit_callbacks(execute=True):
        event = add_reply(actor=agent, ticket=mailed_ticket, body="您好，已处理。", now=NOW)
    event.refresh_from_db()
    state = event.data["mail"]
    assert "sent_at" not in state
    assert len(state["attempts"]) == 1
    assert state["attempts"][0]["error"].startswith("ConnectionRefusedError")
    with pytest.raises(MailSendFailed):
        send_reply_mail.call(event.pk)
    with sink_server(settings.SMTP_TEST_PORT) as (sink, _port):
        assert send_reply_mail.call(event.pk) == "sent"
        assert send_reply_mail.call(event.pk) == "already_sent"
        assert deliver_reply_mail(event_id=event.pk) == "already_sent"
    assert len(sink.messages) == 1
    event.refresh_from_db()
    assert [bool(a["error"]) for a in event.data["mail"]["attempts"]] == [True, True, False]
    [msg] = received(sink)
    assert msg["Message-ID"].strip() == event.message_id  # the same id on every attempt


def test_failed_send_queues_a_deferred_retry_on_the_database_backend(
    mailed_ticket, agent, settings
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    event = TicketEvent.objects.create(
        ticket=mailed_ticket,
        kind=EventKind.REPLY,
        body="x",
        is_public=True,
        message_id="<r@shop.example>",
    )
    with pytest.raises(MailSendFailed):
        send_reply_mail.call(event.pk, 3)
    retry = DBTaskResult.objects.get()
    assert retry.task_path == "kefu.tickets.tasks.send_reply_mail"
    assert retry.args_kwargs == {"args": [event.pk, 4], "kwargs": {}}
    assert retry.run_after is not None
    settings.KEFU_MAIL_MAX_ATTEMPTS = 4
    with pytest.raises(MailSendFailed):
        send_reply_mail.call(event.pk, 4)
    assert DBTaskResult.objects.count() == 1  # no fifth attempt


def test_worker_retries_a_failed_send_and_delivers_once(
    mailed_ticket, agent, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    with django_capture_on_commit_callbacks(execute=True):
        event = add_reply(actor=agent, ticket=mailed_ticket, body="正在处理", now=NOW)
    first = KefuWorker(worker_id="w1", schedule=False, burst=True).run()
    assert (first.tasks_run, first.tasks_failed) == (1, 1)  # server down
    retry = DBTaskResult.objects.get(status=TaskResultStatus.READY)
    assert retry.args_kwargs["args"] == [event.pk, 2]
    assert retry.run_after is not None
    assert KefuWorker(worker_id="w2", schedule=False, burst=True).run().tasks_run == 0  # not due
    DBTaskResult.objects.filter(pk=retry.pk).update(run_after=timezone.now())
    with sink_server(settings.SMTP_TEST_PORT) as (sink, _port):
        second = KefuWorker(worker_id="w3", schedule=False, burst=True).run()
    assert (second.tasks_run, second.tasks_failed, len(sink.messages)) == (1, 0, 1)
    assert not DBTaskResult.objects.filter(status=TaskResultStatus.READY).exists()


@pytest.mark.parametrize(
    ("rcpt_reply", "retried"), [("550 5.1.1 no such user", False), ("450 4.2.0 greylisted", True)]
)
def test_permanent_refusal_is_not_retried(mailed_ticket, settings, rcpt_reply, retried):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    event = TicketEvent.objects.create(
        ticket=mailed_ticket,
        kind=EventKind.REPLY,
        body="x",
        is_public=True,
        message_id="<r@shop.example>",
    )
    with (
        sink_server(settings.SMTP_TEST_PORT, rcpt_reply=rcpt_reply),
        pytest.raises(MailSendFailed) as excinfo,
    ):
        send_reply_mail.call(event.pk)
    assert isinstance(excinfo.value, MailRejected) is not retried
    assert DBTaskResult.objects.exists() is retried
    event.refresh_from_db()
    [attempt] = event.data["mail"]["attempts"]
    assert attempt["error"].startswith("SMTPRecipientsRefused")
    assert attempt.get("permanent", False) is not retried


def test_reply_subject_drops_reply_prefixes_and_old_tags(mailed_ticket):
    mailed_ticket.title = "回复：Re: 快递 [#KF202611230009]"
    assert reply_subject(mailed_ticket) == f"Re: 快递 [#{mailed_ticket.number}]"
