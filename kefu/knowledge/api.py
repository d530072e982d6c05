"""Knowledge API: articles (search, create, edit, versions, restore), categories, and the
public help articles (no authentication; public and published only)."""

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from kefu.core.api_common import ERRORS, actor_of
from kefu.core.errors import PermissionDenied, ValidationFailed
from kefu.core.models import OrgUnit, User
from kefu.core.selectors.scope import has_perm, visible_units
from kefu.knowledge import access, selectors, services
from kefu.knowledge.models import Article, KnowledgeCategory
from kefu.knowledge.schemas import (
    ArticleFilter,
    ArticleIn,
    ArticleOut,
    ArticlePage,
    ArticlePatch,
    CategoryIn,
    CategoryOut,
    Paging,
    PublicArticleOut,
    PublicQuery,
    RestoreIn,
    VersionOut,
)

router = Router(tags=["knowledge"])


def _reader(request: HttpRequest) -> User:
    actor = actor_of(request)
    if not has_perm(actor, access.VIEW):
        raise PermissionDenied()
    return actor


def _out(a: Article, *, body: bool = False) -> dict[str, Any]:
    row = {
        "id": a.pk,
        "title": a.title,
        "category_id": a.category_id,
        "category": a.category.name if a.category else None,
        "visibility": a.visibility,
        "status": a.status,
        "unit_id": a.unit_id,
        "unit": a.unit.name,
        "tags": list(a.tags),
        "version": a.version,
        "updated_at": a.updated_at,
    }
    if body:
        row.update(body=a.body, created_at=a.created_at)
    return row


def _category(category_id: int | None) -> KnowledgeCategory | None:
    if not category_id:
        return None
    row = KnowledgeCategory.objects.filter(pk=category_id).first()
    if row is None:
        raise ValidationFailed(_("Unknown category."), code="category_invalid")
    return row


def _edit_unit(actor: User, unit_id: int | None) -> OrgUnit:
    units = visible_units(actor).order_by("path")
    if unit_id is not None:
        units = units.filter(pk=unit_id)
    unit = next((u for u in units[:200] if has_perm(actor, access.EDIT, u)), None)
    if unit is None:
        raise PermissionDenied()
    return unit


@router.get("/articles", response={200: ArticlePage, **ERRORS})
def list_articles(
    request: HttpRequest, filters: Query[ArticleFilter], paging: Query[Paging]
) -> Any:
    qs = selectors.list_articles(_reader(request), **filters.dict())
    rows = list(qs[paging.offset : paging.offset + paging.limit])
    return {"items": [_out(a) for a in rows], "count": qs.count()}


@router.post("/articles", response={201: ArticleOut, **ERRORS})
def create_article(request: HttpRequest, payload: ArticleIn) -> Any:
    actor = actor_of(request)
    data = payload.dict(exclude={"category_id", "unit_id"})
    article = services.create_article(
        actor=actor,
        unit=_edit_unit(actor, payload.unit_id),
        category=_category(payload.category_id),
        **data,
    )
    return Status(201, _out(selectors.get_article(actor, article.pk), body=True))


@router.get("/articles/{article_id}", response={200: ArticleOut, **ERRORS})
def get_article(request: HttpRequest, article_id: int) -> Any:
    return _out(selectors.get_article(_reader(request), article_id), body=True)


@router.patch("/articles/{article_id}", response={200: ArticleOut, **ERRORS})
def update_article(request: HttpRequest, article_id: int, payload: ArticlePatch) -> Any:
    actor = actor_of(request)
    article = selectors.get_article(actor, article_id)
    changes = payload.dict(exclude_unset=True, exclude={"note", "version", "category_id"})
    changes = {k: v for k, v in changes.items() if v is not None}
    if "category_id" in payload.model_fields_set:
        changes["category"] = _category(payload.category_id)
    services.update_article(
        actor=actor,
        article=article,
        changes=changes,
        expected_version=payload.version,
        note=payload.note,
    )
    return _out(selectors.get_article(actor, article_id), body=True)


@router.get("/articles/{article_id}/versions", response={200: list[VersionOut], **ERRORS})
def list_versions(request: HttpRequest, article_id: int) -> Any:
    article = selectors.get_article(_reader(request), article_id)
    return [
        {
            "number": v.number,
            "title": v.title,
            "body": v.body,
            "author": (v.author.display_name or v.author.username) if v.author else None,
            "note": v.note,
            "created_at": v.created_at,
        }
        for v in selectors.article_versions(article)
    ]


@router.post("/articles/{article_id}/restore", response={200: ArticleOut, **ERRORS})
def restore_version(request: HttpRequest, article_id: int, payload: RestoreIn) -> Any:
    actor = actor_of(request)
    article = selectors.get_article(actor, article_id)
    services.restore_version(
        actor=actor, article=article, number=payload.version, note=payload.note
    )
    return _out(selectors.get_article(actor, article_id), body=True)


@router.get("/categories", response={200: list[CategoryOut], **ERRORS})
def list_categories(request: HttpRequest) -> Any:
    _reader(request)
    return [
        {
            "id": n.category.pk,
            "name": n.category.name,
            "parent_id": n.category.parent_id,
            "order": n.category.order,
        }
        for n in selectors.flat_tree()
    ]


@router.post("/categories", response={201: CategoryOut, **ERRORS})
def create_category(request: HttpRequest, payload: CategoryIn) -> Any:
    parent = _category(payload.parent_id)
    c = services.create_category(
        actor=actor_of(request), name=payload.name, parent=parent, order=payload.order
    )
    return Status(201, {"id": c.pk, "name": c.name, "parent_id": c.parent_id, "order": c.order})


@router.get("/public/articles", response={200: list[PublicArticleOut], **ERRORS}, auth=None)
def public_articles(request: HttpRequest, query: Query[PublicQuery]) -> Any:
    if query.q.strip():
        rows = selectors.search_articles(None, query.q, public_only=True, limit=query.limit)
    else:
        rows = list(selectors.public_articles().select_related("category")[: query.limit])
    return [
        {
            "id": a.pk,
            "title": a.title,
            "category": a.category.name if a.category else None,
            "body": a.body,
            "updated_at": a.updated_at,
        }
        for a in rows
    ]
