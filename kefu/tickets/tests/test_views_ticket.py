from __future__ import annotations

from kefu.core.choices import Role
from kefu.core.tests.ui_client import ui_fixture  # noqa: F401
from kefu.customers.models import Customer
from kefu.tickets.choices import EventKind, Status
from kefu.tickets.models import Macro, Ticket, TicketEvent
from kefu.tickets.services import work
from kefu.tickets.tests.h9_fixtures import bench_fixture, make_ticket, url  # noqa: F401


def test_page_renders_for_agent_and_manager(ui, bench):
    a = bench["a"]
    for who in ("agent", "manager"):
        response = ui(bench[who]).get(url("tickets:detail", a.pk))
        assert response.status_code == 200
        html = response.content.decode()
        assert a.number in html
        assert "外箱破损" in html
        assert "138****5678" in html
        assert 'id="reply-body"' in html


def test_other_region_is_404(ui, bench):
    assert ui(bench["agent"]).get(url("tickets:detail", bench["c"].pk)).status_code == 404
    response = ui(bench["agent"]).post(url("tickets:reply", bench["c"].pk), {"body": "x"})
    assert response.status_code == 404
    assert not TicketEvent.objects.filter(ticket=bench["c"], kind=EventKind.REPLY).exists()


def test_anonymous_redirected(ui, bench):
    response = ui().get(url("tickets:detail", bench["a"].pk))
    assert response.status_code == 302


def test_reply_and_note(ui, bench):
    a, client = bench["a"], ui(bench["agent"])
    response = client.post(
        url("tickets:reply", a.pk),
        {"body": "您好，已登记。", "mode": "reply", "version": a.version},
    )
    assert response.status_code == 302
    a.refresh_from_db()
    response = client.post(
        url("tickets:reply", a.pk), {"body": "内部：联系仓库", "mode": "note", "version": a.version}
    )
    assert response.status_code == 302
    events = list(TicketEvent.objects.filter(ticket=a, kind__in=["reply", "note"]).order_by("id"))
    assert [(e.kind, e.body, e.is_public) for e in events] == [
        ("reply", "您好，已登记。", True),
        ("note", "内部：联系仓库", False),
    ]
    html = client.get(url("tickets:detail", a.pk)).content.decode()
    assert html.index("您好，已登记。") < html.index("内部：联系仓库")
    assert "tl-note" in html


def test_stale_reply_keeps_text(ui, bench):
    a = bench["a"]
    old_version = a.version
    work.add_note(actor=bench["other"], ticket=a, body="同事先写了")
    response = ui(bench["agent"]).post(
        url("tickets:reply", a.pk),
        {"body": "我的回复草稿", "mode": "reply", "version": old_version},
    )
    assert response.status_code == 409
    html = response.content.decode()
    assert "Someone else changed this ticket" in html
    assert "我的回复草稿</textarea>" in html
    assert not TicketEvent.objects.filter(ticket=a, body="我的回复草稿").exists()


def test_empty_reply_is_422(ui, bench):
    a = bench["a"]
    response = ui(bench["agent"]).post(
        url("tickets:reply", a.pk), {"body": "", "mode": "reply", "version": a.version}
    )
    assert response.status_code == 422


def test_agent_takes_but_cannot_give_away(ui, bench):
    a, agent, other = bench["a"], bench["agent"], bench["other"]
    client = ui(agent)
    client.post(url("tickets:assign", a.pk), {"assignee": other.pk, "version": a.version})
    a.refresh_from_db()
    assert a.assignee_id is None
    html = client.get(url("tickets:detail", a.pk)).content.decode()
    assert "Take it" in html
    client.post(url("tickets:assign", a.pk), {"assignee": agent.pk, "version": a.version})
    a.refresh_from_db()
    assert a.assignee_id == agent.pk


def test_assign_and_transfer(ui, bench, org):
    a, agent, other = bench["a"], bench["agent"], bench["other"]
    client = ui(bench["supervisor"])
    client.post(url("tickets:assign", a.pk), {"assignee": other.pk, "version": a.version})
    a.refresh_from_db()
    assert a.assignee_id == other.pk
    client.post(url("tickets:transfer", a.pk), {"department": org.cs_hq.pk, "reason": "质量"})
    a.refresh_from_db()
    assert a.department_id == org.cs_hq.pk
    assert a.first_contact_owner_id == agent.pk
    kinds = list(a.events.values_list("kind", flat=True))
    assert EventKind.ASSIGNED in kinds
    assert EventKind.TRANSFERRED in kinds


def test_assign_stale_shows_message(ui, bench):
    a = bench["a"]
    response = ui(bench["supervisor"]).post(
        url("tickets:assign", a.pk),
        {"assignee": bench["other"].pk, "version": a.version - 1},
        follow=True,
    )
    assert "Someone else changed this ticket" in response.content.decode()
    a.refresh_from_db()
    assert a.assignee_id is None


def test_status_change(ui, bench):
    a = bench["a"]
    ui(bench["agent"]).post(
        url("tickets:status", a.pk), {"status": "pending", "version": a.version}
    )
    a.refresh_from_db()
    assert a.status == Status.PENDING


def test_follow_up(ui, bench):
    a = bench["a"]
    ui(bench["agent"]).post(
        url("tickets:follow_up", a.pk), {"at": "2030-01-02T10:30", "note": "回电"}
    )
    a.refresh_from_db()
    assert a.next_follow_up_at is not None
    assert a.events.filter(kind=EventKind.FOLLOW_UP).count() == 1


def test_macro_renders_variables(ui, bench):
    a = bench["a"]
    macro = Macro.objects.create(
        name="问候", body="{{ customer.name }}您好，工单 {{ ticket.number }} 已受理。"
    )
    response = ui(bench["agent"]).get(url("tickets:macro", a.pk), {"macro": macro.pk})
    assert response.content.decode() == f"张三您好，工单 {a.number} 已受理。"


def test_macro_of_another_region_or_unknown_renders_nothing(ui, bench, org):
    a = bench["a"]
    south = Macro.objects.create(name="华南", body="华南专用 {{ ticket.number }}", unit=org.south)
    east = Macro.objects.create(
        name="华东", body="{{ agent.name }}：{{ ticket.title }}", unit=org.east
    )
    client = ui(bench["agent"])
    assert client.get(url("tickets:macro", a.pk), {"macro": south.pk}).content == b""
    assert client.get(url("tickets:macro", a.pk), {"macro": "x1"}).content == b""
    body = client.get(url("tickets:macro", a.pk), {"macro": east.pk}).content.decode()
    assert body == f"王小明：{a.title}"
    broken = Macro.objects.create(name="坏", body="{% if %}原文", unit=None)
    assert client.get(url("tickets:macro", a.pk), {"macro": broken.pk}).content.decode() == (
        "{% if %}原文"
    )


def test_ticket_page_query_count_does_not_grow(ui, bench, django_assert_num_queries):
    a, client = bench["a"], ui(bench["agent"])
    client.get(url("tickets:detail", a.pk))
    # (the ticket's relations beyond unit and customer load when the page reads them)
    with django_assert_num_queries(18) as ctx:
        client.get(url("tickets:detail", a.pk))
    for i in range(4):
        work.add_note(actor=bench["agent"], ticket=a, body=f"note {i}")
    with django_assert_num_queries(len(ctx.captured_queries)):
        client.get(url("tickets:detail", a.pk))


# --- intake ------------------------------------------------------------------------------


def test_intake_lookup_shows_customer_and_open_tickets(ui, bench):
    response = ui(bench["agent"]).get(url("tickets:lookup"), {"phone": "+86 138-1234-5678"})
    html = response.content.decode()
    assert "张三" in html
    assert bench["a"].number in html
    none = ui(bench["agent"]).get(url("tickets:lookup"), {"phone": "13900000000"}).content.decode()
    assert "No customer has this number" in none


def test_intake_lookup_is_scoped(ui, bench):
    html = ui(bench["south"]).get(url("tickets:lookup"), {"phone": "13812345678"}).content.decode()
    assert "张三" not in html


def test_intake_with_existing_customer(ui, bench, org):
    response = ui(bench["agent"]).post(
        url("tickets:create"),
        {
            "phone": "13812345678",
            "customer": bench["customer"].pk,
            "unit": org.shanghai.pk,
            "type": "repair",
            "channel": "phone",
            "title": "空调不制冷",
            "description": "客户来电",
            "reference": "SO-1001",
            "priority": "high",
        },
    )
    assert response.status_code == 302
    t = Ticket.objects.get(title="空调不制冷")
    assert response["Location"] == url("tickets:detail", t.pk)
    assert (t.customer_id, t.type, t.channel, t.priority, t.reference, t.unit_id) == (
        bench["customer"].pk,
        "repair",
        "phone",
        "high",
        "SO-1001",
        org.shanghai.pk,
    )
    assert t.contact_phone == "13812345678"
    assert t.first_contact_owner_id == bench["agent"].pk


def test_intake_creates_customer_inline(ui, bench, org):
    response = ui(bench["agent"]).post(
        url("tickets:create"),
        {
            "phone": "13900001111",
            "new_customer_name": "李四",
            "unit": org.shanghai.pk,
            "type": "enquiry",
            "channel": "email",
            "title": "营业时间",
            "priority": "normal",
        },
    )
    assert response.status_code == 302
    t = Ticket.objects.get(title="营业时间")
    assert t.customer is not None
    assert t.customer.name == "李四"
    assert t.channel == "email"
    assert list(t.customer.phones.values_list("number", flat=True)) == ["13900001111"]


def test_intake_errors_keep_input_and_create_nothing(ui, bench, org):
    before = (Ticket.objects.count(), Customer.objects.count())
    response = ui(bench["agent"]).post(
        url("tickets:create"),
        {
            "phone": "13900001111",
            "new_customer_name": "王五",
            "unit": org.shanghai.pk,
            "type": "enquiry",
            "channel": "phone",
            "title": "",
            "priority": "normal",
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'value="王五"' in html
    assert (Ticket.objects.count(), Customer.objects.count()) == before


def test_intake_other_region_unit_refused(ui, bench, org):
    response = ui(bench["agent"]).post(
        url("tickets:create"),
        {
            "unit": org.guangzhou.pk,
            "type": "enquiry",
            "channel": "phone",
            "title": "x",
            "priority": "normal",
        },
    )
    assert response.status_code == 200
    assert not Ticket.objects.filter(title="x").exists()


def test_intake_page_renders(ui, bench):
    html = ui(bench["agent"]).get(url("tickets:create")).content.decode()
    assert "data-ctrl-enter" in html
    assert "autofocus" in html


def test_store_clerk_cannot_open_intake(ui, org, make_user):
    clerk = make_user(Role.STORE_CLERK, org.shanghai)
    assert ui(clerk).get(url("tickets:create")).status_code == 403


def test_log_outbound_call(ui, bench):
    a = bench["a"]
    ui(bench["agent"]).post(
        url("tickets:reply", a.pk), {"body": "已回电客户", "mode": "call_out", "version": a.version}
    )
    event = TicketEvent.objects.get(ticket=a, kind=EventKind.CALL)
    assert (event.body, event.data) == ("已回电客户", {"direction": "outbound"})
    a.refresh_from_db()
    assert a.first_responded_at is not None


def test_edit_details(ui, bench):
    from kefu.tickets.models import Category

    cat = Category.objects.create(name="物流", code="L", path="/1/")
    a = bench["a"]
    ui(bench["agent"]).post(
        url("tickets:details", a.pk),
        {"priority": "urgent", "category": cat.pk, "reference": "SF100", "version": a.version},
    )
    a.refresh_from_db()
    assert (a.priority, a.category_id, a.reference) == ("urgent", cat.pk, "SF100")
    assert a.events.filter(kind=EventKind.FIELDS).count() == 1


def test_list_sorted_by_number(ui, bench):
    html = ui(bench["agent"]).get(url("tickets:list"), {"sort": "-number"}).content.decode()
    assert html.index(bench["b"].number) < html.index(bench["a"].number)


def test_closed_ticket_offers_notes_only(ui, bench):
    a = bench["a"]
    work.change_status(actor=bench["agent"], ticket=a, status="closed")
    html = ui(bench["agent"]).get(url("tickets:detail", a.pk)).content.decode()
    assert 'value="note" checked' in html
    assert 'value="reply"' not in html
