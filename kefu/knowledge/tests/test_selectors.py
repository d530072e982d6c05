from __future__ import annotations

from typing import Any

import pytest
from django.db import connection

from kefu.knowledge import selectors
from kefu.knowledge.choices import ArticleStatus, Visibility
from kefu.knowledge.errors import ArticleNotFound
from kefu.knowledge.models import Article
from kefu.knowledge.search import search_text_for
from kefu.knowledge.services import create_category


@pytest.fixture
def corpus(make_article: Any, org: Any) -> dict[str, Any]:
    return {
        "damage": make_article("货物破损处理", "签收时发现外包装破损，请拍照并拒收。"),
        "returns": make_article("退换货政策", "商品签收后七天内可申请退货，需保持完好。"),
        "both": make_article("售后须知", "运输途中破损的商品可直接退货或换货。"),
        "points": make_article("会员积分规则", "消费一元积一分，积分一年有效。"),
        "draft": make_article("破损草稿", "破损", status=ArticleStatus.DRAFT),
    }


def _titles(rows: Any) -> list[str]:
    return [a.title for a in rows]


def test_two_character_words_are_found(editor: Any, corpus: Any) -> None:
    assert _titles(selectors.search_articles(editor, "破损")) == ["货物破损处理", "售后须知"]
    assert _titles(selectors.search_articles(editor, "退货")) == ["售后须知", "退换货政策"]
    assert _titles(selectors.search_articles(editor, "破损 退货")) == ["售后须知"]
    assert selectors.search_articles(editor, "保修") == []
    assert selectors.search_articles(editor, "，！") == []


def test_title_hits_rank_first(editor: Any, make_article: Any) -> None:
    make_article("运输说明", "积分 " * 5 + "可以兑换礼品")
    make_article("积分兑换", "在门店兑换礼品")
    assert _titles(selectors.search_articles(editor, "积分")) == ["积分兑换", "运输说明"]


def test_phrase_query_matches_across_jieba_cuts(editor: Any, corpus: Any) -> None:
    assert _titles(selectors.search_articles(editor, "外包装破损")) == ["货物破损处理"]
    assert _titles(selectors.search_articles(editor, "包装破")) == ["货物破损处理"]


def test_scope_headquarters_articles_visible_below_not_beside(
    org: Any, agent: Any, make_article: Any, make_user: Any
) -> None:
    make_article("总部规定破损", "破损")
    make_article("华东破损", "破损", unit=org.east)
    make_article("上海破损", "破损", unit=org.shanghai)
    make_article("华南破损", "破损", unit=org.south)
    assert sorted(_titles(selectors.search_articles(agent, "破损"))) == sorted(
        ["总部规定破损", "华东破损", "上海破损"]
    )
    assert selectors.search_articles(None, "破损") == []
    with pytest.raises(ArticleNotFound):
        selectors.get_article(agent, Article.objects.get(title="华南破损").pk)


def test_public_only(editor: Any, make_article: Any) -> None:
    make_article("退货公开", "退货", visibility=Visibility.PUBLIC)
    make_article("退货内部话术", "退货", visibility=Visibility.INTERNAL)
    make_article("退货公开草稿", "退货", visibility=Visibility.PUBLIC, status=ArticleStatus.DRAFT)
    assert _titles(selectors.search_articles(None, "退货", public_only=True)) == ["退货公开"]


def test_list_filters(editor: Any, make_article: Any, policy: Any) -> None:
    sub = create_category(actor=editor, name="退货", parent=policy)
    make_article("A", "退货", category=sub)
    make_article("B", "退货", visibility=Visibility.PUBLIC)
    assert _titles(selectors.list_articles(editor, category=policy)) == ["A"]
    assert _titles(selectors.list_articles(editor, visibility="public")) == ["B"]
    assert _titles(selectors.list_articles(editor, q="退货", status="published")) == ["B", "A"]


def test_search_query_count(editor: Any, corpus: Any, django_assert_num_queries: Any) -> None:
    selectors.search_articles(editor, "x")  # loads the actor's scope once
    with django_assert_num_queries(1):
        rows = selectors.search_articles(editor, "破损")
        assert [a.unit.name for a in rows] == ["总部", "总部"]


def test_list_query_count(agent: Any, corpus: Any, django_assert_num_queries: Any) -> None:
    selectors.list_articles(agent).exists()
    with django_assert_num_queries(1):
        rows = list(selectors.list_articles(agent, q="退货"))
        assert [(a.unit.name, a.category) for a in rows] == [("总部", None), ("总部", None)]


def test_suggestions_for_ticket_text(editor: Any, corpus: Any) -> None:
    class FakeTicket:
        title = "收到的杯子破损了"
        description = "您好，快递送到时外包装破损，杯子碎了，我要退货。"

    ticket: Any = FakeTicket()
    titles = _titles(selectors.suggest_for_ticket(editor, ticket, limit=3))
    assert titles[2] == "退换货政策"  # 退货 only; the others share two words with the ticket
    assert set(titles) == {"售后须知", "货物破损处理", "退换货政策"}


def test_two_thousand_articles(editor: Any, org: Any) -> None:
    """Bulk-built corpus: the index finds exactly the articles holding the word."""
    words = ["物流", "发票", "安装", "配送", "会员", "维修", "价格", "门店"]
    rows = []
    for i in range(2000):
        word = words[i % len(words)]
        extra = "包装破损" if i % 97 == 0 else ""
        extra += "申请退货" if i % 89 == 0 else ""
        title, body = f"{word}说明{i}", f"关于{word}的第{i}条说明。{extra}"
        rows.append(
            Article(
                title=title,
                body=body,
                unit=org.hq,
                status=ArticleStatus.PUBLISHED,
                search_text=search_text_for(title, body),
            )
        )
    Article.objects.bulk_create(rows, batch_size=500)
    damaged = {f"{words[i % 8]}说明{i}" for i in range(2000) if i % 97 == 0}
    returned = {f"{words[i % 8]}说明{i}" for i in range(2000) if i % 89 == 0}
    assert set(_titles(selectors.search_articles(editor, "破损", limit=100))) == damaged
    assert set(_titles(selectors.search_articles(editor, "退货", limit=100))) == returned
    assert set(_titles(selectors.search_articles(editor, "破损 退货", limit=100))) == (
        damaged & returned
    )
    hits = selectors.list_articles(editor, q="发票")
    assert hits.count() == 250


def test_postgres_uses_full_text_index(editor: Any, corpus: Any) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    with connection.cursor() as cur:
        cur.execute(
            "SELECT indexdef FROM pg_indexes WHERE indexname = 'knowledge_article_search_gin'"
        )
        (indexdef,) = cur.fetchone()
    assert "gin" in indexdef
    assert "to_tsvector" in indexdef
    sql = str(selectors.list_articles(editor, q="破损").query)
    assert "plainto_tsquery" in sql
