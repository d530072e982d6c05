"""What the members screens share: the view guard, the stores an actor works at, and the
xlsx export of a list."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from django.db.models import QuerySet
from django.http import FileResponse, HttpRequest
from django.http.response import HttpResponseBase

from kefu.core.choices import UnitKind
from kefu.core.exports import ExportColumn, export_xlsx_response
from kefu.core.models import OrgUnit
from kefu.core.permissions import Perm
from kefu.core.selectors.scope import has_perm, visible_units
from kefu.core.views.common import actor_of, deny_unless, perm_required
from kefu.members.access import can_view_members, can_work_at

View = Callable[..., HttpResponseBase]


def members_view(view: View) -> View:
    """Signed in and allowed to see members somewhere (customers or members permission)."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        deny_unless(can_view_members(actor_of(request)))
        return view(request, *args, **kwargs)

    guarded: View = perm_required(None)(wrapper)  # type: ignore[arg-type]
    return guarded


def work_units(actor: Any) -> QuerySet[OrgUnit]:
    """Stores where the actor may register members and record purchases (any unit they
    may work in when the organisation has no stores)."""
    units = list(visible_units(actor).filter(is_active=True).order_by("path"))
    ids = [u.pk for u in units if can_work_at(actor, u)]
    stores = [u.pk for u in units if u.pk in ids and u.kind == UnitKind.STORE]
    return visible_units(actor).filter(pk__in=stores or ids)


def wants_export(request: HttpRequest) -> bool:
    return request.GET.get("export") == "xlsx"


def export(
    request: HttpRequest,
    *,
    filename: str,
    columns: Sequence[ExportColumn],
    rows: Iterable[Any],
    object_type: str,
) -> FileResponse:
    """The list as xlsx (personal columns masked) — needs the export permission."""
    actor = actor_of(request)
    deny_unless(has_perm(actor, Perm.EXPORT_DATA))
    return export_xlsx_response(
        actor=actor, filename=filename, columns=columns, rows=rows, object_type=object_type
    )


def back(request: HttpRequest, default: str) -> str:
    target = request.POST.get("next", "")
    if not target.startswith("/") or target.startswith("//"):
        return default
    return target
