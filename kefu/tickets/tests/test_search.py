"""Ticket text search through the bigram index (kefu/tickets/search.py): the same results in
the same order as the old icontains scan, kept current by the services, used by the
database (GIN on PostgreSQL, FTS5 on SQLite), backfilled by `kefu reindex-tickets`."""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import Q
from django.test.utils import CaptureQueriesContext

from kefu.core.choices import Role
from kefu.core.tests.ui_client import ui_fixture  # noqa: F401
from kefu.customers.tests.personal_data_fixtures import manager, world  # noqa: F401
from kefu.tickets import selectors
from kefu.tickets.models import Ticket
from kefu.tickets.search import FTS_TABLE, MAX_TOKENS, bigrams, search_text
from kefu.tickets.selectors import list_tickets
from kefu.tickets.services import work
from kefu.tickets.services.intake import create_ticket
from kefu.tickets.tests.h9_fixtures import bench_fixture, make_ticket, url  # noqa: F401

SH = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 23, 10, 0, tzinfo=SH)
PIECES = [
    "洗衣机漏水",
    "冰箱不制冷",
    "发票抬头错误",
    "申请退款",
    "E1 Pro 故障码 E5",
    "型号ＡＢＣ－１２３",
    "abc-123 说明书",
    "联系电话 13800138000",
    "订单 DD2026112301",
    "物流 SF1234567890 未送达",
    "外箱破损，客户很不满意！",
    "100% 好评",
    "under_score 与 50%折扣",
    "空调 噪音大",
    "净水器滤芯",
    "Wi-Fi 连不上",
    "ｗｉｆｉ 模块",
    "漏 水",
    "",
]
QUERIES = [
    "漏水", "洗衣机", "发票", "退款申请", "申请退款", "e1", "E1 pro", "pro", "E5", "ＡＢＣ",
    "abc", "ABC-123", "１２３", "123", "13800", "138001", "13800138000", "DD2026112301",
    "SF12345", "破损，客户", "不满意!", "100%", "%", "_", "0%", "under_score", "wi-fi",
    "wifi", "ＷＩＦＩ", "漏 水", "水", "a", "不存在的词", "  滤芯  ", "净水器滤芯空调",
]  # fmt: skip


def _old_condition(q: str) -> Q:
    return Q(title__icontains=q) | Q(description__icontains=q)


def _many_bigrams() -> str:
    """A text with more distinct bigrams than MAX_TOKENS (pairs of CJK characters)."""
    side = int(MAX_TOKENS**0.5) + 2
    return " ".join(chr(0x4E00 + a) + chr(0x5E00 + b) for a in range(side) for b in range(side))


def _numbers(qs):
    return [t.number for t in qs]


@pytest.fixture
def hq(org, make_user):
    return make_user(Role.MANAGER, org.hq)


@pytest.fixture
def corpus(org):
    """A few hundred tickets with mixed Chinese, ASCII, phone fragments and full-width
    forms; due times repeat (and some are empty) so the order's tie-break counts."""
    rng = random.Random(6)
    rows = []
    for i in range(300):
        title = rng.choice(PIECES[:-1]) + (rng.choice(PIECES) if i % 3 else "")
        description = " ".join(rng.choice(PIECES) for _ in range(rng.randint(0, 3)))
        due = None if i % 7 == 0 else NOW + timedelta(hours=rng.randint(0, 20))
        rows.append(
            Ticket(
                number=f"KF20261123{i:04d}",
                type="enquiry",
                channel="phone",
                title=title,
                description=description,
                search_vector=search_text(title, description),
                unit=rng.choice([org.shanghai, org.guangzhou, org.east]),
                received_at=NOW,
                resolution_due=due,
                reference="DD2026112301" if i == 5 else "",
            )
        )
    Ticket.objects.bulk_create(rows)
    return rows


def test_bigrams_normalise_and_split_on_non_alphanumerics():
    assert bigrams("洗衣机漏水") == ["洗衣", "衣机", "机漏", "漏水"]
    assert bigrams("E1 Pro") == ["e1", "pr", "ro"]
    assert bigrams("ＡＢＣ－１２３") == ["ab", "bc", "12", "23"]
    assert bigrams("漏 水") == []  # runs of one character give no bigram
    assert bigrams("a") == []
    assert bigrams("") == []
    assert search_text("漏水", "漏水 漏水") == "漏水"
    assert search_text("长", _many_bigrams()) is None


@pytest.mark.parametrize("q", QUERIES)
def test_search_matches_the_old_scan_in_the_same_order(corpus, hq, monkeypatch, q):
    new = _numbers(list_tickets(hq, q=q))
    monkeypatch.setattr(selectors, "text_condition", _old_condition)
    old = _numbers(list_tickets(hq, q=q))
    assert new == old


def test_corpus_queries_are_not_trivially_empty(corpus, hq):
    found = {q: list_tickets(hq, q=q).count() for q in ("漏水", "e1", "ＡＢＣ", "wi-fi")}
    assert all(0 < n < 300 for n in found.values()), found
    assert list_tickets(hq, q="不存在的词").count() == 0


def test_an_edited_title_is_found_by_its_new_words_only(org, make_user):
    agent = make_user(Role.AGENT, org.east)
    ticket = create_ticket(
        actor=agent, unit=org.shanghai, type="enquiry", channel="phone", title="冰箱不制冷"
    )
    assert _numbers(list_tickets(agent, q="制冷")) == [ticket.number]
    work.update_ticket(actor=agent, ticket=ticket, title="热水器漏电", description="E3 报警")
    assert _numbers(list_tickets(agent, q="制冷")) == []
    assert _numbers(list_tickets(agent, q="冰箱")) == []
    assert _numbers(list_tickets(agent, q="漏电")) == [ticket.number]
    assert _numbers(list_tickets(agent, q="e3")) == [ticket.number]
    ticket.refresh_from_db()
    assert ticket.search_vector is not None
    assert "漏电" in str(ticket.search_vector)
    assert "冰箱" not in str(ticket.search_vector)


def test_rows_without_tokens_are_found_and_the_reindex_command_fills_them(org, make_user):
    agent = make_user(Role.AGENT, org.east)
    Ticket.objects.bulk_create(
        [
            Ticket(number=f"KF2026112399{i:02d}", type="enquiry", channel="phone",
                   title=f"旧数据电饭煲{i}", unit=org.shanghai, received_at=NOW)
            for i in range(5)
        ]
    )  # fmt: skip
    assert list_tickets(agent, q="电饭煲").count() == 5  # not indexed yet: still found
    out = StringIO()
    call_command("reindex_tickets", stdout=out)
    assert "5 tickets without search tokens" in out.getvalue()
    assert Ticket.objects.filter(search_vector__isnull=True).count() == 5  # a dry run
    call_command("reindex-tickets", apply=True, batch=2, stdout=out)
    assert "Indexed 5 tickets." in out.getvalue()
    assert list_tickets(agent, q="电饭煲").count() == 5
    assert not Ticket.objects.filter(search_vector__isnull=True).exists()


def test_search_uses_the_index(org, hq):
    filler = [
        Ticket(number=f"KF20261124{i:04d}", type="enquiry", channel="phone", title="查询物流",
               description=f"单号 SF{i:06d}", unit=org.shanghai if i % 2 else org.guangzhou,
               search_vector=search_text("查询物流", f"单号 SF{i:06d}"), received_at=NOW)
        for i in range(4000)
    ]  # fmt: skip
    filler[10].title = filler[20].title = "冰箱不制冷"
    filler[10].search_vector = filler[20].search_vector = search_text("冰箱不制冷", "")
    Ticket.objects.bulk_create(filler)
    qs = list_tickets(hq, q="冰箱")
    assert len(qs) == 2
    sql = str(qs.query)
    if connection.vendor == "postgresql":
        assert "@@" in sql
        assert "::tsquery" in sql
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE tickets_ticket, core_orgunit")
            # a few thousand rows still fit a sequential scan; the benchmark (50k rows) shows
            # the planner's own choice. Here: the query can use the GIN index at all.
            cursor.execute("SET LOCAL enable_seqscan = off")
        plan = qs.explain()
        assert "tickets_search_gin" in plan, plan
    else:
        assert f"{FTS_TABLE} MATCH" in sql
        plan = qs.explain()
        assert FTS_TABLE in plan, plan
        assert "VIRTUAL TABLE INDEX" in plan, plan


def test_a_one_character_query_takes_the_old_path(corpus, hq):
    sql = str(list_tickets(hq, q="水").query)
    assert "@@" not in sql
    assert FTS_TABLE not in sql


@pytest.mark.skipif("connection.vendor != 'sqlite'")
def test_sqlite_fts_triggers_exist_after_migrations(db):
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' ORDER BY name")
        names = [r[0] for r in cursor.fetchall()]
    assert [n for n in names if n.startswith(FTS_TABLE)] == [
        f"{FTS_TABLE}_ad",
        f"{FTS_TABLE}_ai",
        f"{FTS_TABLE}_au",
    ]


def test_api_search_query_count_is_the_same_as_a_plain_list(
    corpus, hq, api_as, django_assert_num_queries
):
    client = api_as(hq)
    client.get("/api/v1/tickets")
    with CaptureQueriesContext(connection) as plain_queries:
        plain = client.get("/api/v1/tickets")
    with CaptureQueriesContext(connection) as found_queries:
        found = client.get("/api/v1/tickets", {"q": "漏水"})
    # token, scope, count, page, then one query per relation the rows point at
    assert len(found_queries.captured_queries) == len(plain_queries.captured_queries) <= 10
    assert plain.json()["count"] == 300
    expected = Ticket.objects.filter(_old_condition("漏水")).count()
    assert found.json()["count"] == expected > 0


def test_queue_page_search_finds_by_text_with_the_same_query_count(ui, bench, org, monkeypatch):
    client = ui(bench["agent"])
    make_ticket(bench["agent"], org.shanghai, "洗衣机漏水", description="ＥＲＲ５ 报警")
    client.get(url("tickets:list"))  # warm session/calendar
    with CaptureQueriesContext(connection) as new:
        response = client.get(url("tickets:list"), {"q": "漏水"})
    html = response.content.decode()
    assert html.count("data-row-link") == 1
    assert "洗衣机漏水" in html
    found = client.get(url("tickets:list"), {"q": "ＥＲＲ５"}).content.decode()
    assert found.count("data-row-link") == 1
    monkeypatch.setattr(selectors, "text_condition", _old_condition)
    with CaptureQueriesContext(connection) as old:
        again = client.get(url("tickets:list"), {"q": "漏水"})
    assert len(new.captured_queries) == len(old.captured_queries)
    assert again.content.decode().count("data-row-link") == 1


def test_erasing_a_customer_leaves_no_bigrams_of_the_erased_text(world):  # noqa: F811
    from kefu.customers.services.personal_data import erase_personal_data
    from kefu.customers.tests.personal_data_fixtures import NAME

    tickets = Ticket.objects.filter(customer=world.customer)
    assert any("欧阳" in str(t.search_vector) for t in tickets)
    erase_personal_data(
        actor=world.manager, customer=world.customer, reason="客户要求注销", confirm_name=NAME
    )
    vectors = [str(t.search_vector) for t in Ticket.objects.filter(customer=world.customer)]
    assert vectors
    for token in bigrams(NAME):
        assert all(token not in v for v in vectors)
    assert list_tickets(world.manager, q=NAME).count() == 0


def test_a_description_too_long_to_index_is_still_created_and_found(org, make_user):
    agent = make_user(Role.AGENT, org.east)
    text = _many_bigrams()
    ticket = create_ticket(
        actor=agent, unit=org.shanghai, type="enquiry", channel="email", title="长邮件",
        description=text,
    )  # fmt: skip
    ticket.refresh_from_db()
    assert ticket.search_vector is None
    assert _numbers(list_tickets(agent, q=text[500:510])) == [ticket.number]


@pytest.mark.django_db
def test_sqlite_search_triggers_survive_every_migration():
    """A later migration that rebuilds tickets_ticket on SQLite (AlterField) drops its
    triggers; the FTS table would then silently stop following new tickets."""
    if connection.vendor != "sqlite":
        pytest.skip("SQLite's FTS triggers")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'tickets_ticket'"
        )
        names = {row[0] for row in cursor.fetchall()}
    assert {"tickets_ticket_fts_ai", "tickets_ticket_fts_ad", "tickets_ticket_fts_au"} <= names


def test_api_search_count_is_capped_and_says_so(corpus, hq, api_as, monkeypatch):
    from kefu.tickets.api import pagination

    client = api_as(hq)
    full = client.get("/api/v1/tickets", {"q": "漏水"}).json()
    assert full["count_exact"] is True
    assert full["count"] > 3
    monkeypatch.setattr(pagination, "SEARCH_COUNT_CAP", 3)
    capped = client.get("/api/v1/tickets", {"q": "漏水", "limit": 2}).json()
    assert (capped["count"], capped["count_exact"]) == (3, False)
    assert [t["id"] for t in capped["items"]] == [t["id"] for t in full["items"][:2]]
    plain = client.get("/api/v1/tickets").json()  # no search: always the exact total
    assert (plain["count"], plain["count_exact"]) == (300, True)
