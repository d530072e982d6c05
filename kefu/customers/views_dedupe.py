"""Duplicate review (合并重复客户) and merge history pages. Thin: parse, call, render.

Merge and dismiss answer htmx with an out-of-band toast and nothing else, so the pair's row
disappears; without htmx they redirect back with a flash message."""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kefu.core.errors import DomainError
from kefu.core.permissions import Perm
from kefu.core.views.common import actor_of, is_htmx, paginate, perm_required
from kefu.customers import selectors_dedupe as sel
from kefu.customers.choices import CustomerKind
from kefu.customers.services_dedupe import dismiss_pair, request_finder_run
from kefu.customers.services_merge import merge_customers

PAGE_SIZE = 20


@perm_required(Perm.MERGE_CUSTOMERS)
def duplicate_list(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    page = paginate(request, sel.pairs_queryset(actor), size=PAGE_SIZE)
    context = {"page": page, "items": [_item(r) for r in sel.pair_rows(list(page.object_list))]}
    return render(request, "customers/dedupe/duplicate_list.html", context)


@require_POST
@perm_required(Perm.MERGE_CUSTOMERS)
def duplicate_merge(request: HttpRequest, pair_id: int) -> HttpResponse:
    actor = actor_of(request)
    pair = sel.get_pair(actor, pair_id)
    both = {pair.customer_a_id: pair.customer_a, pair.customer_b_id: pair.customer_b}
    survivor = both.get(_int(request.POST.get("survivor")) or 0)
    if survivor is None:
        return _done(request, _("Choose the customer to keep."), ok=False)
    merged = [c for pk, c in both.items() if pk != survivor.pk]
    names = merged[0].name
    try:
        merge_customers(actor=actor, survivor=survivor, merged=merged)
    except DomainError as exc:
        return _done(request, exc.message, ok=False)
    text = _("Merged %(merged)s into %(survivor)s.") % {"merged": names, "survivor": survivor.name}
    return _done(request, text)


@require_POST
@perm_required(Perm.MERGE_CUSTOMERS)
def duplicate_dismiss(request: HttpRequest, pair_id: int) -> HttpResponse:
    actor = actor_of(request)
    pair = sel.get_pair(actor, pair_id)  # a pair out of scope: 404, not a message
    try:
        dismiss_pair(actor=actor, pair=pair)
    except DomainError as exc:
        return _done(request, exc.message, ok=False)
    return _done(request, _("Marked as not duplicates; this pair will not be proposed again."))


@require_POST
@perm_required(Perm.MERGE_CUSTOMERS)
def duplicate_run(request: HttpRequest) -> HttpResponse:
    request_finder_run(actor=actor_of(request))
    return _done(request, _("The duplicate finder is running; reload the page in a minute."))


@perm_required(Perm.VIEW_CUSTOMERS)
def merge_history(request: HttpRequest) -> HttpResponse:
    page = paginate(request, sel.merges_queryset(actor_of(request)), size=PAGE_SIZE)
    rows = [_explained(sel.merge_row(m)) for m in page.object_list]
    return render(request, "customers/dedupe/merge_history.html", {"page": page, "rows": rows})


def _item(row: sel.PairRow) -> dict[str, Any]:
    """A pair as the review card shows it; the customer with more tickets (else the older
    one) is offered as the one to keep."""
    a, b = row.customer_a, row.customer_b
    keep_b = b.tickets > a.tickets
    return {
        "row": row,
        "percent": round(row.score * 100),
        "badges": [reason_label(r) for r in row.reasons],
        "sides": [
            (
                a,
                CustomerKind(a.kind).label if a.kind in CustomerKind.values else a.kind,
                not keep_b,
            ),
            (b, CustomerKind(b.kind).label if b.kind in CustomerKind.values else b.kind, keep_b),
        ],
    }


def reason_label(reason: dict[str, Any]) -> str:
    code = reason.get("code")
    if code == "same_name":
        return _("Same name")
    if code == "same_phone":
        return _("Same phone")
    if code == "same_id_number":
        return _("Same ID / tax number")
    if code == "similar_name":
        return _("Similar name %(ratio)s%%") % {"ratio": reason.get("ratio", "")}
    if code == "same_unit":
        return _("Same unit")
    return str(code)


def _explained(row: dict[str, Any]) -> dict[str, Any]:
    row["moved_labels"] = [(_model_label(label), n) for label, n in sorted(row["moved"].items())]
    reasons = row["reasons"] if isinstance(row["reasons"], dict) else {}
    row["pairs"] = [
        {**p, "percent": round(p["score"] * 100), "badges": [reason_label(r) for r in p["reasons"]]}
        for p in reasons.get("pairs", [])
    ]
    return row


def _model_label(label: str) -> str:
    try:
        return str(apps.get_model(label)._meta.verbose_name_plural)
    except (LookupError, ValueError):
        return label


def _int(raw: str | None) -> int | None:
    try:
        return int(raw or "")
    except ValueError:
        return None


def _done(request: HttpRequest, text: str, *, ok: bool = True) -> HttpResponse:
    if is_htmx(request):
        response = render(request, "customers/dedupe/partials/toast.html", {"text": text, "ok": ok})
        if not ok:  # keep the row: only the out-of-band toast is swapped in
            response["HX-Reswap"] = "none"
        return response
    (messages.success if ok else messages.error)(request, text)
    return redirect("customers:duplicates")
