"""Real SMTP on loopback: the aiosmtpd listener files mail as tickets (threads use the ORM),
and `kefu mail-in --smtp` runs as a process that stops cleanly on SIGTERM."""

from __future__ import annotations

import signal
import smtplib
import time
from concurrent.futures import ThreadPoolExecutor
from email.message import EmailMessage
from email.policy import SMTP

import pytest
from django.core.management import CommandError, call_command

from kefu.core.tests.external_db import ExternalDb
from kefu.tickets.choices import EventKind
from kefu.tickets.mail import smtp as smtp_module
from kefu.tickets.mail.smtp import make_controller
from kefu.tickets.models import Attachment, Ticket
from kefu.tickets.tests.mailfixtures import PNG
from kefu.tickets.tests.mailserver import free_port

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def chinese_mail(message_id: str = "<smtp-1@example.com>", **headers: str) -> EmailMessage:
    msg = EmailMessage(policy=SMTP)
    msg["From"] = "赵六 <zhaoliu@example.com>"
    msg["To"] = "kefu@localhost"
    msg["Subject"] = "空调不制冷，请尽快上门维修"
    msg["Message-ID"] = message_id
    for name, value in headers.items():
        msg[name.replace("_", "-")] = value
    msg.set_content("您好：\n家里的空调不制冷，型号 KFR-35GW，请安排师傅上门。\n谢谢！")
    msg.add_attachment(PNG, maintype="image", subtype="png", filename="铭牌照片.png")
    return msg


def deliver(port: int, data: bytes, sender: str = "zhaoliu@example.com") -> tuple[int, bytes]:
    with smtplib.SMTP("127.0.0.1", port, timeout=20) as client:
        client.ehlo()
        client.mail(sender)
        client.rcpt("kefu@localhost")
        return client.data(data)


@pytest.fixture
def listener(org):
    port = free_port()
    controller = make_controller("127.0.0.1", port)
    controller.start()
    yield port
    controller.stop()


def test_smtp_listener_files_a_chinese_mail_and_a_reply(listener):
    code, reply = deliver(listener, chinese_mail().as_bytes())
    ticket = Ticket.objects.get()
    assert (code, reply.decode()) == (250, f"2.0.0 OK created {ticket.number}")
    assert ticket.title == "空调不制冷，请尽快上门维修"
    assert ticket.description == "您好：\n家里的空调不制冷，型号 KFR-35GW，请安排师傅上门。\n谢谢！"
    assert (ticket.contact_name, ticket.contact_email) == ("赵六", "zhaoliu@example.com")
    assert Attachment.objects.get().filename == "铭牌照片.png"
    # the same mail again (an MTA retry) is accepted without a second ticket
    code, reply = deliver(listener, chinese_mail().as_bytes())
    assert (code, reply.decode()) == (250, f"2.0.0 OK duplicate {ticket.number}")
    answer = chinese_mail("<smtp-2@example.com>", In_Reply_To="<smtp-1@example.com>")
    code, reply = deliver(listener, answer.as_bytes())
    assert (code, reply.decode()) == (250, f"2.0.0 OK added {ticket.number}")
    assert Ticket.objects.count() == 1
    message = ticket.events.get(kind=EventKind.CUSTOMER_MESSAGE)
    assert message.message_id == "<smtp-2@example.com>"
    assert list(message.attachments.values_list("filename", flat=True)) == ["铭牌照片.png"]


def test_smtp_listener_refuses_unreadable_mail(listener):
    code, reply = deliver(listener, b"Subject: nobody sent this\r\n\r\nbody")
    assert code == 554
    assert b"no sender address" in reply
    assert Ticket.objects.count() == 0


def test_smtp_listener_temporary_failure_is_451(listener, monkeypatch):
    def broken(raw, now=None):
        raise RuntimeError("database is down")

    monkeypatch.setattr(smtp_module, "ingest_mail", broken)
    code, _reply = deliver(listener, chinese_mail().as_bytes())
    assert code == 451


def test_smtp_listener_size_limit(org, settings):
    settings.KEFU_MAIL_MAX_BYTES = 2000
    port = free_port()
    controller = make_controller("127.0.0.1", port)
    controller.start()
    try:
        code, _reply = deliver(port, chinese_mail().as_bytes() + (b"x" * 70 + b"\r\n") * 100)
        assert code == 552
    finally:
        controller.stop()
    assert Ticket.objects.count() == 0


def test_mail_in_smtp_command_process_stops_on_sigterm(org, tmp_path):
    external = ExternalDb(tmp_path)
    external.push()
    port = free_port()
    proc = external.popen("mail-in", "--smtp", f"127.0.0.1:{port}")
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        assert line.strip() == f"mail-in: listening for SMTP on 127.0.0.1:{port}"
        code, reply = deliver(port, chinese_mail().as_bytes())
        assert code == 250
        number = reply.decode().rsplit(" ", 1)[-1]
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 0, err
    assert "mail-in: stopped" in out
    assert "Traceback" not in err
    time.sleep(0.1)
    external.pull()
    ticket = Ticket.objects.get()
    assert ticket.number == number
    assert ticket.title == "空调不制冷，请尽快上门维修"


def test_concurrent_redelivery_files_one_ticket(org, tmp_path):
    """Four MTA connections deliver the same mail at once to the listener process (a real
    file database on SQLite: in-memory SQLite's shared cache cannot wait for locks)."""
    external = ExternalDb(tmp_path)
    external.push()
    port = free_port()
    proc = external.popen("mail-in", "--smtp", f"127.0.0.1:{port}")
    try:
        assert proc.stdout is not None
        assert "listening" in proc.stdout.readline()
        data = chinese_mail("<twice@example.com>").as_bytes()
        with ThreadPoolExecutor(max_workers=4) as pool:
            replies = list(pool.map(lambda _i: deliver(port, data), range(4)))
        proc.send_signal(signal.SIGTERM)
        _out, err = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 0, err
    external.pull()
    ticket = Ticket.objects.get()
    assert [code for code, _reply in replies] == [250] * 4, err
    assert (
        sorted(reply.decode() for _code, reply in replies)
        == [f"2.0.0 OK created {ticket.number}"] + [f"2.0.0 OK duplicate {ticket.number}"] * 3
    )


def test_mail_in_smtp_bad_address_or_busy_port(listener):
    with pytest.raises(CommandError, match="HOST:PORT"):
        call_command("mail_in", smtp="localhost")
    with pytest.raises(CommandError, match=f"Cannot listen on 127.0.0.1:{listener}"):
        call_command("mail_in", smtp=f"127.0.0.1:{listener}")
