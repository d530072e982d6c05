"""Public help pages under /help/kb/ (no login): public, published articles with search."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from kefu.knowledge import selectors
from kefu.knowledge.errors import ArticleNotFound
from kefu.knowledge.render import render_body
from kefu.knowledge.search import display_terms, highlight, snippet

PUBLIC_LIMIT = 50


@require_GET
def public_list(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "")[:100].strip()
    if q:
        articles = selectors.search_articles(None, q, public_only=True, limit=PUBLIC_LIMIT)
    else:
        articles = list(
            selectors.public_articles()
            .select_related("category")
            .order_by("category__order", "category__name", "title")[:200]
        )
    terms = display_terms(q)
    rows = [
        {
            "article": a,
            "title": highlight(a.title, terms),
            "snippet": highlight(snippet(a.body, terms, 60), terms),
        }
        for a in articles
    ]
    return render(request, "knowledge/public/list.html", {"rows": rows, "q": q})


@require_GET
def public_detail(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        article = selectors.get_public_article(pk)
    except ArticleNotFound as exc:
        raise Http404 from exc
    context = {"article": article, "body_html": render_body(article.body)}
    return render(request, "knowledge/public/detail.html", context)
