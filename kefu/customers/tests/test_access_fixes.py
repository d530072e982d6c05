"""Regressions found by the access matrix: the customers API honours the customers
permission as the pages do, and an out-of-scope duplicate pair is a 404."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from kefu.core.choices import Role
from kefu.core.tests.fixtures import ApiClient
from kefu.customers.models import DuplicatePair
from kefu.customers.services import create_customer

pytestmark = pytest.mark.django_db


@pytest.fixture
def customer(org: Any, admin_user: Any) -> Any:
    return create_customer(actor=admin_user, unit=org.shanghai, name="张三", phones=["13812345678"])


def test_department_handler_reads_no_customers_through_the_api(
    org: Any, make_user: Any, customer: Any
) -> None:
    """A department handler holds tickets.view/work but not customers.view: the customers
    page was 403 for them while GET /api/v1/customers listed the unit's customers."""
    handler = ApiClient(make_user(Role.DEPARTMENT_HANDLER, org.east))
    response = handler.get("/api/v1/customers")
    assert (response.status_code, response.json()["code"]) == (403, "permission_denied")
    assert handler.get(f"/api/v1/customers/{customer.pk}").status_code == 404
    lookup = handler.get("/api/v1/customers/lookup", {"phone": "13812345678"})
    assert lookup.status_code == 200
    assert lookup.json() == []
    agent = ApiClient(make_user(Role.AGENT, org.east))
    assert [c["id"] for c in agent.get("/api/v1/customers").json()["items"]] == [customer.pk]


def test_dismissing_a_pair_of_another_region_is_404_and_keeps_it(
    org: Any, admin_user: Any, make_user: Any
) -> None:
    a = create_customer(actor=admin_user, unit=org.guangzhou, name="陈先生")
    b = create_customer(actor=admin_user, unit=org.guangzhou, name="陈先生 ")
    pair = DuplicatePair.objects.create(
        customer_a=a, customer_b=b, score=0.9, reasons=[{"code": "similar_name"}]
    )
    client = Client()
    client.force_login(make_user(Role.RECORDS_KEEPER, org.east))
    assert client.post(f"/customers/duplicates/{pair.pk}/dismiss/").status_code == 404
    pair.refresh_from_db()
    assert pair.status == "open"
