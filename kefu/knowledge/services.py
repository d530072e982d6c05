"""Every write of the knowledge base: categories, articles, versions, restore.

Each edit of an article's title or body adds an ArticleVersion and bumps `Article.version`;
the search index (`search_text`) is rebuilt here, never by signals."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from kefu.core.errors import PermissionDenied
from kefu.core.models import OrgUnit, User
from kefu.core.selectors.scope import has_perm, require_perm, require_visible
from kefu.core.services.audit import diff_fields, record_audit
from kefu.knowledge import access
from kefu.knowledge.choices import ArticleStatus, Visibility
from kefu.knowledge.errors import (
    InvalidArticle,
    InvalidCategory,
    StaleArticle,
    VersionNotFound,
)
from kefu.knowledge.models import Article, ArticleVersion, KnowledgeCategory
from kefu.knowledge.search import search_text_for

MAX_BODY = 50_000
MAX_TAGS = 10
MAX_TAG_LEN = 30
MAX_CATEGORY_DEPTH = 4
EDITABLE = ("title", "body", "category", "visibility", "status", "tags")


def create_category(
    *, actor: User, name: str, parent: KnowledgeCategory | None = None, order: int = 0
) -> KnowledgeCategory:
    require_perm(actor, access.EDIT)
    name = (name or "").strip()
    if not name or len(name) > 100:
        raise InvalidCategory(_("Give the category a name of at most 100 characters."))
    if parent is not None and _depth(parent) >= MAX_CATEGORY_DEPTH:
        raise InvalidCategory(_("Categories nest at most four levels deep."))
    if not 0 <= order <= 100_000:
        raise InvalidCategory(_("The order must be between 0 and 100000."))
    if KnowledgeCategory.objects.filter(parent=parent, name=name).exists():
        raise InvalidCategory(_("A category with this name already exists here."))
    with transaction.atomic():
        try:
            with transaction.atomic():
                category = KnowledgeCategory.objects.create(name=name, parent=parent, order=order)
        except IntegrityError as exc:
            raise InvalidCategory(_("A category with this name already exists here.")) from exc
        record_audit(actor=actor, action="knowledge.category_create", obj=category)
    return category


def _depth(category: KnowledgeCategory) -> int:
    depth, node = 1, category
    while node.parent_id is not None and depth <= MAX_CATEGORY_DEPTH:
        node = KnowledgeCategory.objects.only("id", "parent_id").get(pk=node.parent_id)
        depth += 1
    return depth


def _clean(values: dict[str, Any]) -> dict[str, Any]:
    out = dict(values)
    if "title" in out:
        out["title"] = (out["title"] or "").strip()
        if not out["title"] or len(out["title"]) > 200:
            raise InvalidArticle(_("Give the article a title of at most 200 characters."))
    if "body" in out:
        out["body"] = (out["body"] or "").replace("\r\n", "\n").strip()
        if not out["body"] or len(out["body"]) > MAX_BODY:
            raise InvalidArticle(_("Write the article's text (at most 50000 characters)."))
    if "visibility" in out and out["visibility"] not in Visibility.values:
        raise InvalidArticle(_("Choose internal or public."))
    if "status" in out and out["status"] not in ArticleStatus.values:
        raise InvalidArticle(_("Choose draft, published or archived."))
    if "tags" in out:
        out["tags"] = _clean_tags(out["tags"])
    return out


def _clean_tags(tags: Any) -> list[str]:
    if isinstance(tags, str):
        tags = tags.replace("，", ",").split(",")
    if not isinstance(tags, list | tuple):
        raise InvalidArticle(_("Tags are a list of words."))
    cleaned: list[str] = []
    for tag in tags:
        tag = str(tag).strip()
        if tag and tag not in cleaned:
            cleaned.append(tag)
    if len(cleaned) > MAX_TAGS or any(len(t) > MAX_TAG_LEN for t in cleaned):
        raise InvalidArticle(_("At most 10 tags of at most 30 characters each."))
    return cleaned


def _index(article: Article) -> None:
    article.search_text = search_text_for(article.title, " ".join(article.tags), article.body)


def _add_version(article: Article, actor: User, note: str) -> ArticleVersion:
    return ArticleVersion.objects.create(
        article=article,
        number=article.version,
        title=article.title,
        body=article.body,
        author=actor,
        note=note[:200],
    )


def create_article(
    *,
    actor: User,
    unit: OrgUnit,
    title: str,
    body: str,
    category: KnowledgeCategory | None = None,
    visibility: str = Visibility.INTERNAL,
    status: str = ArticleStatus.DRAFT,
    tags: list[str] | str | None = None,
    note: str = "",
) -> Article:
    require_visible(actor, unit)
    require_perm(actor, access.EDIT, unit)
    values = _clean(
        {
            "title": title,
            "body": body,
            "visibility": visibility,
            "status": status,
            "tags": tags or [],
        }
    )
    article = Article(
        unit=unit, category=category, version=1, created_by=actor, updated_by=actor, **values
    )
    _index(article)
    with transaction.atomic():
        article.save()
        _add_version(article, actor, note)
        record_audit(actor=actor, action="knowledge.article_create", obj=article, unit=unit)
    return article


def update_article(
    *,
    actor: User,
    article: Article,
    changes: dict[str, Any],
    expected_version: int | None = None,
    note: str = "",
) -> Article:
    """Apply `changes` (any of title, body, category, visibility, status, tags)."""
    _require_edit(actor, article)
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise InvalidArticle(
            _("Unknown fields: %(fields)s.") % {"fields": ", ".join(sorted(unknown))}
        )
    values = _clean(changes)
    with transaction.atomic():
        row = Article.objects.select_for_update().get(pk=article.pk)
        if expected_version is not None and row.version != expected_version:
            raise StaleArticle(_("Someone else changed the article; reload it and try again."))
        before = {key: getattr(row, key) for key in values}
        for key, value in values.items():
            setattr(row, key, value)
        diff = diff_fields(before, values)
        if not diff:
            return row
        _save_edit(row, actor, diff, note)
    return row


def _save_edit(row: Article, actor: User, diff: dict[str, Any], note: str) -> None:
    row.updated_by = actor
    if "title" in diff or "body" in diff:
        row.version += 1
        _add_version(row, actor, note)
    _index(row)
    row.save()
    audit = {k: v for k, v in diff.items() if k != "body"}
    if "body" in diff:
        audit["body"] = ["…", "…"]
    record_audit(
        actor=actor, action="knowledge.article_update", obj=row, unit=row.unit, changes=audit
    )


def restore_version(*, actor: User, article: Article, number: int, note: str = "") -> Article:
    """Make an old version's title and body current again (as a new version)."""
    _require_edit(actor, article)
    with transaction.atomic():
        row = Article.objects.select_for_update().get(pk=article.pk)
        old = ArticleVersion.objects.filter(article=row, number=number).first()
        if old is None:
            raise VersionNotFound(_("That version of the article does not exist."))
        row.title, row.body = old.title, old.body
        row.version += 1
        row.updated_by = actor
        _add_version(row, actor, note or _("Restored version %(n)s") % {"n": number})
        _index(row)
        row.save()
        record_audit(
            actor=actor,
            action="knowledge.article_restore",
            obj=row,
            unit=row.unit,
            changes={"version": [number, row.version]},
        )
    return row


def _require_edit(actor: User, article: Article) -> None:
    if not has_perm(actor, access.EDIT, article.unit):
        raise PermissionDenied()
