"""A customer's full copy of their personal data (JSON and xlsx): every part with its
counts, unmasked, audited with counts only; bounded queries; permission per role."""

from __future__ import annotations

import io
import json

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kefu.core.choices import Role
from kefu.core.errors import PermissionDenied
from kefu.core.models import AuditEvent
from kefu.customers.personal_data_registry import personal_data_providers
from kefu.customers.services import add_phone
from kefu.customers.services.personal_data import export_personal_data
from kefu.customers.tests.personal_data_fixtures import *  # noqa: F403
from kefu.customers.tests.personal_data_fixtures import (
    CONTACT_PHONE,
    EMAIL,
    ID_NUMBER,
    NAME,
    PHONE,
    SECRETS,
)
from kefu.tickets.services.intake import create_ticket

pytestmark = pytest.mark.django_db
URL = "/api/v1/customers"
EXPECTED_COUNTS = {
    "archive": {
        "customer": 1,
        "phones": 2,
        "contacts": 1,
        "addresses": 1,
        "aliases": 1,
        "tags": 1,
        "credit_history": 1,
        "merges": 1,
    },
    "tickets": {"tickets": 2, "ticket_replies": 1, "complaints": 1, "complaint_remedies": 0},
    "members": {"members": 1, "member_points": 2, "member_purchases": 1, "member_greetings": 0},
    "revisits": {"revisit_tasks": 1, "revisit_attempts": 1, "revisit_answers": 3},
    "surveys": {"survey_invitations": 1, "survey_answers": 1},
    "notifications": {"notifications": 1, "notification_opt_outs": 0},
    "sla": {},
}


def _parts(doc):
    return {p["key"]: p for p in doc["parts"]}


def test_export_has_every_part_with_counts_and_unmasked_values(world):
    doc = export_personal_data(actor=world.manager, customer=world.customer)
    parts = _parts(doc)
    assert [p.key for p in personal_data_providers()] == list(parts)
    assert {k: p["counts"] for k, p in parts.items()} == EXPECTED_COUNTS
    archive = parts["archive"]["tables"]
    assert archive["customer"][0]["name"] == NAME
    assert archive["customer"][0]["id_number"] == ID_NUMBER
    assert archive["customer"][0]["email"] == EMAIL
    assert PHONE in [p["number"] for p in archive["phones"]]
    assert archive["contacts"][0]["phone"] == CONTACT_PHONE
    tickets = parts["tickets"]["tables"]
    assert tickets["tickets"][0]["contact_phone"] == PHONE
    assert [r["body"] for r in tickets["ticket_replies"]] == [f"{NAME}您好，已为您登记。"]
    assert "内部" not in json.dumps(tickets, ensure_ascii=False)  # internal notes stay inside
    assert parts["members"]["tables"]["members"][0]["id_number"] == ID_NUMBER
    notifications = parts["notifications"]["tables"]["notifications"]
    assert notifications == [
        {
            "channel": "sms",
            "to": PHONE,
            "template_key": "member.birthday",
            "status": "queued",
            "created_at": notifications[0]["created_at"],
            "sent_at": None,
        }
    ]


def test_export_is_audited_with_counts_and_no_values(world):
    export_personal_data(actor=world.keeper, customer=world.customer)
    event = AuditEvent.objects.get(action="personal_data.export")
    assert event.actor == world.keeper
    assert (event.object_type, event.object_id) == ("customers.customer", str(world.customer.pk))
    assert event.changes == {"parts": EXPECTED_COUNTS}
    text = json.dumps(event.changes, ensure_ascii=False) + event.object_repr
    assert not [s for s in SECRETS if s in text]


def _export_queries(world):
    with CaptureQueriesContext(connection) as ctx:
        export_personal_data(actor=world.manager, customer=world.customer)
    return len(ctx.captured_queries)


def test_export_query_count_is_bounded(world):
    export_personal_data(actor=world.manager, customer=world.customer)  # warm the scope cache
    tables = sum(len(counts) for counts in EXPECTED_COUNTS.values())
    # one query per table, whatever its rows; the audit row inside a savepoint (3)
    assert _export_queries(world) == tables + 3
    create_ticket(
        actor=world.agent,
        unit=world.customer.unit,
        type="enquiry",
        channel="phone",
        title="再来一单",
        customer=world.customer,
    )
    add_phone(actor=world.manager, customer=world.customer, number="13500000000")
    assert _export_queries(world) == tables + 3


def test_export_api_json(world, api_as):
    r = api_as(world.keeper).get(f"{URL}/{world.customer.pk}/personal-data")
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["customer_id"] == world.customer.pk
    assert body["erased"] is False
    assert {p["key"]: p["counts"] for p in body["parts"]} == EXPECTED_COUNTS


def test_export_api_xlsx_has_a_sheet_per_table(world, api_as):
    r = api_as(world.keeper).get(f"{URL}/{world.customer.pk}/personal-data.xlsx")
    assert r.status_code == 200
    assert r["Content-Type"].startswith("application/vnd.openxmlformats")
    book = openpyxl.load_workbook(io.BytesIO(r.content))
    tables = [t for counts in EXPECTED_COUNTS.values() for t in counts]
    assert book.sheetnames[1:] == tables
    customer = book["customer"]
    header = [c.value for c in customer[1]]
    assert customer.cell(2, header.index("name") + 1).value == NAME
    assert book["phones"].max_row == 3  # header + two phones


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        (Role.MANAGER, True),
        (Role.RECORDS_KEEPER, True),
        (Role.SUPERVISOR, False),
        (Role.AGENT, False),
        (Role.AUDITOR, False),
    ],
)
def test_export_permission(world, org, make_user, api_as, role, allowed):
    actor = make_user(role, org.hq, username=f"x_{role}")
    r = api_as(actor).get(f"{URL}/{world.customer.pk}/personal-data")
    assert r.status_code == (200 if allowed else 403)
    if not allowed:
        assert r.json()["code"] == "permission_denied"
        with pytest.raises(PermissionDenied):
            export_personal_data(actor=actor, customer=world.customer)
    assert AuditEvent.objects.filter(action="personal_data.export").count() == int(allowed)


def test_export_outside_scope_is_not_found(world, org, make_user, api_as):
    south_keeper = make_user(Role.RECORDS_KEEPER, org.south, username="south_keeper")
    r = api_as(south_keeper).get(f"{URL}/{world.customer.pk}/personal-data")
    assert r.status_code == 404
    assert not AuditEvent.objects.filter(action="personal_data.export").exists()
