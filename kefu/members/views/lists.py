"""Member lists: all members with status tabs, headquarters' audit queue, the expiring
list (《到期会员名单》), today's birthdays, purchases. Each exports to xlsx."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from kefu.core.errors import DomainError
from kefu.core.exports import ExportColumn
from kefu.core.permissions import Perm
from kefu.core.selectors.scope import has_perm, visible_units
from kefu.core.views.common import actor_of, paginate
from kefu.members import display, selectors
from kefu.members.choices import MemberStatus
from kefu.members.forms import ExpiringForm, MemberFilterForm, PurchaseFilterForm
from kefu.members.services.greetings import mark_greeting_done
from kefu.members.views.common import export, members_view, wants_export, work_units

MEMBER_COLUMNS = [
    ExportColumn(gettext_lazy("Card number"), "card_number", 16),
    ExportColumn(gettext_lazy("Name"), "name", 12),
    ExportColumn(gettext_lazy("Mobile phone"), "phone", 14, personal=True),
    ExportColumn(gettext_lazy("Status"), "status_label", 10),
    ExportColumn(gettext_lazy("Store"), "unit_name", 14),
    ExportColumn(gettext_lazy("Tier"), "tier_name", 8),
    ExportColumn(gettext_lazy("Registered on"), "registered_on", 12),
    ExportColumn(gettext_lazy("Expires on"), "expires_on", 12),
    ExportColumn(gettext_lazy("Points"), "points_balance", 10),
    ExportColumn(gettext_lazy("Lifetime spend"), "lifetime_spend", 12),
]
PURCHASE_COLUMNS = [
    ExportColumn(gettext_lazy("Purchased at"), "purchased_at", 18),
    ExportColumn(gettext_lazy("Card number"), "card_number", 16),
    ExportColumn(gettext_lazy("Name"), "member_name", 12),
    ExportColumn(gettext_lazy("Store"), "unit_name", 14),
    ExportColumn(gettext_lazy("Amount"), "amount", 12),
    ExportColumn(gettext_lazy("Receipt number"), "receipt_number", 16),
    ExportColumn(gettext_lazy("Points"), "points_earned", 10),
]

GREETING_COLUMNS = [
    ExportColumn(gettext_lazy("Card number"), "card_number", 16),
    ExportColumn(gettext_lazy("Name"), "name", 12),
    ExportColumn(gettext_lazy("Mobile phone"), "phone", 14, personal=True),
    ExportColumn(gettext_lazy("Tier"), "tier_name", 8),
    ExportColumn(gettext_lazy("Store"), "unit_name", 14),
    ExportColumn(gettext_lazy("Phone call"), "call", 10),
    ExportColumn(gettext_lazy("Status"), "status", 10),
]


def _member_rows(qs: Any) -> Any:
    labels = dict(MemberStatus.choices)
    for m in qs.iterator(chunk_size=2000):
        row = display.member_row(m)
        row["status_label"] = labels.get(m.status, m.status)
        yield row


def _list(request: HttpRequest, *, queue: bool) -> HttpResponseBase:
    actor = actor_of(request)
    filters = MemberFilterForm(request.GET)
    data = filters.cleaned_data if filters.is_valid() else {}
    status = MemberStatus.PENDING if queue else data.get("status", "")
    kwargs = {k: data[k] for k in MemberFilterForm.FILTER_KEYS if data.get(k)}
    qs = selectors.list_members(actor, status=status, **kwargs)
    if wants_export(request):
        return export(
            request,
            filename=_("Members"),
            columns=MEMBER_COLUMNS,
            rows=_member_rows(qs),
            object_type="members.member",
        )
    page = paginate(request, qs)
    context = {
        "page": page,
        "rows": [display.member_row(m) | {"obj": m} for m in page.object_list],
        "filters": filters,
        "status": status,
        "queue": queue,
        "tabs": [(s, MemberStatus(s).label, n) for s, n in selectors.status_counts(actor).items()],
        "filtered": any(data.get(k) for k in MemberFilterForm.FILTER_KEYS),
        "unit_options": list(visible_units(actor).only("id", "name", "depth", "path")),
        "tier_options": list(selectors.list_tiers()),
        "can_register": work_units(actor).exists(),
        "can_export": has_perm(actor, Perm.EXPORT_DATA),
    }
    return render(request, "members/member_list.html", context)


@members_view
def member_list(request: HttpRequest) -> HttpResponseBase:
    return _list(request, queue=False)


@members_view
def audit_queue(request: HttpRequest) -> HttpResponseBase:
    """Headquarters' queue: applications waiting for the completeness audit (待审核)."""
    return _list(request, queue=True)


@members_view
def expiring_list(request: HttpRequest) -> HttpResponseBase:
    """《到期会员名单》: filed members whose membership ends within N days (30)."""
    actor = actor_of(request)
    form = ExpiringForm(request.GET)
    data = form.cleaned_data if form.is_valid() else {}
    days: int = data["days"] if data.get("days") is not None else 30
    qs = selectors.expiring_members(actor, days=days, unit=data.get("unit"))
    if wants_export(request):
        return export(
            request,
            filename=_("Expiring members"),
            columns=MEMBER_COLUMNS,
            rows=_member_rows(qs),
            object_type="members.member",
        )
    page = paginate(request, qs)
    return render(
        request,
        "members/expiring.html",
        {
            "page": page,
            "rows": [display.member_row(m) for m in page.object_list],
            "form": form,
            "days": days,
            "unit_options": list(visible_units(actor).only("id", "name", "depth", "path")),
            "can_export": has_perm(actor, Perm.EXPORT_DATA),
        },
    )


@members_view
def birthdays(request: HttpRequest) -> HttpResponseBase:
    """Today's birthdays: greetings and gift cards; the top tier gets a phone call."""
    actor = actor_of(request)
    today = timezone.localdate()
    qs = selectors.greetings_on(actor, on_date=today)
    if wants_export(request):
        return export(
            request,
            filename=_("Birthdays today"),
            columns=GREETING_COLUMNS,
            rows=(display.greeting_row(g) for g in qs.iterator(chunk_size=2000)),
            object_type="members.greeting",
        )
    rows = [display.greeting_row(g) for g in qs]
    return render(
        request,
        "members/birthdays.html",
        {
            "today": today,
            "calls": [r for r in rows if r["call"]],
            "others": [r for r in rows if not r["call"]],
            "can_export": has_perm(actor, Perm.EXPORT_DATA),
        },
    )


@require_POST
@members_view
def greeting_done(request: HttpRequest, pk: int) -> HttpResponseBase:
    actor = actor_of(request)
    greeting = selectors.get_greeting(actor, pk)  # another unit's greeting: 404
    try:
        mark_greeting_done(actor=actor, greeting=greeting)
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("members:birthdays")


@members_view
def purchase_list(request: HttpRequest) -> HttpResponseBase:
    actor = actor_of(request)
    filters = PurchaseFilterForm(request.GET)
    data = filters.cleaned_data if filters.is_valid() else {}
    qs = selectors.list_purchases(actor, **{k: v for k, v in data.items() if v})
    if wants_export(request):
        return export(
            request,
            filename=_("Member purchases"),
            columns=PURCHASE_COLUMNS,
            rows=(display.purchase_row(p) for p in qs.iterator(chunk_size=2000)),
            object_type="members.purchase",
        )
    page = paginate(request, qs)
    return render(
        request,
        "members/purchase_list.html",
        {
            "page": page,
            "rows": [display.purchase_row(p) for p in page.object_list],
            "filters": filters,
            "unit_options": list(visible_units(actor).only("id", "name", "depth", "path")),
            "can_record": work_units(actor).exists(),
            "can_export": has_perm(actor, Perm.EXPORT_DATA),
        },
    )
