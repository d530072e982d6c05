"""kefu.core.bulk_sql: set-based INSERT / UPDATE on both databases."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kefu.core.bulk_sql import insert_rows, update_rows
from kefu.core.choices import Role
from kefu.sla.models import Alert
from kefu.tickets.models import Ticket, TicketEvent
from kefu.tickets.services.intake import create_ticket

pytestmark = pytest.mark.django_db

EVENT_FIELDS = ("ticket", "kind", "actor_label", "created_at", "body", "is_public", "data")


@pytest.fixture
def tickets(org, make_user):
    agent = make_user(Role.AGENT, org.east, username="bulk-agent")
    made = [
        create_ticket(
            actor=agent, unit=org.east, type="enquiry", channel="phone", title=f"批量 {i}"
        )
        for i in range(3)
    ]
    return agent, made


def test_insert_rows_one_statement_with_json_and_chinese(tickets):
    _, made = tickets
    at = datetime(2026, 11, 23, 1, 2, 3, 456789, tzinfo=UTC)
    data = {"key": "first_response:breach", "说明": "超时 'quote' \"dq\" \\ back", "n": [1, None]}
    rows = [
        (t.pk, "note", "system", at, f"正文 {t.pk}; DROP TABLE x;--", False, data) for t in made
    ]
    before = TicketEvent.objects.count()
    with CaptureQueriesContext(connection) as ctx:
        assert insert_rows(TicketEvent, EVENT_FIELDS, rows) == 3
    assert len(ctx.captured_queries) == 1
    assert TicketEvent.objects.count() == before + 3
    got = TicketEvent.objects.filter(kind="note", ticket=made[0]).get()
    assert got.data == data
    assert got.created_at == at
    assert got.body.startswith("正文")
    assert (got.message_id, got.is_public) == ("", False)  # omitted: the fields' defaults


def test_insert_rows_ignore_conflicts_counts_new_rows_only(tickets):
    agent, made = tickets
    now = datetime(2026, 11, 23, tzinfo=UTC)
    fields = ("user", "ticket", "kind", "text", "key", "created_at")
    first = [(agent.pk, t.pk, "sla_warning", "提醒", f"{t.pk}:k", now) for t in made[:2]]
    assert insert_rows(Alert, fields, first, ignore_conflicts=True) == 2
    again = [(agent.pk, t.pk, "sla_warning", "提醒", f"{t.pk}:k", now) for t in made]
    assert insert_rows(Alert, fields, again, ignore_conflicts=True) == 1
    assert Alert.objects.filter(user=agent).count() == 3
    assert insert_rows(Alert, fields, [], ignore_conflicts=True) == 0


def test_update_rows_sets_values_and_nulls(tickets):
    _, made = tickets
    due = datetime(2026, 12, 1, 8, 30, tzinfo=UTC)
    rows = [(made[0].pk, "breached", due, 2), (made[1].pk, "warning", None, 0)]
    with CaptureQueriesContext(connection) as ctx:
        changed = update_rows(Ticket, ["sla_state", "next_sla_check_at", "escalation_level"], rows)
    assert changed == 2
    assert len(ctx.captured_queries) == 1
    a, b, c = (Ticket.objects.get(pk=t.pk) for t in made)
    assert (a.sla_state, a.next_sla_check_at, a.escalation_level) == ("breached", due, 2)
    assert (b.sla_state, b.next_sla_check_at, b.escalation_level) == ("warning", None, 0)
    assert (c.sla_state, c.next_sla_check_at) == (made[2].sla_state, made[2].next_sla_check_at)
    assert update_rows(Ticket, ["sla_state"], []) == 0
