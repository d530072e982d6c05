"""审计日志: browse and filter the append-only audit log (needs audit.view)."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.apps import apps
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from kefu.core.forms import AuditFilterForm
from kefu.core.permissions import Perm
from kefu.core.selectors import org as org_selectors
from kefu.core.templatetags.kefu_labels import ACTION_PREFIXES
from kefu.core.views.common import actor_of, keyset_page, perm_required

ACTOR_OPTIONS_LIMIT = 500
FILTER_KEYS = ("action", "actor", "object_type", "object_id", "since", "until", "q")


def _day_start(day: datetime | None) -> datetime | None:
    if day is None:
        return None
    return timezone.make_aware(datetime.combine(day, time.min))


def _object_types() -> list[tuple[str, str]]:
    models = [m for m in apps.get_models() if m._meta.app_label not in {"contenttypes", "sessions"}]
    return sorted(
        ((m._meta.label_lower, str(m._meta.verbose_name)) for m in models), key=lambda t: t[1]
    )


@perm_required(Perm.VIEW_AUDIT)
def audit_list(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    filters = AuditFilterForm(request.GET)
    data = filters.cleaned_data if filters.is_valid() else {}
    until = data.get("until")
    qs = org_selectors.list_audit_events(
        actor,
        action=data.get("action", "").strip(),
        actor_id=data.get("actor"),
        object_type=data.get("object_type", ""),
        object_id=data.get("object_id", ""),
        since=_day_start(data.get("since")),
        until=_day_start(until + timedelta(days=1)) if until else None,
        q=data.get("q", "").strip(),
    )
    actors = org_selectors.list_users(actor).prefetch_related(None).order_by("username")
    context = {
        "page": keyset_page(request, qs),
        "filters": filters,
        "filtered": any(
            data.get(k) for k in ("action", "actor", "object_type", "since", "until", "q")
        ),
        "actor_options": actors.values_list("id", "username", "display_name")[:ACTOR_OPTIONS_LIMIT],
        "action_prefixes": ACTION_PREFIXES,
        "object_types": _object_types(),
    }
    return render(request, "core/audit/audit_list.html", context)
