"""ingest_mail and `kefu mail-in` on stdin: new tickets, replies, duplicates, loops."""

from __future__ import annotations

import io
import subprocess
import sys
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from kefu.core.models import AuditEvent
from kefu.customers.models import Customer
from kefu.tickets.choices import EventKind
from kefu.tickets.mail.ingest import IngestResult, ingest_mail
from kefu.tickets.mail.parse import MailParseError
from kefu.tickets.models import Attachment, Ticket, TicketEvent
from kefu.tickets.tests.mailfixtures import PNG, b64, b_word, multipart, part, raw_mail

SH = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 23, 10, 0, tzinfo=SH)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.KEFU_MAIL_FROM = "客服中心 <kefu@shop.example>"
    with translation.override("en"):  # notes are asserted by their English msgids
        yield


def ticket_of(result: IngestResult) -> Ticket:
    assert result.ticket is not None
    return result.ticket


def event_of(result: IngestResult) -> TicketEvent:
    assert result.event is not None
    return result.event


def first_mail(**kwargs):
    defaults = {
        "subject": f"Subject: {b_word('快递外箱破损', 'gb2312')}",
        "body": "快递到了，外箱破损，请处理。".encode("gbk"),
        "content_type": "text/plain; charset=gb2312",
        "sender": f"{b_word('李四', 'gbk')} <lisi@example.com>",
        "message_id": "<first@example.com>",
    }
    return raw_mail(**{**defaults, **kwargs})


def test_new_mail_opens_a_ticket(org):
    result = ingest_mail(first_mail(), now=NOW)
    assert result.outcome == "created"
    ticket = Ticket.objects.get()
    assert result.ticket == ticket
    assert result.number == ticket.number == "KF202611230001"
    assert (ticket.type, ticket.channel, ticket.unit) == ("enquiry", "email", org.hq)
    assert ticket.title == "快递外箱破损"
    assert ticket.description == "快递到了，外箱破损，请处理。"
    assert (ticket.contact_name, ticket.contact_email) == ("李四", "lisi@example.com")
    assert ticket.message_id == "<first@example.com>"
    assert ticket.customer is None
    assert ticket.created_by is None
    assert ticket.events.filter(kind=EventKind.CREATED).count() == 1


def test_default_unit_setting_and_known_customer(org, settings):
    settings.KEFU_MAIL_DEFAULT_UNIT = "S-SH1"
    assert ticket_of(ingest_mail(first_mail(), now=NOW)).unit == org.shanghai
    customer = Customer.objects.create(unit=org.guangzhou, name="王五", email="WangWu@example.com")
    ticket = ticket_of(
        ingest_mail(first_mail(sender="wangwu@example.com", message_id="<w@example.com>"), now=NOW)
    )
    assert ticket.customer == customer
    assert ticket.unit == org.guangzhou
    assert ticket.contact_name == "wangwu"


def test_attachments_are_kept_and_refused_ones_noted(org):
    raw = multipart(
        [
            part("Content-Type: text/plain; charset=utf-8", "照片见附件".encode()),
            part(
                "Content-Type: image/png\nContent-Transfer-Encoding: base64\n"
                "Content-Disposition: attachment; filename*=UTF-8''%E7%A0%B4%E6%8D%9F.png",
                b64(PNG),
            ),
            part(
                "Content-Type: application/octet-stream\nContent-Transfer-Encoding: base64\n"
                'Content-Disposition: attachment; filename="setup.exe"',
                b64(b"MZ\x90\x00" + b"\x00" * 20),
            ),
        ],
        subject="Subject: photo",
    )
    ticket = ticket_of(ingest_mail(raw, now=NOW))
    attachment = Attachment.objects.get()
    assert (attachment.ticket, attachment.filename, attachment.content_type) == (
        ticket,
        "破损.png",
        "image/png",
    )
    assert attachment.event is not None
    assert attachment.event.kind == EventKind.CREATED
    assert attachment.size == len(PNG)
    with attachment.file.open("rb") as handle:
        assert handle.read() == PNG
    assert ticket.description.startswith("照片见附件\n\n[Attachment not kept: setup.exe")


def test_replies_by_in_reply_to_references_and_subject_tag(org):
    ticket = ticket_of(ingest_mail(first_mail(), now=NOW))
    by_header = ingest_mail(
        raw_mail(
            subject="Subject: =?UTF-8?B?5Zue5aSNOiDlv6vpgJLlpJbnrrHnoLTmjZ8=?=",
            body="补充：是顺丰快递。\n\n------------ 原始邮件 ------------\n旧".encode(),
            sender="lisi@example.com",
            message_id="<second@example.com>",
            extra="In-Reply-To: <first@example.com>\r\n",
        ),
        now=NOW,
    )
    assert (by_header.outcome, by_header.ticket) == ("added", ticket)
    event = event_of(by_header)
    assert (event.kind, event.body, event.message_id, event.is_public) == (
        EventKind.CUSTOMER_MESSAGE,
        "补充：是顺丰快递。",
        "<second@example.com>",
        True,
    )
    by_refs = ingest_mail(
        raw_mail(
            subject="Subject: again",
            message_id="<third@example.com>",
            extra="References: <unknown@x> <second@example.com>\r\n",
        ),
        now=NOW,
    )
    assert by_refs.ticket == ticket
    by_tag = ingest_mail(
        raw_mail(
            subject=f"Subject: {b_word(f'回复：快递外箱破损 [#{ticket.number}]', 'gbk')}",
            body="还有一个问题".encode("gbk"),
            content_type="text/plain; charset=gbk",
            message_id="<fourth@example.com>",
        ),
        now=NOW,
    )
    assert (by_tag.outcome, by_tag.ticket) == ("added", ticket)
    assert Ticket.objects.count() == 1
    bodies = list(
        ticket.events.filter(kind=EventKind.CUSTOMER_MESSAGE).values_list("body", flat=True)
    )
    assert bodies == ["补充：是顺丰快递。", "hello", "还有一个问题"]


def test_reply_to_our_outbound_message_id_threads(org):
    ticket = ticket_of(ingest_mail(first_mail(), now=NOW))
    TicketEvent.objects.create(
        ticket=ticket, kind=EventKind.REPLY, body="已处理", message_id="<out.1@shop.example>"
    )
    result = ingest_mail(
        raw_mail(message_id="<x@example.com>", extra="In-Reply-To: <out.1@shop.example>\r\n"),
        now=NOW,
    )
    assert result.ticket == ticket


def test_unknown_tag_opens_a_new_ticket_without_the_tag(org):
    result = ingest_mail(
        raw_mail(subject=f"Subject: {b_word('问题 [#KF209901010001]', 'utf-8')}"), now=NOW
    )
    assert result.outcome == "created"
    assert ticket_of(result).title == "问题"


def test_duplicate_message_id_creates_nothing(org):
    raw = first_mail()
    first = ingest_mail(raw, now=NOW)
    again = ingest_mail(raw, now=NOW)
    assert (again.outcome, again.ticket) == ("duplicate", first.ticket)
    reply = raw_mail(message_id="<r@example.com>", extra="In-Reply-To: <first@example.com>\r\n")
    ingest_mail(reply, now=NOW)
    events = TicketEvent.objects.count()
    assert ingest_mail(reply, now=NOW).outcome == "duplicate"
    assert (Ticket.objects.count(), TicketEvent.objects.count()) == (1, events)


def test_own_address_and_auto_replies_are_recorded_not_answered(org):
    own = ingest_mail(raw_mail(sender="Kefu <KEFU@shop.example>"), now=NOW)
    assert (own.outcome, own.ticket, own.reason) == ("ignored", None, "own address")
    auto = ingest_mail(
        raw_mail(message_id="<auto@x>", extra="Auto-Submitted: auto-replied\r\n"), now=NOW
    )
    assert (auto.outcome, auto.ticket) == ("ignored", None)
    assert Ticket.objects.count() == 0
    assert AuditEvent.objects.filter(action="mail.ignored").count() == 2
    ticket = ticket_of(ingest_mail(first_mail(), now=NOW))
    ooo = ingest_mail(
        raw_mail(
            subject="Subject: Out of office",
            message_id="<ooo@x>",
            extra="Precedence: bulk\r\nIn-Reply-To: <first@example.com>\r\n",
        ),
        now=NOW,
    )
    assert (ooo.outcome, ooo.ticket, event_of(ooo).kind) == ("ignored", ticket, EventKind.NOTE)
    assert not ticket.events.filter(kind=EventKind.CUSTOMER_MESSAGE).exists()
    assert ingest_mail(raw_mail(message_id="<ooo@x>"), now=NOW).outcome == "duplicate"


def test_unparseable_mail_raises_and_writes_nothing(org):
    with pytest.raises(MailParseError):
        ingest_mail(b"no headers here")
    assert Ticket.objects.count() == 0


def test_mail_in_command_reads_stdin(org):
    out = io.StringIO()
    call_command("mail_in", stdin=io.BytesIO(first_mail()), stdout=out)
    ticket = Ticket.objects.get()
    assert out.getvalue().strip() == ticket.number
    out = io.StringIO()
    call_command("mail_in", stdin=io.BytesIO(first_mail()), stdout=out)
    assert out.getvalue().strip() == ticket.number  # redelivery: same ticket, nothing new
    assert Ticket.objects.count() == 1


def test_mail_in_command_refuses_garbage(org):
    with pytest.raises(CommandError) as excinfo:
        call_command("mail_in", stdin=io.BytesIO(b""))
    assert excinfo.value.returncode == 65


def test_mail_in_pipe_exit_code_and_no_traceback(settings):
    proc = subprocess.run(
        [sys.executable, "-m", "kefu", "mail-in"],
        input=b"garbage without headers",
        capture_output=True,
        cwd=settings.BASE_DIR,
        timeout=60,
        check=False,
    )
    assert proc.returncode == 65
    assert b"Not a mail message" in proc.stderr
    assert b"Traceback" not in proc.stderr


def test_nul_bytes_and_broken_text_are_stored_safely(org):
    raw = raw_mail(
        subject="Subject: bad\x00subject \udcff\udcfe",
        body=b"line\x00one \xff\xfe\x80 end",
        content_type="text/plain; charset=utf-8",
        sender="Bad\x00Name <bad@example.com>",
    )
    ticket = ticket_of(ingest_mail(raw, now=NOW))
    ticket.refresh_from_db()
    assert "\x00" not in ticket.title + ticket.description + ticket.contact_name
    assert ticket.title.startswith("bad\ufffdsubject")
    assert ticket.description.startswith("line\ufffdone")


def test_reply_to_a_closed_ticket_opens_a_follow_up(org):
    old = ticket_of(ingest_mail(first_mail(), now=NOW))
    Ticket.objects.filter(pk=old.pk).update(status="closed")
    result = ingest_mail(
        raw_mail(message_id="<late@example.com>", extra="In-Reply-To: <first@example.com>\r\n"),
        now=NOW,
    )
    new = ticket_of(result)
    assert (result.outcome, result.reason) == ("created", f"follow-up to {old.number}")
    assert new != old
    assert new.unit == old.unit
    assert new.description == f"Follow-up to the closed ticket {old.number}.\n\nhello"
    note = old.events.get(kind=EventKind.NOTE)
    assert note.data == {"follow_up": new.number}
    assert not old.events.filter(kind=EventKind.CUSTOMER_MESSAGE).exists()
