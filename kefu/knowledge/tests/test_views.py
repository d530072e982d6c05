from __future__ import annotations

from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kefu.core.choices import Role
from kefu.knowledge.choices import Visibility
from kefu.knowledge.models import Article, ArticleVersion, KnowledgeCategory
from kefu.knowledge.services import update_article
from kefu.tickets.services.intake import create_ticket

XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def test_list_searches_and_highlights(ui: Any, agent: Any, make_article: Any) -> None:
    make_article("货物破损处理", "外包装破损请拒收。")
    make_article("会员积分规则", "一元一分。")
    page = ui(agent).get(reverse("knowledge:list"), {"q": "破损"})
    html = page.content.decode()
    assert page.status_code == 200
    assert "货物<mark>破损</mark>处理" in html
    assert "会员积分规则" not in html


def test_list_query_count(ui: Any, agent: Any, make_article: Any) -> None:
    """Three queries of ours (count, page, category tree) however many rows; the shell's own
    queries (session, user, nav counts) belong to other apps and are only required not to
    grow with the rows."""
    client = ui(agent)

    def run() -> list[str]:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("knowledge:list"), {"q": "退货"}).status_code == 200
        return [q["sql"] for q in ctx.captured_queries]

    make_article("退货须知", "退货")
    client.get(reverse("knowledge:list"))
    few = run()
    for i in range(6):
        make_article(f"退货须知{i}", "退货")
    many = run()
    assert len(many) == len(few)
    assert len([q for q in many if "knowledge_" in q]) == 3


def test_article_body_is_escaped(ui: Any, agent: Any, make_article: Any) -> None:
    a = make_article("安全测试", XSS + "\n\n# 标题\n- 第一条\n**重点**")
    html = ui(agent).get(reverse("knowledge:detail", args=[a.pk])).content.decode()
    assert "<script>alert" not in html
    assert "<img src=x" not in html
    assert "&lt;script&gt;" in html
    assert "<h2>标题</h2>" in html
    assert "<li>第一条</li>" in html
    assert "<strong>重点</strong>" in html


def test_editor_creates_edits_and_restores(ui: Any, editor: Any, org: Any, policy: Any) -> None:
    client = ui(editor)
    data = {
        "title": "保修条款",
        "body": "整机保修一年。",
        "category": policy.pk,
        "unit": org.hq.pk,
        "visibility": "public",
        "status": "published",
        "tags": "保修, 售后",
    }
    resp = client.post(reverse("knowledge:create"), data)
    a = Article.objects.get()
    assert resp.status_code == 302
    assert resp["Location"] == reverse("knowledge:detail", args=[a.pk])
    assert (a.tags, a.visibility, a.category) == (["保修", "售后"], "public", policy)
    edit = {**data, "body": "整机保修两年。", "version": 1, "note": "延长保修"}
    del edit["unit"]
    assert client.post(reverse("knowledge:edit", args=[a.pk]), edit).status_code == 302
    stale = client.post(reverse("knowledge:edit", args=[a.pk]), {**edit, "body": "旧"})
    assert stale.status_code == 422
    assert "旧" in stale.content.decode()  # typed text kept
    history = client.get(reverse("knowledge:history", args=[a.pk]), {"v": 2}).content.decode()
    assert '<li class="add">整机保修两年。</li>' in history
    assert '<li class="del">整机保修一年。</li>' in history
    resp = client.post(reverse("knowledge:restore", args=[a.pk]), {"version": "1"})
    assert resp.status_code == 302
    a.refresh_from_db()
    assert (a.version, a.body) == (3, "整机保修一年。")


def test_editor_form_errors_keep_input(ui: Any, editor: Any, org: Any) -> None:
    resp = ui(editor).post(
        reverse("knowledge:create"),
        {"title": "", "body": "内容", "unit": org.hq.pk, "visibility": "public", "status": "x"},
    )
    assert resp.status_code == 422
    assert "内容" in resp.content.decode()
    assert Article.objects.count() == 0


def test_agent_cannot_edit(ui: Any, agent: Any, make_article: Any) -> None:
    a = make_article()
    client = ui(agent)
    assert client.get(reverse("knowledge:create")).status_code == 403
    assert client.post(reverse("knowledge:edit", args=[a.pk]), {"title": "x"}).status_code == 403
    assert (
        client.post(reverse("knowledge:restore", args=[a.pk]), {"version": "1"}).status_code == 403
    )
    assert client.post(reverse("knowledge:categories"), {"name": "新"}).status_code == 403
    assert ArticleVersion.objects.count() == 1
    assert KnowledgeCategory.objects.count() == 0


def test_out_of_scope_article_is_404(ui: Any, org: Any, make_user: Any, make_article: Any) -> None:
    a = make_article(unit=org.south)
    east = make_user(Role.AGENT, org.east)
    assert ui(east).get(reverse("knowledge:detail", args=[a.pk])).status_code == 404


def test_bad_input_is_handled(ui: Any, editor: Any, make_article: Any) -> None:
    a = make_article()
    client = ui(editor)
    assert (
        client.get(reverse("knowledge:list"), {"category": "abc", "q": "x" * 500}).status_code
        == 200
    )
    assert client.get(reverse("knowledge:history", args=[a.pk]), {"v": "9" * 30}).status_code == 200
    resp = client.post(reverse("knowledge:restore", args=[a.pk]), {"version": "-1"})
    assert resp.status_code == 302
    assert Article.objects.get(pk=a.pk).version == 1
    assert client.get(reverse("knowledge:detail", args=[99999])).status_code == 404


def test_categories_page(ui: Any, editor: Any) -> None:
    client = ui(editor)
    assert (
        client.post(reverse("knowledge:categories"), {"name": "售后", "order": 1}).status_code
        == 302
    )
    root = KnowledgeCategory.objects.get()
    client.post(reverse("knowledge:categories"), {"name": "退换货", "parent": root.pk, "order": 0})
    dup = client.post(reverse("knowledge:categories"), {"name": "售后", "order": 0})
    assert dup.status_code == 422
    html = client.get(reverse("knowledge:categories")).content.decode()
    assert "退换货" in html
    assert KnowledgeCategory.objects.count() == 2


def test_ticket_page_loads_the_suggestions_panel(
    ui: Any, org: Any, make_user: Any, make_article: Any
) -> None:
    make_article("货物破损处理", "外包装破损请拍照。")
    make_article("会员积分规则", "一元一分。")
    agent = make_user(Role.AGENT, org.east)
    ticket = create_ticket(
        actor=agent,
        unit=org.east,
        type="complaint",
        channel="phone",
        title="杯子破损",
        description="快递到了外包装破损，杯子碎了",
    )
    client = ui(agent)
    url = reverse("knowledge:ticket_suggestions", args=[ticket.pk])
    page = client.get(reverse("tickets:detail", args=[ticket.pk])).content.decode()
    assert f'hx-get="{url}"' in page
    panel = client.get(url).content.decode()
    assert "货物破损处理" in panel
    assert "会员积分规则" not in panel
    south = make_user(Role.AGENT, org.south)
    assert ui(south).get(url).status_code == 404


def test_public_pages_show_only_public_published(ui: Any, make_article: Any) -> None:
    pub = make_article("退货流程", "七天无理由退货。" + XSS, visibility=Visibility.PUBLIC)
    internal = make_article("退货话术（内部）", "退货时先安抚。")
    draft = make_article("退货草稿", "退货", visibility=Visibility.PUBLIC, status="draft")
    anon = ui(None)
    listing = anon.get("/help/kb/").content.decode()
    assert "退货流程" in listing
    assert "内部" not in listing
    assert "退货草稿" not in listing
    found = anon.get("/help/kb/", {"q": "退货"}).content.decode()
    assert "<mark>退货</mark>流程" in found
    assert "内部" not in found
    detail = anon.get(f"/help/kb/{pub.pk}/")
    assert detail.status_code == 200
    assert "<script>alert" not in detail.content.decode()
    assert anon.get(f"/help/kb/{internal.pk}/").status_code == 404
    assert anon.get(f"/help/kb/{draft.pk}/").status_code == 404
    assert anon.get("/help/kb/", {"q": "x" * 1000}).status_code == 200
    update_article(actor=pub.created_by, article=pub, changes={"visibility": "internal"})
    assert anon.get(f"/help/kb/{pub.pk}/").status_code == 404


def test_suggest_for_typed_text(ui: Any, agent: Any, make_article: Any) -> None:
    make_article("货物破损处理", "外包装破损请拍照。")
    client = ui(agent)
    panel = client.get(reverse("knowledge:suggest"), {"text": "顾客说杯子破损了"}).content.decode()
    assert "货物破损处理" in panel
    empty = client.get(reverse("knowledge:suggest"), {"text": "x" * 5000}).content.decode()
    assert "No matching article" in empty
    assert ui(None).get(reverse("knowledge:suggest")).status_code == 302
