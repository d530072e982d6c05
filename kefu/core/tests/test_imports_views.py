"""Import pages and API: upload → check → preview → import, errors download, progress."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from kefu.core.choices import Role
from kefu.core.models import ImportJob, ImportStatus
from kefu.core.tests.ui_client import ui_fixture  # noqa: F401
from kefu.customers.models import Customer

HEADER = "客户名称*,手机/电话,等级\n"
GOOD = HEADER + "张三,13812345678,A\n李四,13912345678,B\n"
MIXED = GOOD + "王五,12,Z\n"
QUERIES_LIST = 6  # session, user, scope, jobs (units joined), alert count, unit menu


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def csv(text: str) -> SimpleUploadedFile:
    return SimpleUploadedFile("客户.csv", text.encode("gbk"))


def test_upload_page_offers_the_template_and_the_units(org, make_user, ui):
    agent = make_user(Role.AGENT, org.east)
    page = ui(agent).get(reverse("core:import_upload", args=["customers"]))
    assert page.status_code == 200
    html = page.content.decode()
    assert reverse("core:import_template", args=["customers"]) in html
    assert "华东区域" in html
    assert "上海一店" in html
    assert "广州一店" not in html


def test_template_has_marked_headers_an_example_and_notes(org, make_user, ui):
    agent = make_user(Role.AGENT, org.east)
    response = ui(agent).get(reverse("core:import_template", args=["customers"]))
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    sheet, notes = book.worksheets
    headers = [c.value for c in sheet[1]]
    assert headers[:3] == ["客户名称*", "客户类型", "手机/电话"]
    assert sheet["A2"].value == "深圳市华南电器有限公司"
    assert notes["A2"].value == "客户名称"
    assert notes["B2"].value == "是"


def test_upload_preview_then_import(org, make_user, ui):
    agent = make_user(Role.AGENT, org.east)
    client = ui(agent)
    response = client.post(
        reverse("core:import_upload", args=["customers"]),
        {"file": csv(GOOD), "unit": org.shanghai.pk},
    )
    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("core:import_job", args=[job.pk])
    page = client.get(response["Location"]).content.decode()
    assert "data-preview" in page
    assert "138****5678" in page
    assert "13812345678" not in page
    assert ">Import</button>" in page
    assert "Import the valid rows only" not in page
    response = client.post(reverse("core:import_job_commit", args=[job.pk]))
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE
    assert set(Customer.objects.values_list("unit_id", flat=True)) == {org.shanghai.pk}
    page = client.get(reverse("core:import_job", args=[job.pk])).content.decode()
    assert "2 rows imported." in page
    listing = client.get(reverse("core:import_list")).content.decode()
    assert "客户.csv" in listing


def test_errors_table_download_and_valid_only(org, make_user, ui):
    agent = make_user(Role.AGENT, org.hq)
    client = ui(agent)
    client.post(
        reverse("core:import_upload", args=["customers"]), {"file": csv(MIXED), "unit": org.hq.pk}
    )
    job = ImportJob.objects.get()
    page = client.get(reverse("core:import_job", args=[job.pk])).content.decode()
    assert "data-errors-table" in page
    assert "Choose a grade from A to D." in page
    assert ">Import</button>" not in page
    assert "Import the valid rows only" in page
    download = client.get(reverse("core:import_job_errors", args=[job.pk]))
    sheet = load_workbook(io.BytesIO(b"".join(download.streaming_content))).active
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert rows[0] == ["Row", "Column", "Value", "Reason"]
    assert rows[1][:2] == [4, "手机/电话"]
    client.post(reverse("core:import_job_commit", args=[job.pk]))  # refused: errors remain
    assert Customer.objects.count() == 0
    client.post(reverse("core:import_job_commit", args=[job.pk]), {"valid_only": "1"})
    assert Customer.objects.count() == 2


def test_upload_form_shows_file_errors(org, make_user, ui):
    agent = make_user(Role.AGENT, org.hq)
    response = ui(agent).post(
        reverse("core:import_upload", args=["customers"]),
        {"file": SimpleUploadedFile("a.pdf", b"%PDF"), "unit": org.hq.pk},
    )
    assert response.status_code == 200
    assert "Upload an Excel workbook" in response.content.decode()
    assert ImportJob.objects.count() == 0


def test_progress_partial_polls_while_running_and_refreshes_when_done(org, admin_user, ui):
    from kefu.core.imports import progress
    from kefu.core.services import imports as services

    job = services.upload(
        actor=admin_user, importer_key="customers", file=csv(GOOD), unit=org.hq, check=False
    )
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.VALIDATING)
    progress.write(job.pk, {"phase": "validating", "processed": 500, "total": 1000, "rate": 250.0})
    client = ui(admin_user)
    url = reverse("core:import_job_progress", args=[job.pk])
    part = client.client.get(url, headers={"HX-Request": "true"})
    html = part.content.decode()
    assert 'hx-trigger="every 1s"' in html
    assert "500 of 1000 rows" in html
    assert "250 rows/s" in html
    assert "HX-Refresh" not in part
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.VALIDATED)
    part = client.client.get(url, headers={"HX-Request": "true"})
    assert part["HX-Refresh"] == "true"


def test_pages_are_forbidden_without_the_permission(org, make_user, ui):
    checker = make_user(Role.QUALITY_CHECKER, org.hq)
    response = ui(checker).get(reverse("core:import_upload", args=["customers"]))
    assert response.status_code == 403
    response = ui(checker).post(
        reverse("core:import_upload", args=["customers"]), {"file": csv(GOOD), "unit": org.hq.pk}
    )
    assert response.status_code == 403
    assert ImportJob.objects.count() == 0


def test_someone_elses_job_is_not_found(org, make_user, ui):
    from kefu.core.services import imports as services

    owner = make_user(Role.AGENT, org.hq)
    other = make_user(Role.AGENT, org.hq)
    job = services.upload(actor=owner, importer_key="customers", file=csv(GOOD), unit=org.hq)
    assert ui(other).get(reverse("core:import_job", args=[job.pk])).status_code == 404
    ui(other).post(reverse("core:import_job_commit", args=[job.pk]))
    assert Customer.objects.count() == 0


def test_job_list_query_count_does_not_grow_with_jobs(
    org, make_user, ui, django_assert_num_queries
):
    from kefu.core.services import imports as services

    agent = make_user(Role.AGENT, org.hq)
    client = ui(agent)
    client.get(reverse("core:import_list"))  # warm the session
    for _ in range(3):
        services.upload(
            actor=agent, importer_key="customers", file=csv(GOOD), unit=org.hq, check=False
        )
    with django_assert_num_queries(QUERIES_LIST):
        page = client.get(reverse("core:import_list"))
    assert page.content.decode().count("客户.csv") == 3
