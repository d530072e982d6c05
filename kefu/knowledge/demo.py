"""Demo data of the knowledge base: categories and ~30 Chinese articles (policies, product
facts, scripts), some public; two articles carry an edit history."""

from __future__ import annotations

from kefu.core.demo.registry import DemoContext, register_demo_step
from kefu.knowledge.choices import ArticleStatus
from kefu.knowledge.demo_data import ARTICLES, CATEGORIES
from kefu.knowledge.models import Article, ArticleVersion, KnowledgeCategory
from kefu.knowledge.services import create_article, create_category, update_article


@register_demo_step("knowledge", order=320)
def knowledge(ctx: DemoContext) -> dict[str, int]:
    company = ctx.require_company()
    actor = ctx.actor
    assert actor is not None
    cats: dict[str, KnowledgeCategory] = {}
    for name, parent, order in CATEGORIES:
        cats[name] = create_category(
            actor=actor, name=name, parent=cats[parent] if parent else None, order=order
        )
    made: dict[str, Article] = {}
    for i, (cat, title, visibility, tags, body) in enumerate(ARTICLES):
        made[title] = create_article(
            actor=actor,
            unit=company.hq,
            title=title,
            body=body,
            category=cats[cat],
            visibility=visibility,
            status=ArticleStatus.DRAFT if i % 13 == 12 else ArticleStatus.PUBLISHED,
            tags=tags,
        )
    policy = made["退换货政策"]
    update_article(
        actor=actor,
        article=policy,
        changes={"body": policy.body.replace("15 天内", "15 天内（钻石卡会员 30 天内）")},
        note="钻石卡会员换货期延长",
    )
    region = company.regions[0] if company.regions else company.hq
    create_article(
        actor=actor,
        unit=region,
        title=f"{region.name}门店营业时间",
        body="区域内门店营业时间 9:30-21:30，节假日延长至 22:00。",
        category=cats["服务条款"],
        status=ArticleStatus.PUBLISHED,
    )
    return {
        "knowledge_categories": KnowledgeCategory.objects.count(),
        "knowledge_articles": Article.objects.count(),
        "knowledge_versions": ArticleVersion.objects.count(),
    }
