"""The import engine and services: reading files, the dry run, the all-or-nothing commit."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from kefu.core.models import AuditEvent, ImportStatus
from kefu.core.services import imports as services
from kefu.customers.models import Customer, CustomerPhone

HEADER = "客户名称*,手机/电话,等级,标签\n"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def csv_file(text: str, name: str = "客户.csv", encoding: str = "utf-8") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode(encoding))


def test_small_csv_dry_run_then_commit(org, admin_user):
    body = HEADER + "张三,13812345678,A,VIP\n李四有限公司,13912345678;020-12345678,,VIP，老客户\n"
    job = services.upload(
        actor=admin_user, importer_key="customers", file=csv_file(body), unit=org.hq
    )
    assert job.status == ImportStatus.VALIDATED, job.message
    assert (job.total_rows, job.valid_rows, job.error_rows) == (2, 2, 0)
    assert Customer.objects.count() == 0
    job = services.commit(actor=admin_user, job=job)
    assert job.status == ImportStatus.DONE, job.message
    assert job.result == {"customers": 2, "phones": 3, "tags": 3, "addresses": 0}
    assert sorted(CustomerPhone.objects.values_list("number", flat=True)) == [
        "02012345678",
        "13812345678",
        "13912345678",
    ]
    assert AuditEvent.objects.filter(action="import.commit").count() == 1
