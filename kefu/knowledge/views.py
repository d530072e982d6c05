"""Staff pages of the knowledge base: list with search and category tree, article page,
editor, version history with diff and restore, categories, and the ticket page's panel."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from kefu.core.errors import DomainError
from kefu.core.selectors.scope import has_perm, visible_units
from kefu.core.views.common import actor_of, paginate, perm_required
from kefu.knowledge import access, selectors, services
from kefu.knowledge.forms import ArticleForm, CategoryForm, SearchForm
from kefu.knowledge.models import Article
from kefu.knowledge.render import diff_lines, render_body
from kefu.knowledge.search import display_terms, highlight, snippet
from kefu.tickets.selectors import get_ticket


def _rows(articles: Any, q: str) -> list[dict[str, Any]]:
    terms = display_terms(q)
    return [
        {
            "article": a,
            "title": highlight(a.title, terms),
            "snippet": highlight(snippet(a.body, terms), terms),
        }
        for a in articles
    ]


@perm_required(access.VIEW)
def article_list(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    form = SearchForm(request.GET)
    data = form.cleaned_data if form.is_valid() else {}
    q = (data.get("q") or "").strip()
    qs = selectors.list_articles(
        actor,
        q=q,
        category=data.get("category"),
        visibility=data.get("visibility") or "",
        status=data.get("status") or "",
    )
    page = paginate(request, qs, 30)
    context = {
        "page": page,
        "rows": _rows(page.object_list, q),
        "q": q,
        "filters": data,
        "filtered": any(data.values()),
        "tree": selectors.flat_tree(),
        "can_edit": has_perm(actor, access.EDIT),
    }
    return render(request, "knowledge/article_list.html", context)


@perm_required(access.VIEW)
def article_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    article = selectors.get_article(actor, pk)
    context = {
        "article": article,
        "body_html": render_body(article.body),
        "can_edit": has_perm(actor, access.EDIT, article.unit),
    }
    return render(request, "knowledge/article_detail.html", context)


def _edit_units(actor: Any) -> Any:
    ids = [u.pk for u in visible_units(actor) if has_perm(actor, access.EDIT, u)]
    return visible_units(actor).filter(pk__in=ids)


@perm_required(access.EDIT)
@require_http_methods(["GET", "POST"])
def article_create(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    units = _edit_units(actor)
    form = ArticleForm(request.POST or None, units=units, initial={"unit": units.first()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            article = services.create_article(
                actor=actor,
                **{k: data[k] for k in ("unit", "title", "body", "category", "visibility")},
                status=data["status"],
                tags=data["tags"],
                note=data["note"],
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Article saved."))
            return redirect("knowledge:detail", article.pk)
    return render(request, "knowledge/article_form.html", {"form": form}, status=_status(form))


def _status(form: Any) -> int:
    return 422 if form.is_bound and form.errors else 200


def _initial(article: Article) -> dict[str, Any]:
    return {
        "title": article.title,
        "body": article.body,
        "category": article.category_id,
        "visibility": article.visibility,
        "status": article.status,
        "tags": ", ".join(article.tags),
        "version": article.version,
    }


@perm_required(access.EDIT)
@require_http_methods(["GET", "POST"])
def article_edit(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    article = selectors.get_article(actor, pk)
    if not has_perm(actor, access.EDIT, article.unit):
        raise DjangoPermissionDenied
    form = ArticleForm(request.POST or None, initial=_initial(article), editing=True)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        changes = {k: data[k] for k in ("title", "body", "category", "visibility", "status")}
        changes["tags"] = data["tags"]
        try:
            services.update_article(
                actor=actor,
                article=article,
                changes=changes,
                expected_version=data["version"],
                note=data["note"],
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Article saved."))
            return redirect("knowledge:detail", article.pk)
    context = {"form": form, "article": article}
    return render(request, "knowledge/article_form.html", context, status=_status(form))


@perm_required(access.VIEW)
def article_history(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    article = selectors.get_article(actor, pk)
    versions = list(selectors.article_versions(article))
    shown = _pick_version(versions, request.GET.get("v"))
    previous = next((v for v in versions if v.number < shown.number), None) if shown else None
    context = {
        "article": article,
        "versions": versions,
        "shown": shown,
        "previous": previous,
        "diff": diff_lines(previous.body if previous else "", shown.body) if shown else [],
        "can_edit": has_perm(actor, access.EDIT, article.unit),
    }
    return render(request, "knowledge/article_history.html", context)


def _pick_version(versions: list[Any], raw: str | None) -> Any:
    wanted = int(raw) if raw and raw.isdigit() and len(raw) < 9 else None
    return next((v for v in versions if v.number == wanted), versions[0] if versions else None)


@perm_required(access.EDIT)
@require_POST
def article_restore(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    article = selectors.get_article(actor, pk)
    raw = request.POST.get("version", "")
    try:
        number = int(raw) if raw.isdigit() and len(raw) < 9 else 0
        services.restore_version(actor=actor, article=article, number=number)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("knowledge:history", article.pk)
    messages.success(request, _("Version %(n)s restored.") % {"n": number})
    return redirect("knowledge:detail", article.pk)


@perm_required(access.VIEW)
@require_http_methods(["GET", "POST"])
def categories(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    can_edit = has_perm(actor, access.EDIT)
    form = CategoryForm(request.POST or None)
    if request.method == "POST":
        if not can_edit:
            raise DjangoPermissionDenied
        if form.is_valid():
            try:
                services.create_category(actor=actor, **form.cleaned_data)
            except DomainError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, _("Category added."))
                return redirect("knowledge:categories")
    context = {"form": form, "tree": selectors.flat_tree(), "can_edit": can_edit}
    return render(request, "knowledge/categories.html", context, status=_status(form))


@perm_required(access.VIEW)
def ticket_suggestions(request: HttpRequest, ticket_id: int) -> HttpResponse:
    """The 相关知识 panel on the ticket page (loaded by htmx)."""
    actor = actor_of(request)
    ticket = get_ticket(actor, ticket_id)
    articles = selectors.suggest_for_ticket(actor, ticket)
    return render(request, "knowledge/partials/ticket_suggestions.html", {"articles": articles})


@perm_required(access.VIEW)
def suggest(request: HttpRequest) -> HttpResponse:
    """The same panel for text being typed (?text=…), e.g. on a new-ticket form:
    hx-get="{% url 'knowledge:suggest' %}" hx-trigger="input changed delay:500ms"."""
    text = request.GET.get("text", "")[:2000]
    articles = selectors.suggest_for_text(actor_of(request), text)
    return render(request, "knowledge/partials/ticket_suggestions.html", {"articles": articles})
