from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation

from kefu.core.choices import Role
from kefu.core.tests.ui_client import ui_fixture  # noqa: F401
from kefu.reports.selectors import dashboard
from kefu.tickets.choices import SlaState
from kefu.tickets.models import Ticket
from kefu.tickets.tests.h9_fixtures import make_ticket, url

SH = ZoneInfo("Asia/Shanghai")


def _at(ticket, day, **fields):
    Ticket.objects.filter(pk=ticket.pk).update(
        created_at=datetime(2026, 11, day, 10, 0, tzinfo=SH), **fields
    )


@pytest.fixture(name="data")
def data_fixture(org, make_user):
    agent = make_user(Role.AGENT, org.east)
    south = make_user(Role.AGENT, org.south)
    manager = make_user(Role.MANAGER, org.hq)
    sup = make_user(Role.SUPERVISOR, org.east)
    t1 = make_ticket(agent, org.shanghai, "a", type="complaint", department=org.cs_east)
    t2 = make_ticket(agent, org.shanghai, "b", type="enquiry", channel="email")
    t3 = make_ticket(agent, org.east, "c", type="enquiry")
    t4 = make_ticket(south, org.guangzhou, "d", type="repair")
    _at(t1, 10, sla_state=SlaState.BREACHED, sla_breached_at=datetime(2026, 11, 11, tzinfo=SH))
    _at(t2, 10, status="resolved")
    _at(t3, 12, status="pending", sla_state=SlaState.PAUSED)
    _at(t4, 12)
    return {"agent": agent, "manager": manager, "sup": sup, "south": south}


def test_numbers_for_manager(data):
    with translation.override("en"):
        _check_numbers(data)


def _check_numbers(data):
    board = dashboard(data["manager"], start=date(2026, 11, 9), end=date(2026, 11, 13))
    assert board.received == 4
    assert board.trend_days == [
        "2026-11-09",
        "2026-11-10",
        "2026-11-11",
        "2026-11-12",
        "2026-11-13",
    ]
    assert board.trend_counts == [0, 2, 0, 2, 0]
    assert board.backlog == {"New": 2, "In progress": 0, "Waiting on customer": 1}
    assert (board.sla_measured, board.sla_met) == (4, 3)
    assert board.sla_percent == 75.0
    assert board.sla_breached == 1
    by_type = {b.key: b for b in board.breakdowns}["type"]
    assert by_type.categories[0] == "Enquiry"
    assert by_type.totals == [2, 1, 1]
    assert by_type.series["New"][:1] == [0]
    by_channel = {b.key: b for b in board.breakdowns}["channel"]
    assert dict(zip(by_channel.categories, by_channel.totals, strict=True)) == {
        "Phone": 3,
        "Email": 1,
    }
    by_unit = {b.key: b for b in board.breakdowns}["unit"]
    assert dict(zip(by_unit.categories, by_unit.totals, strict=True)) == {
        "上海一店": 2,
        "华东区域": 1,
        "广州一店": 1,
    }


def test_scope_and_range(data):
    board = dashboard(data["sup"], start=date(2026, 11, 11), end=date(2026, 11, 12))
    assert board.received == 1  # t3 only: t4 is another region, t1/t2 before the range
    assert board.backlog_total == 2  # t1 new, t3 pending (backlog ignores the range)


def test_page_renders_with_charts_and_tables(ui, data):
    response = ui(data["manager"]).get(
        url("reports:dashboard"), {"start": "2026-11-09", "end": "2026-11-13"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-kpi="received">4<' in html
    assert 'data-kpi="sla">75.0%<' in html
    assert "vendor/echarts.min.js" in html
    assert 'id="chart-data"' in html
    assert html.count("data-table-toggle") == 7


def test_agent_without_reports_permission_is_refused(ui, data):
    assert ui(data["agent"]).get(url("reports:dashboard")).status_code == 403
    assert ui().get(url("reports:dashboard")).status_code == 302


def test_bad_dates_fall_back(ui, data):
    response = ui(data["manager"]).get(
        url("reports:dashboard"), {"start": "x", "end": "2026-13-01"}
    )
    assert response.status_code == 200


def test_query_count_does_not_grow(ui, data, org, django_assert_num_queries):
    client = ui(data["manager"])
    params = {"start": "2026-11-01", "end": "2026-11-30"}
    client.get(url("reports:dashboard"), params)
    with django_assert_num_queries(12) as ctx:
        client.get(url("reports:dashboard"), params)
    for i in range(6):
        t = make_ticket(data["agent"], org.shanghai, f"more {i}")
        _at(t, 3 + i)
    with django_assert_num_queries(len(ctx.captured_queries)):
        client.get(url("reports:dashboard"), params)


def test_csv_export(ui, data):
    response = ui(data["manager"], language="en").get(
        url("reports:dashboard"), {"start": "2026-11-09", "end": "2026-11-13", "format": "csv"}
    )
    assert response["Content-Type"].startswith("text/csv")
    text = response.content.decode("utf-8-sig")
    lines = text.splitlines()
    assert lines[0] == "Day,Tickets"
    assert lines[2] == "2026-11-10,2"
    assert "SLA met,3,With an SLA target,4" in lines
    assert "上海一店,1,0,1,2" in lines
