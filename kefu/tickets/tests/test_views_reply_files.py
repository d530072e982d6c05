"""Files sent from the reply box of the ticket page: saved with the reply or note, or the
whole entry is refused with the attachments service's message and the typed text kept."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from kefu.core.models import AuditEvent
from kefu.core.tests.ui_client import ui_fixture  # noqa: F401
from kefu.tickets.models import Attachment, TicketEvent
from kefu.tickets.tests.h9_fixtures import bench_fixture, url  # noqa: F401

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 100
FAKE_PNG = b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Any) -> Any:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def _counts() -> tuple[int, int, int]:
    return TicketEvent.objects.count(), Attachment.objects.count(), AuditEvent.objects.count()


def test_reply_with_a_png(ui: Any, bench: Any, media: Any) -> None:
    a, client = bench["a"], ui(bench["agent"])
    page = client.get(url("tickets:detail", a.pk)).content.decode()
    assert 'enctype="multipart/form-data"' in page
    assert 'type="file" name="attachments" multiple' in page
    photo = SimpleUploadedFile("现场照片.png", PNG, content_type="image/png")
    response = client.post(
        url("tickets:reply", a.pk),
        {"body": "照片已收到", "mode": "reply", "version": a.version, "attachments": [photo]},
    )
    assert response.status_code == 302
    event = TicketEvent.objects.get(ticket=a, kind="reply")
    att = Attachment.objects.get()
    assert (att.ticket_id, att.event_id, att.filename, att.content_type, att.size) == (
        a.pk,
        event.pk,
        "现场照片.png",
        "image/png",
        len(PNG),
    )
    assert (event.body, event.is_public) == ("照片已收到", True)
    assert att.file.read() == PNG
    html = client.get(url("tickets:detail", a.pk)).content.decode()
    assert '<ul class="tl-files"><li>现场照片.png' in html


def test_note_with_two_files(ui: Any, bench: Any) -> None:
    a, client = bench["a"], ui(bench["agent"])
    files = [
        SimpleUploadedFile("a.png", PNG, content_type="image/png"),
        SimpleUploadedFile("说明.txt", "仓库已确认".encode(), content_type="text/plain"),
    ]
    response = client.post(
        url("tickets:reply", a.pk),
        {"body": "内部附件", "mode": "note", "version": a.version, "attachments": files},
    )
    assert response.status_code == 302
    note = TicketEvent.objects.get(ticket=a, kind="note")
    rows = Attachment.objects.order_by("filename").values_list(
        "event_id", "filename", "content_type"
    )
    assert list(rows) == [(note.pk, "a.png", "image/png"), (note.pk, "说明.txt", "text/plain")]


@pytest.mark.parametrize("with_good_file", [False, True])
def test_html_disguised_as_png_is_refused_and_nothing_written(
    ui: Any, bench: Any, media: Any, with_good_file: bool
) -> None:
    a, client = bench["a"], ui(bench["agent"])
    version, before = a.version, _counts()
    files = [SimpleUploadedFile("invoice.png", FAKE_PNG, content_type="image/png")]
    if with_good_file:
        files.insert(0, SimpleUploadedFile("ok.png", PNG, content_type="image/png"))
    response = client.post(
        url("tickets:reply", a.pk),
        {"body": "请查看附件里的发票", "mode": "reply", "version": version, "attachments": files},
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert "Web pages and SVG images cannot be attached." in html
    assert 'id="reply-files-errors"' in html
    assert "请查看附件里的发票</textarea>" in html
    assert _counts() == before
    a.refresh_from_db()
    assert (a.version, a.status, a.first_responded_at) == (version, "new", None)
    # every file is checked before any is stored: nothing reaches the storage
    assert [p.name for p in media.rglob("*") if p.is_file()] == []


def test_file_over_the_size_cap_is_refused(ui: Any, bench: Any, settings: Any) -> None:
    settings.KEFU_MAX_UPLOAD_BYTES = 50
    a, before = bench["a"], _counts()
    response = ui(bench["agent"]).post(
        url("tickets:reply", a.pk),
        {
            "body": "大文件",
            "mode": "note",
            "version": a.version,
            "attachments": [SimpleUploadedFile("big.png", PNG, content_type="image/png")],
        },
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert "The file is larger than 0.0 MB." in html
    assert "大文件</textarea>" in html
    assert _counts() == before


def test_a_call_takes_no_files(ui: Any, bench: Any) -> None:
    a, before = bench["a"], _counts()
    response = ui(bench["agent"]).post(
        url("tickets:reply", a.pk),
        {
            "body": "客户来电",
            "mode": "call_in",
            "version": a.version,
            "attachments": [SimpleUploadedFile("a.png", PNG, content_type="image/png")],
        },
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert "Files can be attached to replies and notes only." in html
    assert "客户来电</textarea>" in html
    assert _counts() == before
