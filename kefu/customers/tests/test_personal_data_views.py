"""The 360° page's personal-data buttons: "Export personal data" (an xlsx copy) and
"Erase personal data" (a confirmation page: the name typed again and a reason), and the
page of an erased customer."""

from __future__ import annotations

import io

import openpyxl
import pytest

from kefu.core.models import AuditEvent
from kefu.core.tests.ui_client import ui_fixture  # noqa: F401
from kefu.customers.models import Customer
from kefu.customers.tests.personal_data_fixtures import *  # noqa: F403
from kefu.customers.tests.personal_data_fixtures import NAME, PHONE

pytestmark = pytest.mark.django_db
REASON = "客户书面申请删除"


def _page(ui, user, customer):
    r = ui(user).get(f"/customers/{customer.pk}/")
    assert r.status_code == 200
    return r.content.decode()


def test_buttons_follow_the_permissions(world, org, make_user, ui):
    html = _page(ui, world.manager, world.customer)
    assert 'data-testid="personal-data-export"' in html
    assert 'data-testid="personal-data-erase"' in html
    html = _page(ui, world.keeper, world.customer)
    assert 'data-testid="personal-data-export"' in html
    assert 'data-testid="personal-data-erase"' not in html
    html = _page(ui, world.agent, world.customer)
    assert "personal-data-export" not in html
    assert "personal-data-erase" not in html


def test_export_button_downloads_the_workbook_and_is_audited(world, ui):
    r = ui(world.keeper).get(f"/customers/{world.customer.pk}/personal-data/")
    assert r.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(r.content))
    assert "tickets" in book.sheetnames
    assert book["customer"]["C2"].value == NAME
    assert AuditEvent.objects.filter(action="personal_data.export").count() == 1


def test_agents_cannot_export_or_open_the_erase_page(world, ui):
    client = ui(world.agent)
    assert client.get(f"/customers/{world.customer.pk}/personal-data/").status_code == 403
    assert client.get(f"/customers/{world.customer.pk}/erase/").status_code == 403
    assert (
        client.post(
            f"/customers/{world.customer.pk}/erase/", {"confirm_name": NAME, "reason": REASON}
        ).status_code
        == 403
    )
    assert Customer.objects.get(pk=world.customer.pk).erased_at is None
    assert not AuditEvent.objects.filter(action__startswith="personal_data.").exists()


def test_erase_page_refuses_a_wrong_name(world, ui):
    client = ui(world.manager)
    page = client.get(f"/customers/{world.customer.pk}/erase/")
    assert page.status_code == 200
    assert 'name="confirm_name"' in page.content.decode()
    r = client.post(
        f"/customers/{world.customer.pk}/erase/", {"confirm_name": "欧阳", "reason": REASON}
    )
    assert r.status_code == 422
    assert "does not match" in r.content.decode()
    assert Customer.objects.get(pk=world.customer.pk).erased_at is None


def test_erase_then_the_page_shows_the_erased_state(world, ui):
    client = ui(world.manager)
    r = client.post(
        f"/customers/{world.customer.pk}/erase/", {"confirm_name": NAME, "reason": REASON}
    )
    assert r.status_code == 302
    assert r["Location"] == f"/customers/{world.customer.pk}/"
    html = _page(ui, world.manager, world.customer)
    assert 'data-testid="customer-erased"' in html
    assert f"已注销客户 #{world.customer.pk}" in html
    assert NAME not in html
    assert PHONE[-4:] not in html
    assert 'data-testid="personal-data-erase"' not in html
    assert f"/customers/{world.customer.pk}/edit/" not in html  # no edit forms any more
    assert world.ticket.number in html  # the tickets section still lists the tickets
    again = client.get(f"/customers/{world.customer.pk}/erase/")
    assert again.status_code == 409
    assert 'name="confirm_name"' not in again.content.decode()


def test_the_audit_log_names_the_erase(world, ui):
    client = ui(world.manager)
    client.post(f"/customers/{world.customer.pk}/erase/", {"confirm_name": NAME, "reason": REASON})
    html = client.get("/settings/audit/", {"action": "personal_data."}).content.decode()
    assert "Erased personal data" in html
    assert NAME not in html
