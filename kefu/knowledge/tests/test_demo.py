from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from kefu.knowledge import selectors
from kefu.knowledge.demo import knowledge
from kefu.knowledge.models import Article


def test_demo_step_writes_searchable_articles(org: Any, admin_user: Any, agent: Any) -> None:
    company = SimpleNamespace(hq=org.hq, regions=[org.east, org.south])
    ctx: Any = SimpleNamespace(actor=admin_user, require_company=lambda: company)
    counts = knowledge(ctx)
    assert counts == {
        "knowledge_categories": 9,
        "knowledge_articles": 31,
        "knowledge_versions": 32,
    }
    assert Article.objects.filter(visibility="public", status="published").count() >= 15
    titles = [a.title for a in selectors.search_articles(agent, "破损")]
    assert titles[0] == "货物破损处理流程"
    assert "货差货损登记规则（内部）" in titles
    public = [a.title for a in selectors.search_articles(None, "破损", public_only=True)]
    assert public == ["货物破损处理流程"]
    assert Article.objects.get(title="退换货政策").version == 2
