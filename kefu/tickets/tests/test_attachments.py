from __future__ import annotations

import hashlib

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile

from kefu.core.choices import Role
from kefu.core.errors import NotFound
from kefu.tickets.errors import AttachmentRefused
from kefu.tickets.models import Attachment, TicketEvent
from kefu.tickets.services import work
from kefu.tickets.services.attachments import add_attachment, safe_filename, sniff
from kefu.tickets.services.intake import create_ticket

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 100
PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n" + b"1 0 obj\n" * 10
ZIP = b"PK\x03\x04" + b"\x00" * 60
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 60


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def setup(org, make_user):
    agent = make_user(Role.AGENT, org.east)
    ticket = create_ticket(
        actor=agent, unit=org.shanghai, type="repair", channel="phone", title="附件"
    )
    return agent, ticket


@pytest.mark.parametrize(
    ("data", "name", "expected"),
    [
        (PNG, "photo.png", "image/png"),
        (b"\xff\xd8\xff\xe0" + b"\x00" * 20, "照片.jpg", "image/jpeg"),
        (b"GIF89a" + b"\x00" * 10, "a.gif", "image/gif"),
        (b"RIFF\x00\x00\x00\x00WEBPVP8 ", "a.webp", "image/webp"),
        (PDF, "invoice.pdf", "application/pdf"),
        (PDF, "invoice.png", "application/pdf"),
        (
            ZIP,
            "report.docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        (ZIP, "sheet.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        (ZIP, "bundle.zip", "application/zip"),
        (OLE, "old.xls", "application/vnd.ms-excel"),
        ("纯文本说明，GBK 也行".encode("gbk"), "说明.txt", "text/plain"),
        ("utf-8 文本".encode(), "notes.txt", "text/plain"),
    ],
)
def test_sniff_allows(data, name, expected):
    assert sniff(data, name) == expected


@pytest.mark.parametrize(
    ("data", "name"),
    [
        (b"MZ\x90\x00" + b"\x00" * 60, "invoice.pdf"),
        (b"\x7fELF\x02\x01", "photo.png"),
        (b"#!/bin/sh\nrm -rf /\n", "readme.txt"),
        (b"<html><body>hi</body></html>", "page.txt"),
        (b"  <!DOCTYPE html><p>x", "a.png"),
        (b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"/>', "logo.png"),
        (b"<svg onload=alert(1)>", "x.jpg"),
        (b"\x00\x01\x02\x03binary", "data.bin"),
    ],
)
def test_sniff_refuses_by_content(data, name):
    with pytest.raises(AttachmentRefused):
        sniff(data, name)


def test_safe_filename():
    assert safe_filename("../../etc/passwd") == "passwd"
    assert safe_filename("C:\\Users\\x\\报告.pdf") == "报告.pdf"
    assert safe_filename('a<b>:c"|?*.txt') == "a_b_c_.txt"
    assert safe_filename("\x00\x1f") == "attachment"
    assert safe_filename(".hidden") == "hidden"
    long = safe_filename("长" * 300 + ".pdf")
    assert long.endswith(".pdf")
    assert len(long) == 150


def test_reply_with_files_stores_by_hash_and_dedupes(setup):
    agent, ticket = setup
    upload = SimpleUploadedFile("../现场照片.png", PNG, content_type="text/html")
    event = work.add_reply(actor=agent, ticket=ticket, body="见附件", files=[upload])
    att = Attachment.objects.get()
    digest = hashlib.sha256(PNG).hexdigest()
    assert att.event == event
    assert att.filename == "现场照片.png"
    assert att.content_type == "image/png"
    assert att.size == len(PNG)
    assert att.sha256 == digest
    assert att.file.name == f"attachments/{digest[:2]}/{digest}"
    assert att.file.read() == PNG
    work.add_note(actor=agent, ticket=ticket, body="同一张", files=[ContentFile(PNG, name="b.png")])
    names = set(Attachment.objects.values_list("file", flat=True))
    assert names == {f"attachments/{digest[:2]}/{digest}"}


def test_refused_file_rolls_back_the_reply(setup):
    agent, ticket = setup
    bad = SimpleUploadedFile("invoice.pdf", b"MZ\x90\x00evil", content_type="application/pdf")
    with pytest.raises(AttachmentRefused):
        work.add_reply(actor=agent, ticket=ticket, body="附件", files=[bad])
    assert TicketEvent.objects.filter(ticket=ticket).count() == 1
    assert Attachment.objects.count() == 0
    ticket.refresh_from_db()
    assert ticket.version == 1


def test_size_cap_and_empty(setup, settings):
    agent, ticket = setup
    settings.KEFU_MAX_UPLOAD_BYTES = 1000
    event = TicketEvent.objects.get(ticket=ticket)
    with pytest.raises(AttachmentRefused) as exc:
        add_attachment(
            actor=agent, ticket=ticket, event=event, upload=ContentFile(PDF * 100, name="a.pdf")
        )
    assert exc.value.details == {"size": len(PDF * 100), "limit": 1000}
    with pytest.raises(AttachmentRefused):
        add_attachment(actor=agent, ticket=ticket, event=event, upload=ContentFile(b"", name="e"))
    assert Attachment.objects.count() == 0


def test_other_region_cannot_attach(setup, org, make_user):
    _agent, ticket = setup
    south = make_user(Role.AGENT, org.south)
    with pytest.raises(NotFound):
        add_attachment(
            actor=south, ticket=ticket, event=None, upload=ContentFile(PNG, name="x.png")
        )
    assert Attachment.objects.count() == 0


def test_customer_message_with_attachment(setup):
    _agent, ticket = setup
    ev = work.add_customer_message(
        ticket=ticket, body="", files=[ContentFile(PDF, name="发票.pdf")]
    )
    assert [a.filename for a in ev.attachments.all()] == ["发票.pdf"]


def test_api_upload_and_download(setup, org, make_user, api_as):
    agent, ticket = setup
    client = api_as(agent)
    upload = SimpleUploadedFile("合同.pdf", PDF, content_type="application/pdf")
    r = client.client.post(
        f"/api/v1/tickets/{ticket.pk}/attachments",
        {"file": upload, "note": "合同扫描件"},
        headers=client.headers,
    )
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["kind"] == "note"
    assert body["body"] == "合同扫描件"
    att = body["attachments"][0]
    assert (att["filename"], att["content_type"], att["size"]) == (
        "合同.pdf",
        "application/pdf",
        len(PDF),
    )
    r = client.get(f"/api/v1/tickets/{ticket.pk}/attachments/{att['id']}")
    assert r.status_code == 200
    assert b"".join(r.streaming_content) == PDF
    assert r.headers["X-Content-Type-Options"] == "nosniff"
    assert "attachment;" in r.headers["Content-Disposition"]
    south = make_user(Role.AGENT, org.south)
    assert (
        api_as(south).get(f"/api/v1/tickets/{ticket.pk}/attachments/{att['id']}").status_code == 404
    )
    svg = SimpleUploadedFile("logo.png", b"<svg onload=alert(1)>", content_type="image/png")
    r = client.client.post(
        f"/api/v1/tickets/{ticket.pk}/attachments", {"file": svg}, headers=client.headers
    )
    assert r.status_code == 422
    assert r.json()["code"] == "attachment_refused"
    assert Attachment.objects.count() == 1
