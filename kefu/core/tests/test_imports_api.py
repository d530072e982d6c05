"""Import endpoints: upload with dry run, read a job, commit (valid rows only, twice)."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import include, path
from django.utils import translation
from ninja import NinjaAPI

from kefu.core.api.imports import router
from kefu.core.api_auth import api_auth
from kefu.core.api_errors import install_error_handlers
from kefu.core.choices import Role
from kefu.core.models import ImportJob
from kefu.customers.models import Customer

# The router is mounted here on an API of its own, so these tests run whether or not
# kefu/api.py has added it yet (the paths are the same: /api/v1/imports/…).
_api = NinjaAPI(urls_namespace="imports_test_api", auth=api_auth, docs_url=None)
install_error_handlers(_api)
_api.add_router("/", router)
urlpatterns = [path("api/v1/", _api.urls), path("", include("kefu.urls"))]

pytestmark = pytest.mark.urls(__name__)

GOOD = "客户名称,手机/电话,等级\n张三,13812345678,A\n李四,13912345678,B\n"
MIXED = GOOD + "王五,13712345678,Z\n"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def post_file(api, url: str, text: str, **data):
    return api.client.post(
        url,
        {"file": SimpleUploadedFile("c.csv", text.encode()), **data},
        headers=api.headers,
    )


def test_upload_checks_and_commit_imports(org, make_user, api_as):
    api = api_as(make_user(Role.AGENT, org.hq))
    response = post_file(api, "/api/v1/imports/customers", GOOD, unit_id=org.east.pk)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "validated"
    assert (body["total_rows"], body["valid_rows"], body["error_rows"]) == (2, 2, 0)
    assert body["preview"]["rows"][0][1] == "138****5678"
    job_id = body["id"]
    response = api.post(f"/api/v1/imports/jobs/{job_id}/commit", {"valid_only": False})
    assert response.status_code == 200
    assert response.json()["status"] == "done"
    assert response.json()["result"]["customers"] == 2
    again = api.post(f"/api/v1/imports/jobs/{job_id}/commit", {"valid_only": False})
    assert again.json()["status"] == "done"
    assert Customer.objects.filter(unit=org.east).count() == 2


def test_errors_are_listed_and_commit_needs_valid_only(org, make_user, api_as):
    api = api_as(make_user(Role.AGENT, org.hq))
    job_id = post_file(api, "/api/v1/imports/customers", MIXED, unit_id=org.hq.pk).json()["id"]
    body = api.get(f"/api/v1/imports/jobs/{job_id}").json()
    with translation.override("zh-hans"):  # the API speaks the default language
        reason = translation.gettext("Choose a grade from A to D.")
    assert body["errors"] == [{"row": 4, "column": "等级", "value": "Z", "reason": reason}]
    assert body["progress"] == {"processed": 0, "total": 3, "rate": 0.0, "percent": 0}
    refused = api.post(f"/api/v1/imports/jobs/{job_id}/commit", {})
    assert refused.status_code == 422
    assert refused.json()["code"] == "import_has_errors"
    assert Customer.objects.count() == 0
    done = api.post(f"/api/v1/imports/jobs/{job_id}/commit", {"valid_only": True})
    assert done.json()["status"] == "done"
    assert Customer.objects.count() == 2


def test_upload_without_dry_run_imports_a_clean_file_at_once(org, make_user, api_as):
    api = api_as(make_user(Role.AGENT, org.hq))
    response = post_file(api, "/api/v1/imports/customers", GOOD, unit_id=org.hq.pk, dry_run="false")
    assert response.json()["status"] == "done"
    assert Customer.objects.count() == 2


def test_agent_without_permission_gets_403(org, make_user, api_as):
    api = api_as(make_user(Role.QUALITY_CHECKER, org.hq))
    response = post_file(api, "/api/v1/imports/customers", GOOD, unit_id=org.hq.pk)
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
    assert ImportJob.objects.count() == 0


def test_unit_outside_scope_and_unknown_importer_are_404(org, make_user, api_as):
    api = api_as(make_user(Role.AGENT, org.shanghai))
    outside = post_file(api, "/api/v1/imports/customers", GOOD, unit_id=org.guangzhou.pk)
    assert outside.status_code == 404
    unknown = post_file(api, "/api/v1/imports/nope", GOOD, unit_id=org.shanghai.pk)
    assert unknown.status_code == 404


def test_broken_file_is_a_failed_job_not_a_500(org, make_user, api_as):
    api = api_as(make_user(Role.AGENT, org.hq))
    response = api.client.post(
        "/api/v1/imports/customers",
        {"file": SimpleUploadedFile("c.xlsx", b"\x00garbage" * 50), "unit_id": org.hq.pk},
        headers=api.headers,
    )
    assert response.status_code == 201
    assert response.json()["status"] == "failed"
    assert "无法读取该工作簿" in response.json()["message"]  # zh-hans, the default language


def test_other_users_job_is_404(org, make_user, api_as):
    owner = api_as(make_user(Role.AGENT, org.hq))
    job_id = post_file(owner, "/api/v1/imports/customers", GOOD, unit_id=org.hq.pk).json()["id"]
    other = api_as(make_user(Role.AGENT, org.hq))
    assert other.get(f"/api/v1/imports/jobs/{job_id}").status_code == 404
    assert other.post(f"/api/v1/imports/jobs/{job_id}/commit", {}).status_code == 404
