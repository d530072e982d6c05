from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test import Client

from kefu.core.choices import Role
from kefu.customers.services import create_customer
from kefu.tickets.choices import EventKind
from kefu.tickets.models import Ticket
from kefu.tickets.services import work

NEW = "/help/new/"
LOOKUP = "/help/lookup/"


@pytest.fixture(autouse=True)
def _clear_rate_limits():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def client_en():
    return Client(HTTP_ACCEPT_LANGUAGE="en")


def _form(**kw):
    data = {
        "type": "repair",
        "name": "王女士",
        "phone": "138 1234 5678",
        "email": "wang@example.com",
        "title": "热水器不工作",
        "description": "昨天安装的热水器今天不出热水。",
        "website": "",
    }
    data.update(kw)
    return data


def test_form_page_renders(org, client_en):
    r = client_en.get(NEW)
    assert r.status_code == 200
    assert 'name="website"' in r.content.decode()


def test_submit_creates_web_ticket_and_shows_number(org, client_en):
    customer = create_customer(
        actor=_admin(org),
        unit=org.shanghai,
        name="王女士",
        phones=["13812345678"],
    )
    r = client_en.post(NEW, _form())
    assert r.status_code == 302
    assert r.headers["Location"] == "/help/new/done/"
    t = Ticket.objects.get()
    assert t.channel == "web"
    assert t.type == "repair"
    assert t.unit == org.hq
    assert t.customer == customer
    assert t.contact_phone == "13812345678"
    assert t.contact_email == "wang@example.com"
    assert t.created_by is None
    r = client_en.get("/help/new/done/")
    assert r.status_code == 200
    assert f'data-testid="ticket-number">{t.number}<' in r.content.decode()


def _admin(org):
    from kefu.core.models import User

    return User.objects.get(username="admin")


def test_public_unit_from_settings(org, client_en, settings):
    settings.KEFU_PUBLIC_UNIT_CODE = "R-S"
    client_en.post(NEW, _form())
    assert Ticket.objects.get().unit == org.south


def test_honeypot_creates_nothing(org, client_en):
    r = client_en.post(NEW, _form(website="http://spam.example"), follow=True)
    assert r.status_code == 200
    assert Ticket.objects.count() == 0
    assert 'data-testid="ticket-number"' not in r.content.decode()


def test_done_without_submission_redirects(org, client_en):
    r = client_en.get("/help/new/done/")
    assert r.status_code == 302
    assert r.headers["Location"] == NEW


@pytest.mark.parametrize(
    "override",
    [
        {"title": "😀" * 50, "description": "表情 🎉🎉 emoji"},
        {"title": "x" * 201},
        {"description": "长" * 100_000},
        {"title": "'; DROP TABLE tickets_ticket; --", "description": "<script>alert(1)</script>"},
        {"title": "nul\x00byte"},
        {"phone": "abc"},
        {"phone": "1" * 41},
        {"type": "hacker"},
        {"email": "not-an-email"},
        {"name": "", "title": "", "description": ""},
        {"title": "锟斤拷烫烫烫 ÃƒÂ©"},
    ],
)
def test_odd_input_never_500(org, client_en, override):
    r = client_en.post(NEW, _form(**override))
    assert r.status_code in (200, 302, 400)
    if r.status_code != 302:
        assert Ticket.objects.count() == 0


def test_injection_stored_as_text(org, client_en):
    client_en.post(NEW, _form(title="<script>alert(1)</script>", description="'; DROP --"))
    t = Ticket.objects.get()
    assert t.title == "<script>alert(1)</script>"
    r = client_en.get("/help/new/done/")
    assert "<script>" not in r.content.decode()


def test_raw_gbk_bytes_never_500(org):
    client = Client()
    name = "王".encode("gbk").decode("latin-1")
    title = "报修".encode("gbk").decode("latin-1")
    body = f"type=repair&name={name}&phone=13812345678&title={title}&description=x"
    r = client.post(
        NEW,
        body.encode("latin-1") + b"\xb1\xa8\xd0\xde",
        content_type="application/x-www-form-urlencoded",
    )
    assert r.status_code in (200, 302)
    r = client.post(NEW, b"\xff\xfe\x00garbage", content_type="application/x-www-form-urlencoded")
    assert r.status_code in (200, 400)


def test_rate_limit(org, client_en, settings):
    settings.KEFU_PUBLIC_FORM_RATE = (2, 600)
    assert client_en.post(NEW, _form()).status_code == 302
    assert client_en.post(NEW, _form()).status_code == 302
    r = client_en.post(NEW, _form())
    assert r.status_code == 429
    assert Ticket.objects.count() == 2
    other_ip = Client(REMOTE_ADDR="10.0.0.9")
    assert other_ip.post(NEW, _form()).status_code == 302


def test_no_unit_configured_is_503(db, client_en):
    r = client_en.post(NEW, _form())
    assert r.status_code == 503
    assert Ticket.objects.count() == 0


def test_self_lookup_shows_status_and_public_replies_only(org, make_user, client_en):
    client_en.post(NEW, _form())
    t = Ticket.objects.get()
    agent = make_user(Role.AGENT, org.hq)
    work.add_note(actor=agent, ticket=t, body="内部备注：客户脾气急")
    work.add_reply(actor=agent, ticket=t, body="师傅明天上午上门。")
    r = client_en.post(LOOKUP, {"number": t.number.lower(), "phone": "+86 13812345678"})
    html = r.content.decode()
    assert r.status_code == 200
    assert 'data-testid="status">In progress<' in html
    assert "师傅明天上午上门。" in html
    assert "内部备注" not in html
    assert t.events.filter(kind=EventKind.NOTE).count() == 1


def test_self_lookup_same_answer_for_wrong_number_or_phone(org, client_en):
    client_en.post(NEW, _form())
    t = Ticket.objects.get()
    wrong_phone = client_en.post(LOOKUP, {"number": t.number, "phone": "13900000000"})
    wrong_number = client_en.post(LOOKUP, {"number": "KF199901010001", "phone": "13812345678"})
    assert wrong_phone.status_code == wrong_number.status_code == 200
    assert 'data-testid="not-found"' in wrong_phone.content.decode()
    assert _result(wrong_phone) == _result(wrong_number)


def _result(response):
    html = response.content.decode()
    return html[html.index('data-testid="lookup-result"') : html.index("</main>")]


def test_self_lookup_rate_limited(org, client_en, settings):
    settings.KEFU_PUBLIC_LOOKUP_RATE = (3, 600)
    for _ in range(3):
        r = client_en.post(LOOKUP, {"number": "KF1", "phone": "13812345678"})
        assert r.status_code == 200
    assert client_en.post(LOOKUP, {"number": "KF1", "phone": "13812345678"}).status_code == 429
    assert client_en.get(LOOKUP).status_code == 200
