"""Uploads are checked by content, capped in size, stored under MEDIA_ROOT by hash (never by
the client's name), and only ever served as downloads. Every entry point: the API, the
ticket page's reply form, mail ingest and spreadsheet imports."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from kefu.core.choices import Role
from kefu.core.models import ImportJob
from kefu.tickets.mail.ingest import ingest_mail
from kefu.tickets.models import Attachment, TicketEvent
from kefu.tickets.services.attachments import add_attachment
from kefu.tickets.services.intake import create_ticket
from kefu.tickets.tests.mailfixtures import PNG, b64, multipart, part

pytestmark = pytest.mark.django_db

EXE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 60
HTML = b"<!doctype html><html><script>alert(1)</script></html>"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'
PHP = b"<?php system($_GET['c']); ?>"
TEXT = "退货说明：第二次投诉。".encode()


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Path) -> Path:
    root = tmp_path / "media"
    root.mkdir()
    settings.MEDIA_ROOT = root
    return root


@pytest.fixture
def setup(org: Any, make_user: Any) -> Any:
    agent = make_user(Role.AGENT, org.east)
    ticket = create_ticket(
        actor=agent, unit=org.shanghai, type="repair", channel="phone", title="附件安全"
    )
    return agent, ticket


def _files(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()]


def _upload(api: Any, ticket_id: int, name: str, data: bytes) -> Any:
    upload = SimpleUploadedFile(name, data, content_type="image/jpeg")
    return api.client.post(
        f"/api/v1/tickets/{ticket_id}/attachments", {"file": upload}, headers=api.headers
    )


@pytest.mark.parametrize(
    ("name", "data"),
    [
        pytest.param("setup.jpg", EXE, id="exe-as-jpg"),
        pytest.param("page.jpg", HTML, id="html-as-jpg"),
        pytest.param("logo.jpg", SVG, id="svg-as-jpg"),
        pytest.param("shell.jpg", PHP, id="php-as-jpg"),
        pytest.param("shell.php", PHP, id="php"),
        pytest.param("page.html", HTML, id="html"),
    ],
)
def test_disguised_programs_and_pages_are_refused_and_nothing_is_stored(
    setup: Any, api_as: Any, media: Path, name: str, data: bytes
) -> None:
    agent, ticket = setup
    events = TicketEvent.objects.count()
    response = _upload(api_as(agent), ticket.pk, name, data)
    assert response.status_code == 422
    assert response.json()["code"] == "attachment_refused"
    assert Attachment.objects.count() == 0
    assert TicketEvent.objects.count() == events
    assert _files(media) == []


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        pytest.param("../../etc/passwd", "passwd", id="unix-traversal"),
        pytest.param("..\\..\\boot.ini", "boot.ini", id="windows-traversal"),
        pytest.param("a\x00b.txt", "a_b.txt", id="nul-byte"),
        pytest.param("invoice\u202etxt.exe", "invoicetxt.exe", id="rtl-override"),
        pytest.param("\u200b../..\u200b/x.txt", "x.txt", id="zero-width"),
        pytest.param("/", "attachment", id="nothing-left"),
    ],
)
def test_hostile_file_names_are_cleaned_and_storage_stays_under_media_root(
    setup: Any, media: Path, name: str, expected: str
) -> None:
    agent, ticket = setup
    attachment = add_attachment(
        actor=agent, ticket=ticket, event=None, upload=ContentFile(TEXT, name=name)
    )
    assert attachment.filename == expected
    assert attachment.content_type == "text/plain"
    stored = Path(attachment.file.path).resolve()
    assert stored.is_relative_to(media.resolve())
    assert stored.name == attachment.sha256
    assert [p.resolve() for p in _files(media)] == [stored]


def test_a_very_long_name_is_shortened_and_keeps_its_extension(setup: Any) -> None:
    agent, ticket = setup
    name = "长" * 400 + ".pdf.txt"
    attachment = add_attachment(
        actor=agent, ticket=ticket, event=None, upload=ContentFile(TEXT, name=name)
    )
    assert len(attachment.filename) <= 150
    assert attachment.filename.endswith(".txt")


def test_traversal_name_through_the_api(setup: Any, api_as: Any, media: Path) -> None:
    agent, ticket = setup
    response = _upload(api_as(agent), ticket.pk, "../../../../tmp/evil.txt", TEXT)
    assert response.status_code == 201, response.content
    attachment = Attachment.objects.get()
    assert attachment.filename == "evil.txt"
    assert Path(attachment.file.path).resolve().is_relative_to(media.resolve())


def test_over_the_cap_is_a_clear_4xx_and_nothing_is_stored(
    setup: Any, api_as: Any, media: Path, settings: Any
) -> None:
    settings.KEFU_MAX_UPLOAD_BYTES = 1024
    agent, ticket = setup
    events = TicketEvent.objects.count()
    response = _upload(api_as(agent), ticket.pk, "big.txt", b"a" * 1025)
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "attachment_refused"
    assert body["details"] == {"size": 1025, "limit": 1024}
    assert Attachment.objects.count() == 0
    assert TicketEvent.objects.count() == events
    assert _files(media) == []
    assert _upload(api_as(agent), ticket.pk, "ok.txt", b"a" * 1024).status_code == 201


def test_download_is_an_attachment_with_a_sandbox_policy(setup: Any, api_as: Any) -> None:
    agent, ticket = setup
    response = _upload(api_as(agent), ticket.pk, "说明.txt", TEXT)
    att = response.json()["attachments"][0]
    response = api_as(agent).get(f"/api/v1/tickets/{ticket.pk}/attachments/{att['id']}")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == TEXT
    assert response["Content-Type"] == "text/plain"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == (
        "default-src 'none'; sandbox; frame-ancestors 'none'"
    )


@pytest.mark.parametrize("stored_type", ["text/html", "image/svg+xml", "application/x-php"])
def test_a_row_with_an_unsafe_type_is_served_as_bytes(
    setup: Any, api_as: Any, stored_type: str
) -> None:
    """Even a row written before the checks (or by hand) never goes out as a page."""
    agent, ticket = setup
    attachment = add_attachment(
        actor=agent, ticket=ticket, event=None, upload=ContentFile(TEXT, name="x.txt")
    )
    Attachment.objects.filter(pk=attachment.pk).update(
        content_type=stored_type, filename="page.html"
    )
    response = api_as(agent).get(f"/api/v1/tickets/{ticket.pk}/attachments/{attachment.pk}")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "sandbox" in response["Content-Security-Policy"]


def test_download_needs_sign_in_and_scope(
    setup: Any, api_as: Any, org: Any, make_user: Any
) -> None:
    agent, ticket = setup
    attachment = add_attachment(
        actor=agent, ticket=ticket, event=None, upload=ContentFile(TEXT, name="x.txt")
    )
    url = f"/api/v1/tickets/{ticket.pk}/attachments/{attachment.pk}"
    assert Client().get(url).status_code == 401
    other_unit = make_user(Role.AGENT, org.south)
    assert api_as(other_unit).get(url).status_code == 404
    other_ticket = create_ticket(
        actor=agent, unit=org.shanghai, type="repair", channel="phone", title="另一张"
    )
    wrong_pair = f"/api/v1/tickets/{other_ticket.pk}/attachments/{attachment.pk}"
    assert api_as(agent).get(wrong_pair).status_code == 404
    assert api_as(agent).get(url).status_code == 200


def test_mail_attachments_get_the_same_checks(org: Any, media: Path) -> None:
    raw = multipart(
        [
            part("Content-Type: text/plain; charset=utf-8", "见附件".encode()),
            part(
                "Content-Type: image/png\nContent-Transfer-Encoding: base64\n"
                'Content-Disposition: attachment; filename="../../../etc/cron.d/x.png"',
                b64(PNG),
            ),
            part(
                "Content-Type: text/html\nContent-Transfer-Encoding: base64\n"
                'Content-Disposition: attachment; filename="invoice.html"',
                b64(HTML),
            ),
        ],
        subject="Subject: photo",
    )
    ingest_mail(raw)
    attachment = Attachment.objects.get()
    assert (attachment.filename, attachment.content_type) == ("x.png", "image/png")
    assert Path(attachment.file.path).resolve().is_relative_to(media.resolve())
    assert len(_files(media)) == 1


def _import(api: Any, unit_id: int, name: str, data: bytes) -> Any:
    return api.client.post(
        "/api/v1/imports/customers",
        {"file": SimpleUploadedFile(name, data), "unit_id": unit_id},
        headers=api.headers,
    )


def test_import_upload_is_stored_under_a_random_name(
    org: Any, make_user: Any, api_as: Any, media: Path
) -> None:
    api = api_as(make_user(Role.AGENT, org.hq))
    csv = "客户名称,手机/电话,等级\n张三,13812345678,A\n".encode()
    response = _import(api, org.east.pk, "../../../etc/passwd.csv", csv)
    assert response.status_code == 201, response.content
    job = ImportJob.objects.get()
    stored = Path(job.file.path).resolve()
    assert stored.is_relative_to(media.resolve())
    assert "passwd" not in stored.name
    assert stored.suffix == ".csv"


def test_import_of_a_program_renamed_to_xlsx_fails_without_running_it(
    org: Any, make_user: Any, api_as: Any
) -> None:
    api = api_as(make_user(Role.AGENT, org.hq))
    response = _import(api, org.east.pk, "customers.xlsx", EXE)
    assert response.status_code == 201, response.content
    assert response.json()["status"] == "failed"


@pytest.mark.parametrize(
    ("name", "code"),
    [("shell.php", "import_file_type"), ("page.html", "import_file_type")],
)
def test_import_refuses_other_file_types(
    org: Any, make_user: Any, api_as: Any, media: Path, name: str, code: str
) -> None:
    api = api_as(make_user(Role.AGENT, org.hq))
    response = _import(api, org.east.pk, name, PHP)
    assert response.status_code == 422
    assert response.json()["code"] == code
    assert ImportJob.objects.count() == 0
    assert _files(media) == []


def test_import_over_the_cap_is_refused_and_nothing_is_stored(
    org: Any, make_user: Any, api_as: Any, media: Path, settings: Any
) -> None:
    settings.KEFU_IMPORT_MAX_BYTES = 100
    api = api_as(make_user(Role.AGENT, org.hq))
    response = _import(api, org.east.pk, "c.csv", b"a,b\n" * 100)
    assert response.status_code == 422
    assert response.json()["code"] == "import_too_large"
    assert ImportJob.objects.count() == 0
    assert _files(media) == []
