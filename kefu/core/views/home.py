"""The workbench (工作台) and the global search box."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from kefu.core import navigation
from kefu.core.permissions import Perm
from kefu.core.selectors import org as org_selectors
from kefu.core.selectors.scope import has_perm, scope_for
from kefu.core.views.common import actor_of, perm_required

SEARCH_LIMIT = 8


def _greeting(name: str) -> str:
    hour = timezone.localtime().hour
    if 5 <= hour < 12:
        text = _("Good morning, %(name)s")
    elif 12 <= hour < 18:
        text = _("Good afternoon, %(name)s")
    else:
        text = _("Good evening, %(name)s")
    return text % {"name": name}


@perm_required()
def home(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    recent = []
    if has_perm(actor, Perm.VIEW_AUDIT):
        recent = list(org_selectors.list_audit_events(actor)[:8])
    perms = frozenset(str(p) for p in scope_for(actor).all_perms)
    sections = navigation.sections_for(request.path, perms)
    work = [link for s in sections if s.key == navigation.WORK for link in s.links]
    shortcuts = [link for s in sections if s.key != navigation.WORK for link in s.links]
    context = {
        "greeting": _greeting(actor.label),
        "today": timezone.localdate(),
        "counts": org_selectors.scope_counts(actor),
        "recent": recent,
        "can_audit": has_perm(actor, Perm.VIEW_AUDIT),
        "is_superuser": scope_for(actor).is_superuser,
        "modules_installed": any(link.key != "home" for link in work),
        "panels": navigation.home_panels(request),
        "shortcuts": shortcuts,
    }
    return render(request, "core/home.html", context)


@perm_required()
def search(request: HttpRequest) -> HttpResponse:
    """One box for everything; later modules add tickets, phones and customers here."""
    actor = actor_of(request)
    q = request.GET.get("q", "").strip()[:100]
    results: dict[str, list[object]] = {}
    if q:
        if has_perm(actor, Perm.VIEW_ORG):
            results["units"] = list(org_selectors.list_units(actor, q=q)[:SEARCH_LIMIT])
            results["departments"] = list(org_selectors.list_departments(actor, q=q)[:SEARCH_LIMIT])
        if has_perm(actor, Perm.VIEW_USERS):
            users = org_selectors.list_users(actor, q=q).prefetch_related(None)
            results["users"] = list(users[:SEARCH_LIMIT])
    found = sum(len(v) for v in results.values())
    return render(request, "core/search.html", {"q": q, "results": results, "found": found})
