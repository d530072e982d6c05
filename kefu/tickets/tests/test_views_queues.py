from __future__ import annotations

from kefu.core.tests.ui_client import ui_fixture  # noqa: F401
from kefu.tickets.models import SavedView, Ticket
from kefu.tickets.tests.h9_fixtures import bench_fixture, make_ticket, url  # noqa: F401


def test_anonymous_goes_to_login(ui):
    response = ui().get(url("tickets:list"))
    assert response.status_code == 302
    assert "/login" in response["Location"]


def test_agent_sees_own_region_only(ui, bench):
    response = ui(bench["agent"]).get(url("tickets:list"))
    assert response.status_code == 200
    html = response.content.decode()
    assert bench["a"].number in html
    assert bench["b"].number in html
    assert bench["c"].number not in html
    assert "138****5678" in html
    assert "13812345678" not in html


def test_manager_sees_all_and_filters(ui, bench):
    client = ui(bench["manager"])
    html = client.get(url("tickets:list")).content.decode()
    assert all(bench[k].number in html for k in "abc")
    html = client.get(url("tickets:list"), {"type": "query"}).content.decode()
    assert bench["b"].number in html
    assert bench["a"].number not in html
    html = client.get(url("tickets:complaints")).content.decode()
    assert bench["c"].number in html
    assert bench["a"].number not in html


def test_queue_views(ui, bench):
    client = ui(bench["agent"])
    html = client.get(url("tickets:list"), {"view": "unassigned"}).content.decode()
    assert bench["a"].number in html
    html = client.get(url("tickets:list"), {"view": "mine"}).content.decode()
    assert "No tickets here" in html
    assert client.get(url("tickets:list"), {"view": "bogus"}).status_code == 200


def test_empty_state(ui, org, make_user):
    from kefu.core.choices import Role

    agent = make_user(Role.AGENT, org.east)
    html = ui(agent).get(url("tickets:list")).content.decode()
    assert "No tickets yet" in html


def test_bulk_assign(ui, bench):
    supervisor, agent = bench["supervisor"], bench["agent"]
    ids = f"{bench['a'].pk},{bench['b'].pk},{bench['c'].pk}"
    response = ui(supervisor).post(
        url("tickets:bulk"), {"action": "assign", "ids": ids, "assignee": agent.pk}
    )
    assert response.status_code == 302
    assigned = dict(Ticket.objects.values_list("number", "assignee_id"))
    assert assigned == {
        bench["a"].number: agent.pk,
        bench["b"].number: agent.pk,
        bench["c"].number: None,
    }


def test_bulk_transfer(ui, bench, org):
    ids = f"{bench['a'].pk},{bench['b'].pk}"
    ui(bench["supervisor"]).post(
        url("tickets:bulk"), {"action": "transfer", "ids": ids, "department": org.cs_east.pk}
    )
    assert set(Ticket.objects.filter(department=org.cs_east).values_list("pk", flat=True)) == {
        bench["a"].pk,
        bench["b"].pk,
    }


def test_bulk_needs_assign_permission(ui, bench):
    ids = str(bench["a"].pk)
    response = ui(bench["agent"]).post(
        url("tickets:bulk"), {"action": "assign", "ids": ids, "assignee": bench["agent"].pk}
    )
    assert response.status_code == 403
    assert Ticket.objects.get(pk=bench["a"].pk).assignee_id is None


def test_saved_view_chip(ui, bench):
    client = ui(bench["agent"])
    client.post(
        url("tickets:save_view"),
        {"name": "查询类", "query": "type=query&view=", "next": "/tickets/"},
    )
    view = SavedView.objects.get(user=bench["agent"])
    assert view.name == "查询类"
    html = client.get(url("tickets:list")).content.decode()
    assert view.query == "type=query"
    assert 'href="/tickets/?type=query"' in html
    client.post(url("tickets:delete_view", view.pk), {"next": "/tickets/"})
    assert not SavedView.objects.exists()


def test_queue_query_count_does_not_grow(ui, bench, org, django_assert_num_queries):
    client = ui(bench["agent"])
    client.get(url("tickets:list"))  # warm session/calendar
    # (the rows' relations come by prefetch: one query per relation, whatever the rows)
    with django_assert_num_queries(19) as ctx:
        client.get(url("tickets:list"))
    for i in range(5):
        make_ticket(bench["agent"], org.shanghai, f"更多 {i}")
    with django_assert_num_queries(len(ctx.captured_queries)):
        response = client.get(url("tickets:list"))
    assert response.content.decode().count("data-row-link") == 7


def test_default_shows_open_tickets_only(ui, bench):
    from kefu.tickets.services import work

    work.change_status(actor=bench["agent"], ticket=bench["b"], status="resolved")
    client = ui(bench["agent"])
    html = client.get(url("tickets:list")).content.decode()
    assert bench["a"].number in html
    assert bench["b"].number not in html
    html = client.get(url("tickets:list"), {"status": "all"}).content.decode()
    assert bench["b"].number in html
    html = client.get(url("tickets:list"), {"q": bench["b"].number}).content.decode()
    assert bench["b"].number in html
    assert bench["a"].number not in html
