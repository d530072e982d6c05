from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from kefu.core.choices import Role
from kefu.core.models import AuditEvent
from kefu.customers.models import Customer
from kefu.customers.services import create_customer
from kefu.sla.models import SlaPolicy
from kefu.tickets.models import Ticket, TicketEvent
from kefu.tickets.services.intake import create_ticket

URL = "/api/v1/tickets"


@pytest.fixture
def east_agent(org, make_user):
    return make_user(Role.AGENT, org.east)


def _body(**kw):
    body = {"type": "enquiry", "title": "查询物流", "description": "单号 SF123"}
    body.update(kw)
    return body


def test_create_returns_201_with_sla_fields(org, east_agent, api_as):
    SlaPolicy.objects.all().delete()
    SlaPolicy.objects.create(
        name="n", order=1, first_response_minutes=60, resolution_minutes=120, business_time=False
    )
    client = api_as(east_agent)
    r = client.post(URL, _body(contact_phone="138-1234-5678", reference="SF123"))
    assert r.status_code == 201, r.content
    data = r.json()
    t = Ticket.objects.get()
    assert data["id"] == t.pk
    assert data["number"] == t.number
    assert data["status"] == "new"
    assert data["type"] == "enquiry"
    assert data["channel"] == "api"
    assert data["unit_id"] == org.east.pk
    assert data["contact_phone"] == "138****5678"
    assert data["version"] == 1
    assert isinstance(data["allowed_actions"], list)
    ms = timedelta(milliseconds=1)
    due = datetime.fromisoformat(data["first_response_due"])
    assert abs(due - (t.received_at + timedelta(hours=1))) < ms
    due = datetime.fromisoformat(data["resolution_due"])
    assert abs(due - (t.received_at + timedelta(hours=2))) < ms
    assert t.first_response_due == t.received_at + timedelta(hours=1)
    assert t.resolution_due == t.received_at + timedelta(hours=2)
    assert t.first_contact_owner == east_agent
    assert t.contact_phone == "13812345678"
    assert r.headers["ETag"] == '"1"'


def test_create_validation(org, east_agent, api_as):
    client = api_as(east_agent)
    assert client.post(URL, _body(type="nonsense")).status_code == 422
    assert client.post(URL, _body(title="")).status_code == 422
    assert client.post(URL, _body(unit_id=org.guangzhou.pk)).status_code == 404
    assert client.post(URL, _body(category_id=999)).status_code == 422
    r = client.post(URL, _body(received_at="not a date"))
    assert r.status_code == 422
    assert Ticket.objects.count() == 0
    assert api_as(None).post(URL, _body()).status_code == 401


def test_roles_without_work_permission_cannot_create(org, make_user, api_as):
    auditor = make_user(Role.AUDITOR, org.east)
    r = api_as(auditor).post(URL, _body(unit_id=org.shanghai.pk))
    assert r.status_code == 403
    assert r.json()["code"] == "permission_denied"
    assert Ticket.objects.count() == 0
    assert TicketEvent.objects.count() == 0
    assert AuditEvent.objects.filter(action="ticket.create").count() == 0


def test_received_at_rules(org, east_agent, make_user, api_as):
    client = api_as(east_agent)
    future = (timezone.now() + timedelta(hours=1)).isoformat()
    r = client.post(URL, _body(received_at=future))
    assert r.status_code == 422
    assert r.json()["code"] == "invalid_received_at"
    old = (timezone.now() - timedelta(hours=3)).isoformat()
    r = client.post(URL, _body(received_at=old))
    assert r.status_code == 422
    naive = (timezone.now() - timedelta(minutes=5)).replace(tzinfo=None).isoformat()
    assert client.post(URL, _body(received_at=naive)).status_code == 422
    recent = (timezone.now() - timedelta(minutes=30)).isoformat()
    assert client.post(URL, _body(received_at=recent)).status_code == 201
    assert Ticket.objects.count() == 1
    sup = make_user(Role.SUPERVISOR, org.east)
    r = api_as(sup).post(URL, _body(received_at="2026-11-20T09:30:00+08:00"))
    assert r.status_code == 201
    assert r.json()["received_at"].startswith("2026-11-20T")


def test_scoping_list_detail_events(org, east_agent, make_user, api_as):
    south = make_user(Role.AGENT, org.south)
    mine = create_ticket(
        actor=east_agent, unit=org.shanghai, type="enquiry", channel="phone", title="上海"
    )
    theirs = create_ticket(
        actor=south, unit=org.guangzhou, type="enquiry", channel="phone", title="广州"
    )
    client = api_as(east_agent)
    r = client.get(URL)
    assert r.json()["count"] == 1
    assert [i["number"] for i in r.json()["items"]] == [mine.number]
    for path in (f"{URL}/{theirs.pk}", f"{URL}/{theirs.pk}/events"):
        assert client.get(path).status_code == 404
    r = client.post(f"{URL}/{theirs.pk}/notes", {"body": "x"})
    assert r.status_code == 404
    r = client.patch(f"{URL}/{theirs.pk}", {"title": "hacked"})
    assert r.status_code == 404
    assert TicketEvent.objects.filter(ticket=theirs).count() == 1
    assert Ticket.objects.get(pk=theirs.pk).title == "广州"


def test_list_filters_and_pagination(org, east_agent, api_as):
    for i in range(3):
        create_ticket(
            actor=east_agent, unit=org.shanghai, type="enquiry", channel="phone", title=f"t{i}"
        )
    create_ticket(actor=east_agent, unit=org.east, type="repair", channel="phone", title="修")
    client = api_as(east_agent)
    r = client.get(URL, {"type": "repair"})
    assert [i["title"] for i in r.json()["items"]] == ["修"]
    r = client.get(URL, {"unit": org.shanghai.pk, "limit": 2, "offset": 0})
    assert r.json()["count"] == 3
    assert [i["title"] for i in r.json()["items"]] == ["t0", "t1"]
    r = client.get(URL, {"unit": org.shanghai.pk, "limit": 2, "offset": 2})
    assert [i["title"] for i in r.json()["items"]] == ["t2"]
    assert client.get(URL, {"q": "修"}).json()["count"] == 1
    assert client.get(URL, {"assignee": "me"}).json()["count"] == 0
    assert client.get(URL, {"status": "bogus"}).status_code == 422
    assert client.get(URL, {"queue_view": "unassigned"}).json()["count"] == 4


def test_list_query_count_does_not_grow(org, east_agent, api_as, django_assert_num_queries):
    client = api_as(east_agent)

    def make(n):
        for i in range(n):
            t = create_ticket(
                actor=east_agent, unit=org.shanghai, type="enquiry", channel="phone", title=f"x{i}"
            )
            t.assignee = east_agent
            t.save()

    make(2)
    client.get(URL)
    # token + user (1), scope (1), count (1), page (1), then one query per relation that
    # the page's rows point at: units (1), assignees (1)
    with django_assert_num_queries(6):
        r = client.get(URL)
    make(10)
    with django_assert_num_queries(6):
        r = client.get(URL)
    assert r.json()["count"] == 12


def test_detail_etag_patch_if_match(org, east_agent, api_as):
    t = create_ticket(
        actor=east_agent, unit=org.shanghai, type="enquiry", channel="phone", title="原标题"
    )
    client = api_as(east_agent)
    r = client.get(f"{URL}/{t.pk}")
    assert r.headers["ETag"] == '"1"'
    r = client.patch(
        f"{URL}/{t.pk}", {"title": "新标题", "priority": "high"}, **{"If-Match": '"1"'}
    )
    assert r.status_code == 200, r.content
    assert r.json()["title"] == "新标题"
    assert r.json()["version"] == 2
    assert r.headers["ETag"] == '"2"'
    r = client.patch(f"{URL}/{t.pk}", {"title": "冲突"}, **{"If-Match": "1"})
    assert r.status_code == 409
    assert r.json()["code"] == "ticket_stale"
    assert Ticket.objects.get(pk=t.pk).title == "新标题"
    r = client.get(f"{URL}/{t.pk}/events")
    assert [e["kind"] for e in r.json()] == ["created", "fields"]
    assert r.json()[1]["data"]["title"] == ["原标题", "新标题"]


def test_actions(org, east_agent, make_user, api_as):
    sup = make_user(Role.SUPERVISOR, org.east)
    t = create_ticket(
        actor=east_agent, unit=org.shanghai, type="enquiry", channel="phone", title="动作"
    )
    client = api_as(east_agent)
    r = client.post(f"{URL}/{t.pk}/replies", {"body": "您好"})
    assert r.status_code == 201
    assert r.json()["is_public"] is True
    assert r.json()["kind"] == "reply"
    r = client.post(f"{URL}/{t.pk}/notes", {"body": "内部", "expected_version": 2})
    assert r.status_code == 201
    r = client.post(f"{URL}/{t.pk}/notes", {"body": "旧版本", "expected_version": 1})
    assert r.status_code == 409
    r = client.post(f"{URL}/{t.pk}/assign", {"assignee_id": sup.pk})
    assert r.status_code == 403
    r = client.post(f"{URL}/{t.pk}/assign", {"assignee_id": east_agent.pk})
    assert r.json()["assignee_id"] == east_agent.pk
    r = client.post(
        f"{URL}/{t.pk}/transfer", {"department_id": org.quality_hq.pk, "reason": "质量"}
    )
    assert r.status_code == 200
    assert r.json()["department_id"] == org.quality_hq.pk
    assert r.json()["assignee_id"] is None
    r = client.post(f"{URL}/{t.pk}/transfer", {"department_id": 99999})
    assert r.status_code == 422
    r = client.post(f"{URL}/{t.pk}/status", {"status": "pending"})
    assert r.json()["status"] == "pending"
    r = client.post(f"{URL}/{t.pk}/status", {"status": "new"})
    assert r.status_code == 409
    assert r.json()["code"] == "status_transition_refused"
    r = client.post(f"{URL}/{t.pk}/calls", {"body": "回电", "direction": "outbound"})
    assert r.status_code == 201
    at = (timezone.now() + timedelta(days=1)).isoformat()
    r = client.post(f"{URL}/{t.pk}/follow-ups", {"at": at, "note": "明天回访"})
    assert r.status_code == 201
    kinds = [e["kind"] for e in client.get(f"{URL}/{t.pk}/events").json()]
    assert kinds == [
        "created",
        "reply",
        "note",
        "assigned",
        "transferred",
        "status",
        "call",
        "follow_up",
    ]


def test_customer_lookup_and_create(org, east_agent, make_user, api_as):
    c = create_customer(
        actor=east_agent, unit=org.shanghai, name="李四", phones=["13900001111", "02155550000"]
    )
    create_customer(actor=east_agent, unit=org.shanghai, name="王五", phones=["13700000000"])
    t = create_ticket(
        actor=east_agent,
        unit=org.shanghai,
        type="enquiry",
        channel="phone",
        title="旧工单",
        customer=c,
    )
    client = api_as(east_agent)
    r = client.get("/api/v1/customers/lookup", {"phone": "+86 139-0000-1111"})
    assert r.status_code == 200
    assert r.json() == [
        {
            "id": c.pk,
            "name": "李四",
            "kind": "person",
            "grade": "C",
            "is_key_account": False,
            "unit_id": org.shanghai.pk,
            "phones": ["139****1111", "021****0000"],
            "open_tickets": [
                {
                    "id": t.pk,
                    "number": t.number,
                    "title": "旧工单",
                    "type": "enquiry",
                    "status": "new",
                    "created_at": r.json()[0]["open_tickets"][0]["created_at"],
                }
            ],
        }
    ]
    keeper = make_user(Role.RECORDS_KEEPER, org.east)
    r = api_as(keeper).get("/api/v1/customers/lookup", {"phone": "13900001111"})
    assert r.json()[0]["phones"] == ["13900001111", "02155550000"]
    assert AuditEvent.objects.filter(action="personal_data.reveal").count() == 1
    south = make_user(Role.AGENT, org.south)
    assert api_as(south).get("/api/v1/customers/lookup", {"phone": "13900001111"}).json() == []
    r = client.post(
        "/api/v1/customers",
        {"name": "新客户", "phones": ["138 0000 2222"], "unit_id": org.shanghai.pk},
    )
    assert r.status_code == 201
    assert r.json()["phones"] == ["138****2222"]
    assert Customer.objects.get(pk=r.json()["id"]).phones.get().number == "13800002222"
    r = client.post("/api/v1/customers", {"name": " ", "unit_id": org.shanghai.pk})
    assert r.status_code == 422
    r = api_as(south).post("/api/v1/customers", {"name": "x", "unit_id": org.shanghai.pk})
    assert r.status_code == 404


def test_keyset_cursor_walks_the_same_order(org, east_agent, api_as):
    base = timezone.now()
    for i in range(7):
        t = create_ticket(
            actor=east_agent, unit=org.shanghai, type="enquiry", channel="phone", title=f"k{i}"
        )
        # two without a due time (sorted last), two sharing one due time
        due = None if i in (2, 5) else base + timedelta(hours=i % 3)
        Ticket.objects.filter(pk=t.pk).update(resolution_due=due)
    client = api_as(east_agent)
    full = [i["id"] for i in client.get(URL, {"limit": 100}).json()["items"]]
    walked: list[int] = []
    after = ""
    while True:
        page = client.get(URL, {"limit": 2, "after": after}).json()
        assert page["count"] == 7
        walked += [i["id"] for i in page["items"]]
        if not page["next_after"]:
            break
        after = page["next_after"]
    assert walked == full
    assert client.get(URL, {"after": "garbage"}).status_code == 422


def test_detail_query_count_and_allowed_actions(org, make_user, api_as, django_assert_num_queries):
    from kefu.tickets.services.complaints import allowed_actions

    sup = make_user(Role.SUPERVISOR, org.east)
    client = api_as(sup)
    r = client.post(URL, _body(type="complaint", title="投诉快递员态度"))
    assert r.status_code == 201
    t = Ticket.objects.get(pk=r.json()["id"])
    expected = allowed_actions(ticket=t, actor=sup)
    assert expected
    assert r.json()["allowed_actions"] == expected
    client.get(f"{URL}/{t.pk}")
    # token + user, scope, ticket with its unit and customer, complaint
    with django_assert_num_queries(4):
        r = client.get(f"{URL}/{t.pk}")
    assert r.json()["allowed_actions"] == expected
    with django_assert_num_queries(5):  # token, scope, ticket, events with actors, attachments
        client.get(f"{URL}/{t.pk}/events")


def test_snapshot_filled_from_customer(org, east_agent, api_as):
    c = create_customer(actor=east_agent, unit=org.shanghai, name="赵先生", phones=["13911112222"])
    r = api_as(east_agent).post(URL, _body(customer_id=c.pk, contact_name="赵太太"))
    assert r.status_code == 201
    t = Ticket.objects.get()
    assert (t.customer_id, t.contact_name, t.contact_phone) == (c.pk, "赵太太", "13911112222")


def test_list_accepts_text_and_due_before_spellings(org, make_user, api_as):
    from kefu.tickets.services.intake import create_ticket

    agent = make_user("agent", org.east)
    create_ticket(
        actor=agent, unit=org.shanghai, type="enquiry", channel="phone", title="发票开错了"
    )
    create_ticket(
        actor=agent, unit=org.shanghai, type="complaint", channel="phone", title="营业时间"
    )
    # only the complaint has a resolution target (48 h)
    api = api_as(agent)
    for params in ({"q": "发票"}, {"text": "发票"}):
        body = api.get("/api/v1/tickets", params).json()
        assert [t["title"] for t in body["items"]] == ["发票开错了"]
    late = "2099-01-01T00:00:00+08:00"
    assert api.get("/api/v1/tickets", {"due-before": late}).status_code == 200
    assert api.get("/api/v1/tickets", {"due_before": late}).status_code == 200
    assert api.get("/api/v1/tickets", {"due-before": "soon"}).status_code == 422
    early = "2000-01-01T00:00:00+08:00"
    assert api.get("/api/v1/tickets", {"due-before": early}).json()["count"] == 0
    due = api.get("/api/v1/tickets", {"due-before": late}).json()
    assert [t["title"] for t in due["items"]] == ["营业时间"]
