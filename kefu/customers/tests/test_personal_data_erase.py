"""Erasing a customer's personal data on request: nothing of it is left in any table (a
generic scan of every text column of every model), tickets still count in the reports,
the customer row stays and cannot be erased again, edited or merged into."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from django.apps import apps
from django.db import models
from django.utils import timezone

from kefu.core.choices import Role
from kefu.core.errors import Conflict, PermissionDenied
from kefu.core.models import AuditEvent
from kefu.customers import selectors
from kefu.customers.models import Customer, CustomerMerge
from kefu.customers.services import add_phone
from kefu.customers.services.personal_data import ConfirmNameMismatch, erase_personal_data
from kefu.customers.services_merge import merge_customers
from kefu.customers.tests.personal_data_fixtures import *  # noqa: F403
from kefu.customers.tests.personal_data_fixtures import NAME, PHONE, SECRETS
from kefu.members.models import Member, PointsEntry, Purchase
from kefu.notifications.models import OutboxMessage
from kefu.reports.selectors import dashboard
from kefu.revisits.models import RevisitAnswer, RevisitTask
from kefu.surveys.models import SatisfactionRating
from kefu.tickets.models import Ticket

pytestmark = pytest.mark.django_db
URL = "/api/v1/customers"
REASON = "客户来电要求注销并删除个人信息"

# (model label, field) that may keep an erased value, with the reason. Deliberately empty.
ALLOWED: set[tuple[str, str]] = set()
TEXT_FIELDS = (models.CharField, models.TextField, models.JSONField, models.FileField)


def _text_columns() -> list[tuple[type[models.Model], list[str]]]:
    out = []
    for model in apps.get_models(include_auto_created=True):
        if model._meta.proxy or not model._meta.managed:
            continue
        names = [
            f.attname
            for f in model._meta.concrete_fields
            if isinstance(f, TEXT_FIELDS) and (model._meta.label, f.name) not in ALLOWED
        ]
        if names:
            out.append((model, names))
    return out


def scan(secrets: tuple[str, ...]) -> list[str]:
    """Every (model, field, secret) where a secret occurs, over every row of every model."""
    found = []
    for model, names in _text_columns():
        for row in model._base_manager.values_list("pk", *names).iterator():
            for name, value in zip(names, row[1:], strict=True):
                if value in (None, ""):
                    continue
                text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
                found += [f"{model._meta.label}.{name}: {s}" for s in secrets if s in text]
    return found


def _erase(world: Any, **kw: Any) -> Any:
    args = {"reason": REASON, "confirm_name": NAME} | kw
    return erase_personal_data(actor=world.manager, customer=world.customer, **args)


def _figures(actor: Any) -> Any:
    today = timezone.localdate()
    board = dashboard(actor, start=today - timedelta(days=6), end=today)
    return board.received, board.backlog, board.sla_measured, board.breakdowns


def test_the_scan_finds_the_data_before_the_erase(world):
    found = scan(SECRETS)
    tables = {f.split(".")[1].split(":")[0] for f in found}
    # the scan does look everywhere the data lives (and so proves the erase below)
    for table in ("Customer", "Ticket", "TicketEvent", "Member", "OutboxMessage", "Alert"):
        assert table in tables, found


def test_after_erase_no_table_holds_the_personal_data(world):
    counts = _erase(world)
    assert scan(SECRETS) == []
    assert counts["archive"]["phones"] == 2  # its own and the merged duplicate's
    assert counts["archive"]["contacts"] == 1
    assert counts["tickets"]["tickets"] == 2
    assert counts["members"]["members"] == 1
    assert counts["notifications"]["notifications_cancelled"] == 1


def test_erase_keeps_the_row_tickets_and_financial_records(world):
    before = _figures(world.manager)
    points = list(PointsEntry.objects.order_by("id").values_list("points", "balance_after"))
    _erase(world)
    c = Customer.objects.get(pk=world.customer.pk)
    assert c.name == f"已注销客户 #{c.pk}"
    assert (c.email, c.id_number, c.address, c.notes) == ("", "", "", "")
    assert c.erased_at is not None
    assert c.erased_by == world.manager
    for related in (c.phones, c.contacts, c.addresses, c.aliases, c.tag_links):
        assert not related.exists()
    assert CustomerMerge.objects.get(survivor=c).snapshots == [{"id": c.pk + 1}]
    t = Ticket.objects.get(pk=world.ticket.pk)
    assert (t.number, t.status, t.customer_id) == (world.ticket.number, world.ticket.status, c.pk)
    assert (t.contact_name, t.contact_phone, t.contact_email) == ("", "", "")
    assert t.title == "*** 来电 ***（已核实）"
    assert Ticket.objects.filter(customer=c).count() == 2
    assert _figures(world.manager) == before
    m = Member.objects.get(pk=world.member.pk)
    assert (m.phone, m.id_number, m.birthday, m.address) == ("", "", None, "")
    assert m.name == f"已注销会员 #{m.pk}"
    assert m.points_balance == world.member.points_balance
    assert m.lifetime_spend == world.member.lifetime_spend
    assert list(PointsEntry.objects.order_by("id").values_list("points", "balance_after")) == points
    assert Purchase.objects.get(member=m).amount == world.member.lifetime_spend
    assert SatisfactionRating.objects.get(customer=c).csat == 5
    assert RevisitTask.objects.get(customer=c).status == "cancelled"
    assert sorted(RevisitAnswer.objects.values_list("value", flat=True)) == ["", "4", "已解决"]
    sms = OutboxMessage.objects.get(customer=c)
    assert (sms.to, sms.status, sms.last_error) == ("", "cancelled", "erased")
    assert Customer.objects.get(pk=world.other.pk).name == "诸葛无关"  # others untouched


def test_search_no_longer_finds_the_customer(world):
    assert list(selectors.list_customers(world.manager, q=NAME)) == [world.customer]
    _erase(world)
    assert list(selectors.list_customers(world.manager, q=NAME)) == []
    assert list(selectors.list_customers(world.manager, phone=PHONE)) == []


def test_erase_is_audited_with_counts_and_no_values(world):
    counts = _erase(world)
    event = AuditEvent.objects.get(action="personal_data.erase")
    assert event.actor == world.manager
    assert (event.object_type, event.object_id) == ("customers.customer", str(world.customer.pk))
    assert event.changes == {"reason": REASON, "counts": counts}
    text = json.dumps(event.changes, ensure_ascii=False) + event.object_repr
    assert not [s for s in SECRETS if s in text]


def test_second_erase_is_refused(world, api_as):
    _erase(world)
    with pytest.raises(Conflict) as exc:
        _erase(world, confirm_name=f"已注销客户 #{world.customer.pk}")
    assert exc.value.code == "customer_erased"
    r = api_as(world.manager).post(
        f"{URL}/{world.customer.pk}/erase",
        {"reason": REASON, "confirm_name": f"已注销客户 #{world.customer.pk}"},
    )
    assert r.status_code == 409
    assert r.json()["code"] == "customer_erased"
    assert AuditEvent.objects.filter(action="personal_data.erase").count() == 1


def test_an_erased_customer_cannot_be_edited_or_merged_into(world):
    _erase(world)
    with pytest.raises(Conflict) as exc:
        add_phone(actor=world.manager, customer=world.customer, number=PHONE)
    assert exc.value.code == "customer_erased"
    with pytest.raises(Conflict):
        merge_customers(actor=world.keeper, survivor=world.customer, merged=[world.other])
    assert Customer.objects.filter(pk=world.other.pk).exists()


def test_confirm_name_must_match(world, api_as):
    with pytest.raises(ConfirmNameMismatch):
        _erase(world, confirm_name="欧阳")
    r = api_as(world.manager).post(
        f"{URL}/{world.customer.pk}/erase", {"reason": REASON, "confirm_name": "欧阳"}
    )
    assert r.status_code == 400
    assert r.json()["code"] == "confirm_name_mismatch"
    assert "名称" in r.json()["message"]  # zh-hans by default: "输入的名称与客户名称不一致…"
    assert Customer.objects.get(pk=world.customer.pk).erased_at is None
    assert not AuditEvent.objects.filter(action="personal_data.erase").exists()


@pytest.mark.parametrize("role", [Role.AGENT, Role.SUPERVISOR, Role.RECORDS_KEEPER])
def test_only_managers_may_erase(world, org, make_user, api_as, role):
    actor = make_user(role, org.hq, username=f"u_{role}")
    with pytest.raises(PermissionDenied):
        erase_personal_data(actor=actor, customer=world.customer, reason=REASON, confirm_name=NAME)
    r = api_as(actor).post(
        f"{URL}/{world.customer.pk}/erase", {"reason": REASON, "confirm_name": NAME}
    )
    assert r.status_code == 403
    assert r.json()["code"] == "permission_denied"
    c = Customer.objects.get(pk=world.customer.pk)
    assert (c.name, c.erased_at) == (NAME, None)
    assert c.phones.count() == 2


def test_erase_api_returns_the_counts(world, api_as):
    r = api_as(world.manager).post(
        f"{URL}/{world.customer.pk}/erase", {"reason": REASON, "confirm_name": NAME}
    )
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["name"] == f"已注销客户 #{world.customer.pk}"
    assert body["counts"]["tickets"]["tickets"] == 2
    assert scan(SECRETS) == []


def test_reason_is_required(world, api_as):
    r = api_as(world.manager).post(
        f"{URL}/{world.customer.pk}/erase", {"reason": "  ", "confirm_name": NAME}
    )
    assert r.status_code == 422
    assert Customer.objects.get(pk=world.customer.pk).erased_at is None
