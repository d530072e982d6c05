"""The import services: dry run, the all-or-nothing commit, background runs, progress."""

from __future__ import annotations

import os
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from kefu.core.choices import Role
from kefu.core.errors import Conflict, ImportFailed, NotFound, PermissionDenied
from kefu.core.imports import parsers, progress
from kefu.core.imports.registry import _IMPORTERS, Column, Importer, register
from kefu.core.models import AuditEvent, ImportJob, ImportStatus
from kefu.core.permissions import Perm
from kefu.core.services import imports as services
from kefu.customers.models import Customer, CustomerPhone

HEADER = "客户名称*,手机/电话,等级,标签\n"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    with translation.override("en"):
        yield


def csv_file(text: str, name: str = "客户.csv", encoding: str = "utf-8") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode(encoding))


def upload(actor, unit, text: str, **kw: Any) -> ImportJob:
    return services.upload(
        actor=actor, importer_key="customers", file=csv_file(text, **kw), unit=unit
    )


class DatesImporter(Importer):
    """A test importer: dates and numbers; write() can be told to fail on a batch."""

    key = "test-dates"
    perm = Perm.CONFIGURE
    columns = (
        Column("day", "日期", required=True, parse=parsers.date),
        Column("amount", "金额", parse=parsers.decimal),
        Column("count", "数量", parse=parsers.integer),
    )
    batch_size = 2
    written: list[dict[str, Any]] = []
    fail_on_batch: int | None = None

    def write(self, rows, ctx):
        self.batches = getattr(self, "batches", 0) + 1
        if self.fail_on_batch == self.batches:
            raise RuntimeError("disk full")
        for row in rows:
            Customer.objects.create(unit=ctx.unit, name=str(row["day"]))
        return {"created": len(rows)}


@pytest.fixture
def dates_importer():
    importer = register(DatesImporter())
    yield importer
    _IMPORTERS.pop(importer.key, None)


def test_small_csv_dry_run_then_commit(org, admin_user):
    body = HEADER + "张三,13812345678,A,VIP\n李四有限公司,13912345678;020-12345678,,VIP，老客户\n"
    job = upload(admin_user, org.hq, body)
    assert job.status == ImportStatus.VALIDATED, job.message
    assert (job.total_rows, job.valid_rows, job.error_rows) == (2, 2, 0)
    assert job.preview["headers"] == ["客户名称*", "手机/电话", "等级", "标签"]
    assert job.preview["rows"][0] == ["张*", "138****5678", "A", "VIP"]
    assert Customer.objects.count() == 0
    job = services.commit(actor=admin_user, job=job)
    assert job.status == ImportStatus.DONE, job.message
    assert job.result == {"customers": 2, "phones": 3, "tags": 3}
    assert sorted(CustomerPhone.objects.values_list("number", flat=True)) == [
        "02012345678",
        "13812345678",
        "13912345678",
    ]
    event = AuditEvent.objects.get(action="import.commit")
    assert event.object_type == "customers.customer"
    assert event.changes == {
        "importer": "customers",
        "job": job.pk,
        "rows": 2,
        "skipped": 0,
        "valid_only": False,
        "customers": 2,
        "phones": 3,
        "tags": 3,
    }


def test_bad_dates_and_numbers_are_row_errors(org, admin_user, dates_importer):
    text = '日期,金额,数量\n2024-03-15,12.50,3\n2024-02-30,x,1\n2024年3月1日,"￥1,000.00",2.5\n'
    job = services.upload(
        actor=admin_user, importer_key="test-dates", file=csv_file(text), unit=org.hq
    )
    assert (job.total_rows, job.valid_rows, job.error_rows) == (3, 1, 2)
    assert job.errors == [
        {
            "row": 3,
            "column": "日期",
            "value": "2024-02-30",
            "reason": "Not a date (write 2024-03-15).",
        },
        {"row": 3, "column": "金额", "value": "x", "reason": "Not a number."},
        {"row": 4, "column": "数量", "value": "2.5", "reason": "Not a whole number."},
    ]


def test_commit_is_refused_while_errors_remain_and_valid_only_imports_the_rest(org, admin_user):
    body = HEADER + "张三,13812345678,A,\n,13900000000,B,\n王五,123,Z,\n赵六,13700000000,,\n"
    job = upload(admin_user, org.hq, body)
    assert (job.total_rows, job.valid_rows, job.error_rows) == (4, 2, 2)
    with pytest.raises(ImportFailed) as err:
        services.commit(actor=admin_user, job=job)
    assert err.value.code == "import_has_errors"
    assert Customer.objects.count() == 0
    job = services.commit(actor=admin_user, job=job, valid_only=True)
    assert job.status == ImportStatus.DONE
    assert sorted(Customer.objects.values_list("name", flat=True)) == ["张三", "赵六"]
    assert (job.valid_rows, job.error_rows) == (2, 2)


def test_write_failing_in_the_last_batch_leaves_nothing(org, admin_user, dates_importer):
    text = "日期\n" + "".join(f"2024-01-{d:02d}\n" for d in range(1, 6))  # batches 2+2+1
    job = services.upload(
        actor=admin_user, importer_key="test-dates", file=csv_file(text), unit=org.hq
    )
    assert job.valid_rows == 5
    dates_importer.fail_on_batch = 3
    job = services.commit(actor=admin_user, job=job)
    assert job.status == ImportStatus.FAILED
    assert "nothing was imported" in job.message
    assert "disk full" in job.message
    assert Customer.objects.count() == 0
    assert not AuditEvent.objects.filter(action="import.commit").exists()


def test_rows_that_became_invalid_after_the_check_stop_the_whole_commit(org, admin_user):
    job = upload(admin_user, org.hq, HEADER + "张三,13812345678,A,\n李四,13912345678,B,\n")
    upload_now = upload(admin_user, org.hq, HEADER + "旧客户,13912345678,B,\n")
    services.commit(actor=admin_user, job=upload_now)
    job = services.commit(actor=admin_user, job=job)
    assert job.status == ImportStatus.FAILED
    assert job.message.startswith("Row 3:")
    assert list(Customer.objects.values_list("name", flat=True)) == ["旧客户"]


def test_committing_twice_imports_once(org, admin_user):
    job = upload(admin_user, org.hq, HEADER + "张三,13812345678,A,\n")
    first = services.commit(actor=admin_user, job=job)
    second = services.commit(actor=admin_user, job=job)
    assert (first.status, second.status) == (ImportStatus.DONE, ImportStatus.DONE)
    assert Customer.objects.count() == 1
    assert AuditEvent.objects.filter(action="import.commit").count() == 1


def test_actor_without_the_permission_cannot_upload(org, make_user):
    checker = make_user(Role.QUALITY_CHECKER, org.hq)
    with pytest.raises(PermissionDenied):
        upload(checker, org.hq, HEADER + "张三,13812345678,A,\n")
    assert ImportJob.objects.count() == 0


def test_agent_cannot_import_into_a_unit_outside_their_scope(org, make_user):
    agent = make_user(Role.AGENT, org.shanghai)
    with pytest.raises(PermissionDenied):
        upload(agent, org.guangzhou, HEADER + "张三,13812345678,A,\n")


def test_other_users_cannot_commit_my_job(org, admin_user, make_user):
    agent = make_user(Role.AGENT, org.hq)
    other = make_user(Role.AGENT, org.hq)
    job = upload(agent, org.hq, HEADER + "张三,13812345678,A,\n")
    with pytest.raises(NotFound):
        services.commit(actor=other, job=job)
    assert Customer.objects.count() == 0


def test_unknown_importer_is_not_found(org, admin_user):
    with pytest.raises(NotFound):
        services.upload(actor=admin_user, importer_key="nope", file=csv_file("a\n1\n"), unit=org.hq)


@pytest.mark.parametrize(
    ("label", "data", "code"),
    [
        ("corrupt xlsx", b"PK\x03\x04 not really a zip" * 10, None),
        ("header only", "客户名称,等级\n".encode(), None),
        ("missing required column", "等级,手机\nA,138\n".encode(), None),
    ],
)
def test_file_level_problems_fail_the_job_with_a_message(org, admin_user, label, data, code):
    name = "a.xlsx" if label == "corrupt xlsx" else "a.csv"
    job = services.upload(
        actor=admin_user,
        importer_key="customers",
        file=SimpleUploadedFile(name, data),
        unit=org.hq,
    )
    assert job.status == ImportStatus.FAILED
    assert job.message
    with pytest.raises(Conflict):
        services.commit(actor=admin_user, job=job)


def test_empty_and_oversized_uploads_are_refused_before_storing(org, admin_user, settings):
    with pytest.raises(ImportFailed) as err:
        upload(admin_user, org.hq, "")
    assert err.value.code == "import_empty"
    settings.KEFU_IMPORT_MAX_BYTES = 10
    with pytest.raises(ImportFailed) as err:
        upload(admin_user, org.hq, HEADER + "张三,13812345678,A,\n")
    assert err.value.code == "import_too_large"
    assert ImportJob.objects.count() == 0


def test_injection_strings_are_stored_as_text_and_shown_escaped(org, admin_user):
    body = HEADER + (
        "\"=cmd|' /C calc'!A0\",13812345678,A,\n"
        "<script>alert(1)</script>,13912345678,A,\n"
        '\'; drop table customers_customer; --,13712345678,A,"<b>x</b>"\n'
    )
    job = upload(admin_user, org.hq, body)
    job = services.commit(actor=admin_user, job=job)
    assert job.status == ImportStatus.DONE, job.message
    assert sorted(Customer.objects.values_list("name", flat=True)) == [
        "'; drop table customers_customer; --",
        "<script>alert(1)</script>",
        "=cmd|' /C calc'!A0",
    ]


def test_big_files_are_checked_and_imported_in_the_background(
    org, admin_user, settings, django_capture_on_commit_callbacks
):
    settings.KEFU_IMPORT_INLINE_ROWS = 1
    body = HEADER + "张三,13812345678,A,\n李四,13912345678,B,\n"
    with django_capture_on_commit_callbacks(execute=True):
        job = upload(admin_user, org.hq, body)
    job.refresh_from_db()
    assert job.background
    assert (job.status, job.valid_rows) == (ImportStatus.VALIDATED, 2)
    with django_capture_on_commit_callbacks(execute=True):
        queued = services.commit(actor=admin_user, job=job)
    assert queued.status == ImportStatus.IMPORTING  # returned before the task ran
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE
    assert Customer.objects.count() == 2


def test_progress_is_published_outside_the_database(org, admin_user, settings):
    reporter = progress.Reporter(4242, phase="importing", total=10, every=0)
    reporter(4)
    published = progress.read(4242)
    assert published is not None
    assert published["rate"] > 0
    assert {k: published[k] for k in ("phase", "processed", "total")} == {
        "phase": "importing",
        "processed": 4,
        "total": 10,
    }
    progress.clear(4242)
    assert progress.read(4242) is None


def test_cancel_removes_an_unimported_job(org, admin_user):
    job = upload(admin_user, org.hq, HEADER + "张三,13812345678,A,\n")
    job = services.cancel(actor=admin_user, job=job)
    assert job.status == ImportStatus.CANCELLED
    with pytest.raises(Conflict):
        services.commit(actor=admin_user, job=job)


def test_the_stored_sheet_has_a_random_name_and_goes_once_imported(org, admin_user):
    job = upload(admin_user, org.hq, HEADER + "张三,13812345678,A,\n")
    stored = job.file.path
    assert "客户" not in stored
    assert stored.endswith(".csv")
    assert len(stored.rsplit("/", 1)[1]) == 36
    services.commit(actor=admin_user, job=job)
    assert not os.path.exists(stored)
