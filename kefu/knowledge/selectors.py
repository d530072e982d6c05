"""Reads of the knowledge base: scoped lists, search on both databases, suggestions for a
ticket, versions, the category tree and the public (help page) views.

Scope: an actor sees articles of every unit in their scope and of every unit above it
(headquarters' articles are visible to every store)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db import connection
from django.db.models import BooleanField, Case, FloatField, IntegerField, Q, QuerySet, Value, When
from django.db.models.expressions import RawSQL
from django.utils.translation import gettext as _

from kefu.core.models.org import path_ids
from kefu.core.selectors.scope import restrict_to_scope, scope_for
from kefu.knowledge.choices import ArticleStatus, Visibility
from kefu.knowledge.errors import ArticleNotFound
from kefu.knowledge.models import Article, ArticleVersion, KnowledgeCategory
from kefu.knowledge.search import bigrams, keywords, query_terms

if TYPE_CHECKING:
    from kefu.core.models import User
    from kefu.tickets.models import Ticket

LIST_FIELDS = ("category", "unit")
_TS_MATCH = (
    'to_tsvector(\'simple\'::regconfig, "knowledge_article"."search_text") '
    "@@ plainto_tsquery('simple'::regconfig, %s)"
)
_TS_RANK = (
    'ts_rank(to_tsvector(\'simple\'::regconfig, "knowledge_article"."search_text"), '
    "plainto_tsquery('simple'::regconfig, %s))"
)


def visible_articles(actor: User | Any) -> QuerySet[Article]:
    """Articles the actor may read: their units, the units below, and the units above."""
    qs = Article.objects.all()
    if actor is None:
        return qs.none()
    scope = scope_for(actor)
    if scope.is_superuser:
        return qs
    lineage = sorted({uid for g in scope.grants for uid in path_ids(g.path)})
    return restrict_to_scope(qs, actor) | qs.filter(unit_id__in=lineage)


def public_articles() -> QuerySet[Article]:
    """What the help pages show: public, published articles, of any unit."""
    return Article.objects.filter(visibility=Visibility.PUBLIC, status=ArticleStatus.PUBLISHED)


def _match(qs: QuerySet[Article], terms: list[str]) -> QuerySet[Article]:
    """Articles whose index holds every term."""
    if connection.vendor == "postgresql":
        text = " ".join(terms)
        return qs.filter(RawSQL(_TS_MATCH, [text], output_field=BooleanField())).annotate(
            ts_rank=RawSQL(_TS_RANK, [text], output_field=FloatField())
        )
    for term in terms:
        qs = qs.filter(search_text__contains=f" {term} ")
    return qs.annotate(ts_rank=Value(0.0, output_field=FloatField()))


def _title_score(terms: list[str]) -> Any:
    whens = [When(title__icontains=t, then=Value(1)) for t in terms]
    parts = [Case(*[w], default=Value(0), output_field=IntegerField()) for w in whens]
    total: Any = Value(0)
    for part in parts:
        total = total + part
    return total


def search(qs: QuerySet[Article], q: str) -> QuerySet[Article]:
    """Filter `qs` to articles matching `q`, ranked: title hits first, then relevance."""
    terms = query_terms(q)
    if not terms:
        return qs.none()
    matched: Any = _match(qs, terms).annotate(title_score=_title_score(terms))
    return matched.order_by("-title_score", "-ts_rank", "-updated_at", "-id")


def list_articles(
    actor: User | Any,
    *,
    q: str = "",
    category: KnowledgeCategory | int | None = None,
    visibility: str = "",
    status: str = "",
) -> QuerySet[Article]:
    qs = visible_articles(actor).select_related(*LIST_FIELDS)
    if category is not None:
        qs = qs.filter(category_id__in=category_subtree_ids(category))
    if visibility:
        qs = qs.filter(visibility=visibility)
    if status:
        qs = qs.filter(status=status)
    return search(qs, q) if q.strip() else qs.order_by("-updated_at", "-id")


def search_articles(
    actor: User | Any, q: str, *, public_only: bool = False, limit: int = 20
) -> list[Article]:
    """Published articles matching `q` that the actor may read (public ones only for the help
    pages, where `actor` may be anonymous)."""
    if public_only:
        qs = public_articles()
    else:
        qs = visible_articles(actor).filter(status=ArticleStatus.PUBLISHED)
    return list(search(qs.select_related(*LIST_FIELDS), q)[: max(1, min(limit, 100))])


def get_article(actor: User | Any, article_id: int) -> Article:
    row = visible_articles(actor).select_related(*LIST_FIELDS).filter(pk=article_id).first()
    if row is None:
        raise ArticleNotFound(_("Article not found."))
    return row


def get_public_article(article_id: int) -> Article:
    row = public_articles().select_related("category").filter(pk=article_id).first()
    if row is None:
        raise ArticleNotFound(_("Article not found."))
    return row


def article_versions(article: Article) -> QuerySet[ArticleVersion]:
    return ArticleVersion.objects.filter(article=article).select_related("author")


def suggest_for_ticket(actor: User | Any, ticket: Ticket, limit: int = 5) -> list[Article]:
    """Published articles sharing the most telling words with the ticket's title and text
    (the title counts twice)."""
    return suggest_for_text(actor, f"{ticket.title} {ticket.title} {ticket.description}", limit)


def suggest_for_text(actor: User | Any, text: str, limit: int = 5) -> list[Article]:
    """Published articles ranked by how many of the text's key words they hold."""
    words = keywords(text, limit=8)
    if not words:
        return []
    conditions = [_word_q(w) for w in words]
    any_word = Q()
    for cond in conditions:
        any_word |= cond
    score: Any = Value(0)
    for cond in conditions:
        score = score + Case(When(cond, then=Value(1)), default=Value(0))
    qs = (
        visible_articles(actor)
        .filter(any_word, status=ArticleStatus.PUBLISHED)
        .select_related(*LIST_FIELDS)
        .annotate(hits=score, title_score=_title_score(words))
        .order_by("-hits", "-title_score", "-updated_at", "-id")
    )
    return list(qs[: max(1, min(limit, 20))])


def _word_q(word: str) -> Q:
    parts = bigrams(word) if len(word) > 2 and not word.isascii() else [word]
    cond = Q()
    for part in parts:
        cond &= Q(search_text__contains=f" {part} ")
    return cond


@dataclass
class CategoryNode:
    category: KnowledgeCategory
    depth: int
    children: list[CategoryNode] = field(default_factory=list)


def categories() -> QuerySet[KnowledgeCategory]:
    return KnowledgeCategory.objects.all()


def category_tree() -> list[CategoryNode]:
    """Every category as a forest, siblings in `order` (one query)."""
    rows = list(KnowledgeCategory.objects.all())
    by_parent: dict[int | None, list[KnowledgeCategory]] = {}
    for row in rows:
        by_parent.setdefault(row.parent_id, []).append(row)

    def build(parent_id: int | None, depth: int) -> list[CategoryNode]:
        if depth > 6:
            return []
        return [
            CategoryNode(c, depth, build(c.pk, depth + 1)) for c in by_parent.get(parent_id, [])
        ]

    return build(None, 0)


def flat_tree() -> list[CategoryNode]:
    out: list[CategoryNode] = []

    def walk(nodes: list[CategoryNode]) -> None:
        for node in nodes:
            out.append(node)
            walk(node.children)

    walk(category_tree())
    return out


def category_subtree_ids(category: KnowledgeCategory | int) -> list[int]:
    root = category if isinstance(category, int) else category.pk
    pairs = list(KnowledgeCategory.objects.values_list("id", "parent_id"))
    ids, frontier = {root}, {root}
    while frontier:
        frontier = {cid for cid, pid in pairs if pid in frontier and cid not in ids}
        ids |= frontier
    return sorted(ids)
