"""Helpers shared by the management views: permission gates, domain-error mapping, sorting,
pagination (page numbers and keyset), htmx detection."""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.paginator import Page, Paginator
from django.db.models import Model, Q, QuerySet
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext

from kefu.core.errors import NotFound
from kefu.core.errors import PermissionDenied as DomainPermissionDenied
from kefu.core.models import User
from kefu.core.permissions import Perm
from kefu.core.selectors.scope import has_perm

View = Callable[..., HttpResponse]
PAGE_SIZE = 50
MAX_PAGES = 200  # a page number beyond this is clamped: narrow the filters instead


def actor_of(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def perm_required(perm: Perm | None = None) -> Callable[[View], View]:
    """Signed in (else → login page), holding `perm` somewhere in scope (else 403).
    Domain NotFound / PermissionDenied raised by the view become 404 / 403."""

    def decorate(view: View) -> View:
        @functools.wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if perm is not None and not has_perm(request.user, perm):
                raise DjangoPermissionDenied
            try:
                return view(request, *args, **kwargs)
            except NotFound as exc:
                raise Http404(exc.message) from exc
            except DomainPermissionDenied as exc:
                raise DjangoPermissionDenied(exc.message) from exc

        return login_required(wrapper)

    return decorate


def deny_unless(allowed: bool) -> None:
    if not allowed:
        raise DjangoPermissionDenied


def sort_queryset[M: Model](
    qs: QuerySet[M], request: HttpRequest, columns: Mapping[str, Sequence[str]], default: str
) -> tuple[QuerySet[M], str]:
    """Order by ?sort=<key> or -<key> among `columns` (key → order_by fields)."""
    key = request.GET.get("sort", default)
    name = key.removeprefix("-")
    if name not in columns:
        key, name = default, default.removeprefix("-")
    desc = key.startswith("-")
    fields = [(f[1:] if f.startswith("-") else f"-{f}") if desc else f for f in columns[name]]
    return qs.order_by(*fields), key


def paginate(request: HttpRequest, qs: QuerySet[Any], size: int = PAGE_SIZE) -> Page[Any]:
    paginator = Paginator(qs, size)
    try:
        number = min(max(int(request.GET.get("page", "1")), 1), MAX_PAGES)
    except ValueError:
        number = 1
    return paginator.get_page(number)


# --- keyset pagination on (created_at, id), newest first -------------------------------------

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _cursor(row: Any) -> str:
    delta = row.created_at - _EPOCH
    micros = (delta.days * 86400 + delta.seconds) * 1_000_000 + delta.microseconds
    return f"{micros}.{row.pk}"


def _parse_cursor(raw: str | None) -> tuple[datetime, int] | None:
    if not raw or len(raw) > 40:
        return None
    try:
        micros, pk = (int(part) for part in raw.split(".", 1))
        if not (0 <= micros < 2**53 and 0 < pk < 2**62):
            return None
        return _EPOCH + timedelta(microseconds=micros), pk
    except (ValueError, OverflowError):
        return None


@dataclass
class KeysetPage:
    rows: list[Any]
    older: str | None  # cursor for ?after=
    newer: str | None  # cursor for ?before=
    size: int


def keyset_page(request: HttpRequest, qs: QuerySet[Any], size: int = PAGE_SIZE) -> KeysetPage:
    """One page of a queryset ordered by (-created_at, -id); ?after= older, ?before= newer."""
    before = _parse_cursor(request.GET.get("before"))
    after = _parse_cursor(request.GET.get("after"))
    if before is not None:
        at, pk = before
        newer = qs.filter(Q(created_at__gt=at) | Q(created_at=at, pk__gt=pk))
        rows = list(newer.order_by("created_at", "id")[: size + 1])
        more_newer = len(rows) > size
        rows = rows[:size][::-1]
        return KeysetPage(
            rows=rows,
            older=_cursor(rows[-1]) if rows else None,
            newer=_cursor(rows[0]) if rows and more_newer else None,
            size=size,
        )
    if after is not None:
        at, pk = after
        qs = qs.filter(Q(created_at__lt=at) | Q(created_at=at, pk__lt=pk))
    rows = list(qs.order_by("-created_at", "-id")[: size + 1])
    more = len(rows) > size
    rows = rows[:size]
    return KeysetPage(
        rows=rows,
        older=_cursor(rows[-1]) if rows and more else None,
        newer=_cursor(rows[0]) if rows and after is not None else None,
        size=size,
    )


# --- inline validation (htmx) -----------------------------------------------------------------


def enable_live_check(form: Form, url: str, names: Sequence[str]) -> None:
    """Fields that htmx checks as soon as they change (the server answers with the field)."""
    for name in names:
        form.fields[name].widget.attrs.update(
            {
                "hx-post": url,
                "hx-trigger": "change",
                "hx-target": "closest .field",
                "hx-swap": "outerHTML",
                "hx-include": "closest form",
                "hx-vals": json.dumps({"_check": name}),
            }
        )


def live_check(
    request: HttpRequest, form: Form, taken: Callable[[str], bool] | None = None
) -> HttpResponse | None:
    """Answer an htmx field check: the one field re-rendered with its errors, nothing saved."""
    name = request.POST.get("_check", "")
    if request.method != "POST" or not is_htmx(request) or name not in form.fields:
        return None
    form.is_valid()
    value = form.cleaned_data.get(name)
    if name in form.cleaned_data and taken is not None and value and taken(str(value)):
        form.add_error(name, gettext("Already used. Choose another one."))
    return render(request, "core/partials/field.html", {"field": form[name]})
