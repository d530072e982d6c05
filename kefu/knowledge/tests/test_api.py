from __future__ import annotations

from typing import Any

import pytest

from kefu.knowledge.choices import Visibility
from kefu.knowledge.models import Article, ArticleVersion, KnowledgeCategory

BASE = "/api/v1/knowledge"


def test_search_finds_two_character_words(api_as: Any, agent: Any, make_article: Any) -> None:
    make_article("货物破损处理", "外包装破损请拒收。")
    make_article("退换货政策", "七天内可申请退货。")
    api = api_as(agent)
    resp = api.get(f"{BASE}/articles", {"q": "破损"})
    assert resp.status_code == 200
    assert [r["title"] for r in resp.json()["items"]] == ["货物破损处理"]
    assert resp.json()["count"] == 1
    assert [r["title"] for r in api.get(f"{BASE}/articles", {"q": "退货"}).json()["items"]] == [
        "退换货政策"
    ]


def test_list_query_count(
    api_as: Any, agent: Any, make_article: Any, django_assert_num_queries: Any
) -> None:
    for i in range(4):
        make_article(f"退货{i}", "退货", visibility=Visibility.PUBLIC)
    api = api_as(agent)
    api.get(f"{BASE}/articles")
    with django_assert_num_queries(4):  # token + user, scope, page, count
        resp = api.get(f"{BASE}/articles", {"q": "退货", "visibility": "public"})
    assert resp.json()["count"] == 4


def test_create_patch_versions_restore(api_as: Any, editor: Any, org: Any, policy: Any) -> None:
    api = api_as(editor)
    resp = api.post(
        f"{BASE}/articles",
        {"title": "保修条款", "body": "保修一年", "category_id": policy.pk, "tags": ["保修"]},
    )
    assert resp.status_code == 201
    body = resp.json()
    assert (body["version"], body["unit_id"], body["category"]) == (1, org.hq.pk, "退换货政策")
    aid = body["id"]
    resp = api.patch(f"{BASE}/articles/{aid}", {"body": "保修两年", "version": 1, "note": "延长"})
    assert (resp.status_code, resp.json()["version"]) == (200, 2)
    stale = api.patch(f"{BASE}/articles/{aid}", {"body": "x", "version": 1})
    assert (stale.status_code, stale.json()["code"]) == (409, "article_stale")
    versions = api.get(f"{BASE}/articles/{aid}/versions").json()
    assert [(v["number"], v["body"], v["note"]) for v in versions] == [
        (2, "保修两年", "延长"),
        (1, "保修一年", ""),
    ]
    resp = api.post(f"{BASE}/articles/{aid}/restore", {"version": 1})
    assert (resp.json()["version"], resp.json()["body"]) == (3, "保修一年")
    missing = api.post(f"{BASE}/articles/{aid}/restore", {"version": 9})
    assert (missing.status_code, missing.json()["code"]) == (404, "article_version_not_found")
    cleared = api.patch(f"{BASE}/articles/{aid}", {"category_id": 0})
    assert cleared.json()["category_id"] is None


@pytest.mark.parametrize(
    ("payload", "status"),
    [
        ({"title": "", "body": "x"}, 422),
        ({"title": "  ", "body": "x"}, 422),
        ({"title": "t", "body": "x", "visibility": "secret"}, 422),
        ({"title": "t", "body": "x", "category_id": 99999}, 422),
        ({"title": "t", "body": "x", "unit_id": 2**40}, 422),
        ({"title": "t" * 201, "body": "x"}, 422),
        ({"title": "t", "body": "x", "tags": ["a"] * 11}, 422),
    ],
)
def test_bad_input_is_refused(api_as: Any, editor: Any, payload: Any, status: int) -> None:
    resp = api_as(editor).post(f"{BASE}/articles", payload)
    assert resp.status_code == status
    assert Article.objects.count() == 0


def test_agent_cannot_write_and_outsiders_get_404(
    api_as: Any, agent: Any, south_editor: Any, make_article: Any, org: Any
) -> None:
    a = make_article(unit=org.east)
    api = api_as(agent)
    assert api.post(f"{BASE}/articles", {"title": "t", "body": "b"}).status_code == 403
    assert api.patch(f"{BASE}/articles/{a.pk}", {"body": "x"}).status_code == 403
    assert api.post(f"{BASE}/articles/{a.pk}/restore", {"version": 1}).status_code == 403
    assert api.post(f"{BASE}/categories", {"name": "新"}).status_code == 403
    assert api_as(south_editor).get(f"{BASE}/articles/{a.pk}").status_code == 404
    assert api_as(None).get(f"{BASE}/articles").status_code == 401
    assert ArticleVersion.objects.count() == 1
    assert KnowledgeCategory.objects.count() == 0


def test_categories(api_as: Any, editor: Any) -> None:
    api = api_as(editor)
    root = api.post(f"{BASE}/categories", {"name": "售后", "order": 1}).json()
    child = api.post(f"{BASE}/categories", {"name": "退货", "parent_id": root["id"]})
    assert child.status_code == 201
    assert api.post(f"{BASE}/categories", {"name": "售后"}).status_code == 422
    assert [(c["name"], c["parent_id"]) for c in api.get(f"{BASE}/categories").json()] == [
        ("售后", None),
        ("退货", root["id"]),
    ]


def test_public_api_lists_public_published_only(api_as: Any, make_article: Any) -> None:
    make_article("退货流程", "七天无理由退货", visibility=Visibility.PUBLIC)
    make_article("退货话术（内部）", "退货时先安抚", visibility=Visibility.INTERNAL)
    make_article("退货草稿", "退货", visibility=Visibility.PUBLIC, status="draft")
    anon = api_as(None)
    assert [a["title"] for a in anon.get(f"{BASE}/public/articles").json()] == ["退货流程"]
    found = anon.get(f"{BASE}/public/articles", {"q": "退货"}).json()
    assert [a["title"] for a in found] == ["退货流程"]
    assert anon.get(f"{BASE}/public/articles", {"q": "x" * 101}).status_code == 422


def test_nul_and_odd_characters_never_500(api_as: Any, editor: Any, make_article: Any) -> None:
    make_article("退货流程", "退货")
    api = api_as(editor)
    for q in ["\x00退货", "' OR 1=1 --", "%_%", "<script>"]:
        assert api.get(f"{BASE}/articles", {"q": q}).status_code in {200, 400}
        assert api_as(None).get(f"{BASE}/public/articles", {"q": q}).status_code in {200, 400}
    resp = api.post(f"{BASE}/articles", {"title": "t", "body": "a\x00b"})
    assert 400 <= resp.status_code < 500
    assert Article.objects.count() == 1
