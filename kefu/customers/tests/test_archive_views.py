"""Customer archive pages: list (search, filters, export), create/edit, the 360° page with
plug-in sections and the reveal button; scope; query counts."""

from io import BytesIO

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from kefu.core.models import AuditEvent
from kefu.core.tests.ui_client import ui_fixture  # noqa: F401
from kefu.customers import services
from kefu.customers.models import Customer, CustomerAlias
from kefu.customers.sections import register_customer_section, unregister_customer_section
from kefu.customers.tests.archive_fixtures import *  # noqa: F403
from kefu.tickets.services.intake import create_ticket

pytestmark = pytest.mark.django_db


def test_list_masks_and_searches(rich_customer, east_agent, org, ui):
    services.create_customer(
        actor=east_agent, unit=org.shanghai, name="李四", phones=["13900009999"]
    )
    page = ui(east_agent)
    r = page.get("/customers/")
    html = r.content.decode()
    assert r.status_code == 200
    assert "上海华东贸易有限公司" in html
    assert "李四" in html
    assert "138****5678" in html
    assert "13812345678" not in html
    r = page.get("/customers/", {"phone": "+86 138-1234-5678"})
    html = r.content.decode()
    assert "上海华东贸易有限公司" in html
    assert "李四" not in html
    r = page.get("/customers/", {"tag": "VIP", "sort": "-name"})
    assert "上海华东贸易有限公司" in r.content.decode()
    r = page.get("/customers/", {"q": "不存在的客户"})
    assert "No customer matches" in r.content.decode()


def test_list_query_count_is_constant(org, east_agent, ui):
    page = ui(east_agent)

    def count():
        page.get("/customers/")
        with CaptureQueriesContext(connection) as ctx:
            assert page.get("/customers/").status_code == 200
        return len(ctx.captured_queries)

    services.create_customer(actor=east_agent, unit=org.shanghai, name="一", phones=["13800000001"])
    few = count()
    for i in range(8):
        services.create_customer(
            actor=east_agent,
            unit=org.east,
            name=f"多{i}",
            phones=[f"1390000000{i}"],
            tags=[f"t{i}"],
        )
    assert count() == few == 11


def test_nav_entry(east_agent, ui):
    html = ui(east_agent).get("/").content.decode()
    assert 'href="/customers/"' in html


def test_export_requires_permission(rich_customer, east_agent, ui):
    assert ui(east_agent).get("/customers/export/").status_code == 403
    assert not AuditEvent.objects.filter(
        action__in=["data.export", "personal_data.export"]
    ).exists()


def test_export_unmasked_for_reveal_and_export_roles_and_logged(
    rich_customer, supervisor, ui, org, east_agent
):
    services.create_customer(actor=east_agent, unit=org.east, name="第二", phones=["13700001111"])
    r = ui(supervisor).get("/customers/export/", {"q": "华东"})
    assert r.status_code == 200
    book = load_workbook(BytesIO(b"".join(r.streaming_content)))
    rows = list(book.active.iter_rows(values_only=True))
    assert len(rows) == 2
    assert rows[1][1] == "上海华东贸易有限公司"
    assert "13812345678" in rows[1][6]
    event = AuditEvent.objects.get(action="personal_data.export")
    assert event.changes["rows"] == 1
    assert "13812345678" not in str(event.changes)


def test_export_masked_without_reveal(rich_customer, supervisor, ui, monkeypatch):
    from kefu.customers.views import archive

    real = archive.has_perm  # type: ignore[attr-defined]
    monkeypatch.setattr(
        archive,
        "has_perm",
        lambda a, p, u=None: False if p == "personal_data.reveal" else real(a, p, u),
    )
    r = ui(supervisor).get("/customers/export/")
    rows = list(
        load_workbook(BytesIO(b"".join(r.streaming_content))).active.iter_rows(values_only=True)
    )
    assert rows[1][6] == "138****5678、021****0000"
    assert AuditEvent.objects.get(action="data.export").changes["rows"] == 1


def test_360_page(rich_customer, east_agent, ui, org):
    t = create_ticket(
        actor=east_agent,
        unit=org.shanghai,
        type="enquiry",
        channel="phone",
        title="询价单",
        customer=rich_customer,
    )
    services.change_credit(actor=east_agent, customer=rich_customer, level="AA", reason="按时回款")
    r = ui(east_agent).get(f"/customers/{rich_customer.pk}/")
    html = r.content.decode()
    assert r.status_code == 200
    assert "138****5678" in html
    assert "13812345678" not in html
    assert "913100****XX1A" in html
    assert "91310000MA1FL0XX1A" not in html
    assert "世纪大道" not in html
    assert "王经理" in html
    assert "139****1111" in html
    assert 'data-section="tickets"' in html
    assert t.number in html
    assert "询价单" in html
    assert "按时回款" in html
    assert "VIP" in html
    assert "data-reveal" not in html  # an agent may not reveal


def test_reveal_button_for_supervisor(rich_customer, supervisor, east_agent, ui):
    page = ui(supervisor)
    html = page.get(f"/customers/{rich_customer.pk}/").content.decode()
    assert "data-reveal" in html
    assert "13812345678" not in html
    assert not AuditEvent.objects.filter(action="personal_data.reveal").exists()
    r = page.htmx_post(f"/customers/{rich_customer.pk}/reveal/")
    assert r.status_code == 200
    assert "13812345678" in r.content.decode()
    assert AuditEvent.objects.get(action="personal_data.reveal").actor == supervisor
    r = ui(east_agent).htmx_post(f"/customers/{rich_customer.pk}/reveal/")
    assert r.status_code == 403
    assert AuditEvent.objects.filter(action="personal_data.reveal").count() == 1


def test_scope_other_region_gets_404(rich_customer, south_agent, ui):
    page = ui(south_agent)
    assert page.get(f"/customers/{rich_customer.pk}/").status_code == 404
    assert page.get(f"/customers/{rich_customer.pk}/edit/").status_code == 404
    assert "上海华东" not in page.get("/customers/").content.decode()


def test_merged_id_redirects_to_survivor(rich_customer, east_agent, ui):
    CustomerAlias.objects.create(customer=rich_customer, name="旧名", old_customer_id=777_777)
    r = ui(east_agent).get("/customers/777777/")
    assert r.status_code == 302
    assert r["Location"] == f"/customers/{rich_customer.pk}/"


def test_plugin_section_errors_do_not_break_the_page(rich_customer, east_agent, ui):
    def broken(request, customer):
        raise RuntimeError("boom")

    register_customer_section("broken", "Broken", order=1, render=broken)
    register_customer_section(
        "tpl", "Tpl", order=2, render=lambda r, c: ("core/partials/form_errors.html", {})
    )
    try:
        r = ui(east_agent).get(f"/customers/{rich_customer.pk}/")
    finally:
        unregister_customer_section("broken")
        unregister_customer_section("tpl")
    assert r.status_code == 200
    assert 'data-section="broken"' in r.content.decode()


def test_create_form(org, east_agent, ui):
    page = ui(east_agent)
    assert page.get("/customers/new/").status_code == 200
    r = page.post(
        "/customers/new/",
        {
            "name": "新客户",
            "kind": "person",
            "unit": org.shanghai.pk,
            "grade": "B",
            "phones": "+86 138 0000 1234, 021-1234-5678",
            "tags": "VIP，新客",
        },
    )
    assert r.status_code == 302, r.content.decode()[:2000]
    c = Customer.objects.get(name="新客户")
    assert r["Location"] == f"/customers/{c.pk}/"
    assert sorted(c.phones.values_list("number", flat=True)) == ["02112345678", "13800001234"]
    assert sorted(c.tag_links.values_list("tag__name", flat=True)) == ["VIP", "新客"]


@pytest.mark.parametrize(
    "data",
    [
        {"name": ""},
        {"name": "a\x00b"},
        {"name": "x" * 5000},
        {"name": "x", "phones": "12"},
        {"name": "x", "email": "<script>"},
        {"name": "x", "grade": "Z"},
        {"name": "x", "unit": "abc"},
        {"name": "x", "id_number": "'; DROP TABLE x; --"},
    ],
)
def test_create_form_bad_input_keeps_values(org, east_agent, ui, data):
    body = {"kind": "person", "unit": org.shanghai.pk, "grade": "C", **data}
    r = ui(east_agent).post("/customers/new/", body)
    assert r.status_code in {200, 400}  # NUL bytes are refused by the bad-input middleware
    if r.status_code == 200:
        assert "has-error" in r.content.decode() or "form-alert" in r.content.decode()
    assert Customer.objects.count() == 0


def test_edit_form_and_stale_version(rich_customer, east_agent, ui, org):
    page = ui(east_agent)
    html = page.get(f"/customers/{rich_customer.pk}/edit/").content.decode()
    assert "91310000MA1FL0XX1A" not in html
    assert "913100****XX1A" in html
    base = {
        "name": "上海华东贸易有限公司",
        "kind": "company",
        "unit": org.shanghai.pk,
        "grade": "B",
    }
    r = page.post(f"/customers/{rich_customer.pk}/edit/", {**base, "version": 1})
    assert r.status_code == 302
    c = Customer.objects.get(pk=rich_customer.pk)
    assert (c.grade, c.id_number, c.version) == ("B", "91310000MA1FL0XX1A", 2)
    r = page.post(f"/customers/{rich_customer.pk}/edit/", {**base, "grade": "D", "version": 1})
    assert r.status_code == 200
    assert "Someone else changed this customer" in r.content.decode()
    assert Customer.objects.get(pk=rich_customer.pk).grade == "B"


def test_360_actions(rich_customer, east_agent, ui):
    page = ui(east_agent)
    base = f"/customers/{rich_customer.pk}"
    assert page.post(f"{base}/contacts/", {"name": "孙", "phone": "13511112222"}).status_code == 302
    assert rich_customer.contacts.filter(name="孙", phone="13511112222").exists()
    r = page.post(f"{base}/contacts/", {"name": "", "phone": "1"})
    assert r.status_code == 422
    assert (
        page.post(f"{base}/addresses/", {"city": "苏州市", "detail": "观前街1号"}).status_code
        == 302
    )
    assert page.post(f"{base}/phones/", {"number": "136 1111 2222"}).status_code == 302
    assert page.post(f"{base}/tags/", {"tags": "甲, 乙"}).status_code == 302
    assert (
        page.post(f"{base}/credit/", {"level": "A", "score": "600", "reason": "评估"}).status_code
        == 302
    )
    r = page.post(f"{base}/credit/", {"score": "5000", "reason": ""})
    assert r.status_code == 422
    c = Customer.objects.get(pk=rich_customer.pk)
    assert (c.credit_level, c.credit_score) == ("A", 600)
    assert sorted(c.tag_links.values_list("tag__name", flat=True)) == ["乙", "甲"]
    phone = c.phones.get(number="13611112222")
    assert page.post(f"{base}/phones/{phone.pk}/delete/").status_code == 302
    assert not c.phones.filter(number="13611112222").exists()


def test_create_form_checks_fields_inline_with_htmx(org, east_agent, ui):
    page = ui(east_agent)
    r = page.htmx_post(
        "/customers/new/", {"_check": "phones", "phones": "12, 138 0000 1111", "name": "x"}
    )
    assert r.status_code == 200
    html = r.content.decode()
    assert "has-error" in html
    assert 'name="phones"' in html
    r = page.htmx_post("/customers/new/", {"_check": "phones", "phones": "+86 138 0000 1111"})
    assert "has-error" not in r.content.decode()
    assert Customer.objects.count() == 0


@pytest.mark.parametrize(
    "params",
    [
        {"unit": "abc"},
        {"unit": "99999999999999999999999"},
        {"page": "-5"},
        {"page": "abc"},
        {"sort": "-password"},
        {"q": "x" * 5000},
        {"q": "%' OR 1=1 --"},
        {"grade": "<script>"},
        {"key_account": "perhaps"},
        {"phone": "---"},
    ],
)
def test_list_bad_params_never_500(rich_customer, east_agent, ui, params):
    r = ui(east_agent).get("/customers/", params)
    assert r.status_code in {200, 400}
    if r.status_code == 200:
        assert "13812345678" not in r.content.decode()


def test_360_query_count_does_not_grow_with_rows(rich_customer, east_agent, ui, org):
    page = ui(east_agent)
    url = f"/customers/{rich_customer.pk}/"

    def count():
        page.get(url)
        with CaptureQueriesContext(connection) as ctx:
            assert page.get(url).status_code == 200
        return len(ctx.captured_queries)

    def ticket(title):
        create_ticket(
            actor=east_agent,
            unit=org.shanghai,
            type="enquiry",
            channel="phone",
            title=title,
            customer=rich_customer,
        )

    ticket("first")  # (the ticket list loads units and departments once it has a row)
    few = count()
    for i in range(4):
        services.add_contact(actor=east_agent, customer=rich_customer, name=f"联系人{i}")
        services.add_address(actor=east_agent, customer=rich_customer, detail=f"路{i}号")
        services.change_credit(actor=east_agent, customer=rich_customer, score=500 + i, reason="r")
        create_ticket(
            actor=east_agent,
            unit=org.shanghai,
            type="enquiry",
            channel="phone",
            title=f"t{i}",
            customer=rich_customer,
        )
    assert count() == few


def test_tickets_section_lists_newest_first_and_links_to_more(rich_customer, east_agent, ui, org):
    from kefu.tickets import customer_section

    for i in range(3):
        create_ticket(
            actor=east_agent,
            unit=org.shanghai,
            type="enquiry",
            channel="phone",
            title=f"<b>第{i}单</b>",
            customer=rich_customer,
        )
    original = customer_section.LIMIT
    customer_section.LIMIT = 2
    try:
        html = ui(east_agent).get(f"/customers/{rich_customer.pk}/").content.decode()
    finally:
        customer_section.LIMIT = original
    assert html.index("第2单") < html.index("第1单")
    assert "第0单" not in html
    assert "<b>第2单" not in html  # escaped
    assert "/tickets/?q=" in html
