"""A member's page (application form masked, audit actions with the missing fields shown
first, points ledger, purchases, tier) and the registration form."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kefu.core.errors import DomainError, PermissionDenied
from kefu.core.forms import apply_domain_error
from kefu.core.permissions import Perm
from kefu.core.selectors.scope import has_perm
from kefu.core.services.audit import record_personal_data_access
from kefu.core.views.common import actor_of
from kefu.members import display, selectors
from kefu.members.access import can_reveal, can_work_at
from kefu.members.choices import MemberStatus
from kefu.members.forms import FIELD_LABELS, ApplicationForm, PointsForm, ReasonForm, ReturnForm
from kefu.members.models import Member
from kefu.members.services import audit, points, registration
from kefu.members.views.common import members_view, work_units

LEDGER_ROWS = 50
PURCHASE_ROWS = 20


@members_view
def member_register(request: HttpRequest) -> HttpResponse:
    """The store clerk types in the 《会员申请表》."""
    actor = actor_of(request)
    units = work_units(actor)
    if not units.exists():
        raise PermissionDenied()
    form = ApplicationForm(request.POST or None, units=units, initial={"unit": units.first()})
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            member = registration.register_member(actor=actor, **data)
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(request, _("Member registered; it now waits for the audit."))
            return redirect("members:detail", member.pk)
    return render(request, "members/member_form.html", {"form": form, "member": None})


@members_view
def member_edit(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    member = selectors.get_member(actor, pk)
    initial = {k: getattr(member, k) for k in FIELD_LABELS}
    initial["card_number"] = member.card_number
    form = ApplicationForm(request.POST or None, initial=initial, editing=True)
    if request.method == "POST" and form.is_valid():
        changed = {k: form.cleaned_data[k] for k in form.changed_data}
        try:
            registration.update_member(actor=actor, member=member, **changed)
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(request, _("Application form saved."))
            return redirect("members:detail", member.pk)
    missing = [FIELD_LABELS.get(f, f) for f in member.missing_fields or []]
    context = {"form": form, "member": member, "missing": missing}
    return render(request, "members/member_form.html", context)


def _actions(actor: Any, member: Member) -> dict[str, bool]:
    store = can_work_at(actor, member.unit)
    hq = has_perm(actor, Perm.MANAGE_MEMBERS, member.unit)
    status = member.status
    return {
        "edit": (store and status in registration.EDITABLE_BY_STORE) or hq,
        "submit": store and status == MemberStatus.RETURNED,
        "audit": hq and status == MemberStatus.PENDING,
        "cancel": hq and status != MemberStatus.CANCELLED,
        "renew": store and status == MemberStatus.FILED,
        "redeem": store and status == MemberStatus.FILED,
        "adjust": hq,
        "purchase": store and status != MemberStatus.CANCELLED,
        "reveal": can_reveal(actor, member.unit),
    }


@members_view
def member_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    member = selectors.get_member(actor, pk)
    allowed = _actions(actor, member)
    reveal = request.GET.get("reveal") == "1" and allowed["reveal"]
    if reveal:
        record_personal_data_access(
            actor=actor,
            kind="reveal",
            obj=member,
            unit=member.unit,
            fields=["phone", "id_number", "address", "email"],
        )
    context = {
        "member": member,
        "m": display.member_detail(member, reveal=reveal),
        "missing": [FIELD_LABELS.get(f, f) for f in member.missing_fields or []],
        "ledger": [
            display.entry_row(e) | {"kind_label": e.get_kind_display()}
            for e in selectors.member_ledger(member)[:LEDGER_ROWS]
        ],
        "purchases": list(selectors.member_purchases(member)[:PURCHASE_ROWS]),
        "can": allowed,
        "return_form": ReturnForm(),
        "points_form": PointsForm(),
        "reason_form": ReasonForm(),
        "labels": FIELD_LABELS,
    }
    return render(request, "members/member_detail.html", context)


def _return(actor: Any, member: Member, post: Any) -> None:
    form = ReturnForm(post)
    form.is_valid()
    audit.return_member(
        actor=actor,
        member=member,
        reason=form.cleaned_data.get("reason", ""),
        missing=form.cleaned_data.get("missing", []),
    )


def _points(service: Callable[..., Any]) -> Callable[[Any, Member, Any], None]:
    def run(actor: Any, member: Member, post: Any) -> None:
        form = PointsForm(post)
        if not form.is_valid():
            raise DomainError(_("Enter the points as a whole number."))
        service(
            actor=actor,
            member=member,
            points=form.cleaned_data["points"],
            reason=form.cleaned_data.get("reason") or "",
        )

    return run


ACTIONS: dict[str, Callable[[Any, Member, Any], Any]] = {
    "submit": lambda a, m, p: registration.submit_member(actor=a, member=m),
    "file": lambda a, m, p: audit.file_member(actor=a, member=m),
    "return": _return,
    "cancel": lambda a, m, p: audit.cancel_member(actor=a, member=m, reason=p.get("reason", "")),
    "renew": lambda a, m, p: audit.renew_member(actor=a, member=m),
    "redeem": _points(points.redeem_points),
    "adjust": _points(points.adjust_points),
}


@require_POST
@members_view
def member_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    actor = actor_of(request)
    member = selectors.get_member(actor, pk)
    run = ACTIONS.get(action)
    if run is None:
        raise PermissionDenied()
    try:
        run(actor, member, request.POST)
    except PermissionDenied:
        raise
    except DomainError as exc:
        details = exc.details if isinstance(exc.details, dict) else {}
        extra = "; ".join(str(v) for v in details.values() if not isinstance(v, (int, list)))
        messages.error(request, f"{exc.message} {extra}".strip())
    else:
        messages.success(request, _("Done."))
    return redirect("members:detail", member.pk)
