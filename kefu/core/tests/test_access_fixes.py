"""Regressions found by the access matrix (test_access_matrix.py) in core pages and API."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.test import Client

from kefu.core.choices import Role
from kefu.core.models import ImportJob
from kefu.core.services.audit import record_audit
from kefu.core.tests.fixtures import ApiClient
from kefu.customers.services import create_customer

pytestmark = pytest.mark.django_db


def test_audit_page_shows_changes_keyed_by_a_reverse_relation(org: Any, admin_user: Any) -> None:
    """A customer's audit row changing "phones" or "contacts" (reverse relations, which have
    no verbose_name) used to crash the audit log with a 500."""
    customer = create_customer(actor=admin_user, unit=org.shanghai, name="张三")
    record_audit(
        actor=admin_user,
        action="customer.update",
        obj=customer,
        changes={"phones": [[], ["13800000000"]], "contacts": ["", "李四"]},
    )
    client = Client()
    client.force_login(admin_user)
    response = client.get("/settings/audit/")
    assert response.status_code == 200
    assert "李四" in response.content.decode()


def test_cancelling_someone_elses_import_is_404_and_leaves_it(
    org: Any, make_user: Any, settings: Any, tmp_path: Any
) -> None:
    settings.MEDIA_ROOT = tmp_path
    owner = make_user(Role.RECORDS_KEEPER, org.south)
    job = ImportJob.objects.create(
        importer="customers",
        actor=owner,
        unit=org.guangzhou,
        original_name="x.xlsx",
        status="validated",
        file=ContentFile(b"PK", name="x.xlsx"),
    )
    other = make_user(Role.RECORDS_KEEPER, org.east)
    client = Client()
    client.force_login(other)
    assert client.post(f"/imports/jobs/{job.pk}/cancel/").status_code == 404
    job.refresh_from_db()
    assert job.status == "validated"


@pytest.mark.parametrize("role", [Role.STORE_CLERK, Role.DEPARTMENT_HANDLER])
def test_staff_list_api_needs_the_users_permission_as_the_page_does(
    org: Any, make_user: Any, role: str
) -> None:
    user = make_user(role, org.shanghai)
    response = ApiClient(user).get("/api/v1/users")
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
    assert ApiClient(user).get(f"/api/v1/users/{user.pk}").status_code == 403
    supervisor = make_user(Role.SUPERVISOR, org.east)
    assert ApiClient(supervisor).get("/api/v1/users").status_code == 200
    assert ApiClient(supervisor).get(f"/api/v1/users/{user.pk}").status_code == 200
