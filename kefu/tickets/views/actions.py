"""What the buttons and forms of the ticket page post to. Each calls one service; errors come
back as a message (or, for the reply box, the page again with the typed text kept)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from kefu.core.errors import DomainError
from kefu.core.models import User
from kefu.core.permissions import Perm
from kefu.core.views.common import actor_of, perm_required
from kefu.tickets.errors import AttachmentRefused, StaleTicket
from kefu.tickets.models import Ticket
from kefu.tickets.selectors_macros import render_macro
from kefu.tickets.services import complaints, work
from kefu.tickets.views import complaint_panel
from kefu.tickets.views.detail import _people, load_ticket, page_context
from kefu.tickets.views.display import transfer_departments
from kefu.tickets.views.forms import (
    DetailsForm,
    FollowUpForm,
    ReplyForm,
    StatusForm,
    TransferForm,
)

STALE = _(
    "Someone else changed this ticket while you were typing. Your text is kept below: "
    "read the new entries, then send again."
)


def _done(ticket_id: int) -> HttpResponse:
    return redirect("tickets:detail", ticket_id)


def _page(request: HttpRequest, ticket: Ticket, status: int, **kwargs: Any) -> HttpResponse:
    context = page_context(request, ticket, **kwargs)
    return render(request, "tickets/ticket_detail.html", context, status=status)


def _write_entry(actor: User, ticket: Ticket, data: dict[str, Any]) -> None:
    """One entry from the reply box; its files are saved in the same transaction, so a
    refused file leaves nothing behind."""
    common = {
        "actor": actor,
        "ticket": ticket,
        "body": data["body"],
        "next_follow_up_at": data["next_follow_up_at"],
        "expected_version": data["version"],
    }
    if data["mode"] == "note":
        work.add_note(files=data["attachments"], **common)
    elif data["mode"] in ("call_in", "call_out"):
        direction = "inbound" if data["mode"] == "call_in" else "outbound"
        work.log_call(direction=direction, **common)
    else:
        work.add_reply(files=data["attachments"], **common)


@require_POST
@perm_required(Perm.WORK_TICKETS)
def reply(request: HttpRequest, ticket_id: int) -> HttpResponse:
    actor = actor_of(request)
    ticket = load_ticket(actor, ticket_id)
    form = ReplyForm(request.POST, request.FILES)
    if not form.is_valid():
        return _page(request, ticket, 422, reply_form=form)
    data = form.cleaned_data
    try:
        _write_entry(actor, ticket, data)
    except StaleTicket:
        ticket = load_ticket(actor, ticket_id)
        fields = {k: v for k, v in data.items() if k != "attachments"}
        fresh = ReplyForm(initial={**fields, "version": ticket.version})
        return _page(request, ticket, 409, reply_form=fresh, stale=True)
    except AttachmentRefused as exc:
        form.add_error("attachments", exc.message)
        return _page(request, ticket, exc.status_code, reply_form=form)
    except DomainError as exc:
        return _page(request, ticket, exc.status_code, reply_form=form, error=exc.message)
    return _done(ticket_id)


def _version(request: HttpRequest) -> int | None:
    try:
        return int(request.POST.get("version", ""))
    except ValueError:
        return None


def _run(request: HttpRequest, ticket_id: int, call: object, ok: str) -> HttpResponse:
    try:
        call()  # type: ignore[operator]
    except StaleTicket:
        messages.error(
            request,
            _("Someone else changed this ticket just now. Check the timeline, then try again."),
        )
    except DomainError as exc:
        details = exc.details if isinstance(exc.details, dict) else {}
        extra = "；".join(f"{v}" for v in details.values() if isinstance(v, str))
        messages.error(request, f"{exc.message} {extra}".strip())
    else:
        messages.success(request, ok)
    return _done(ticket_id)


@require_POST
@perm_required(Perm.WORK_TICKETS)
def assign(request: HttpRequest, ticket_id: int) -> HttpResponse:
    actor = actor_of(request)
    ticket = load_ticket(actor, ticket_id)
    raw = request.POST.get("assignee", "")
    people = {str(p.pk): p for p in _people(actor, ticket)}
    if raw and raw not in people:
        messages.error(request, _("Choose someone from the list."))
        return _done(ticket_id)
    assignee: User | None = people.get(raw)
    return _run(
        request,
        ticket_id,
        lambda: work.assign_ticket(
            actor=actor, ticket=ticket, assignee=assignee, expected_version=_version(request)
        ),
        _("Assigned.") if assignee else _("Unassigned."),
    )


@require_POST
@perm_required(Perm.WORK_TICKETS)
def transfer(request: HttpRequest, ticket_id: int) -> HttpResponse:
    actor = actor_of(request)
    ticket = load_ticket(actor, ticket_id)
    form = TransferForm(request.POST)
    form.fields["department"].queryset = transfer_departments(  # type: ignore[attr-defined]
        actor, [ticket.unit.path]
    )
    if not form.is_valid():
        messages.error(request, _("Choose the department to transfer to."))
        return _done(ticket_id)
    return _run(
        request,
        ticket_id,
        lambda: work.transfer_ticket(
            actor=actor,
            ticket=ticket,
            department=form.cleaned_data["department"],
            reason=form.cleaned_data["reason"],
            expected_version=_version(request),
        ),
        _("Transferred."),
    )


@require_POST
@perm_required(Perm.WORK_TICKETS)
def status(request: HttpRequest, ticket_id: int) -> HttpResponse:
    actor = actor_of(request)
    ticket = load_ticket(actor, ticket_id)
    form = StatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a status."))
        return _done(ticket_id)
    data = form.cleaned_data
    return _run(
        request,
        ticket_id,
        lambda: work.change_status(
            actor=actor,
            ticket=ticket,
            status=data["status"],
            reason=data["reason"],
            expected_version=data["version"],
        ),
        _("Status changed."),
    )


@require_POST
@perm_required(Perm.WORK_TICKETS)
def follow_up(request: HttpRequest, ticket_id: int) -> HttpResponse:
    actor = actor_of(request)
    ticket = load_ticket(actor, ticket_id)
    form = FollowUpForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Enter the date and time of the follow-up."))
        return _done(ticket_id)
    return _run(
        request,
        ticket_id,
        lambda: work.schedule_follow_up(
            actor=actor, ticket=ticket, at=form.cleaned_data["at"], note=form.cleaned_data["note"]
        ),
        _("Follow-up scheduled."),
    )


@require_GET
@perm_required(Perm.WORK_TICKETS)
def macro(request: HttpRequest, ticket_id: int) -> HttpResponse:
    """A macro's text rendered for this ticket ({{ ticket.number }}, {{ customer.name }} …);
    only plain values go into the template context."""
    actor = actor_of(request)
    ticket = load_ticket(actor, ticket_id)
    macro_id = request.GET.get("macro", "")
    return HttpResponse(render_macro(ticket=ticket, actor=actor, macro_id=macro_id))


@require_POST
@perm_required(Perm.VIEW_TICKETS)
def complaint_action(request: HttpRequest, ticket_id: int) -> HttpResponse:
    actor = actor_of(request)
    ticket = load_ticket(actor, ticket_id)
    if ticket.complaint_row is None:  # type: ignore[attr-defined]
        messages.error(request, _("This ticket is not a complaint."))
        return _done(ticket_id)
    action = request.POST.get("action", "")
    fields = complaint_panel.fields_from_post(request.POST)
    return _run(
        request,
        ticket_id,
        lambda: complaints.transition(actor=actor, ticket=ticket, action=action, fields=fields),
        str(complaint_panel.ACTION_LABELS.get(action, action)) + " ✓",
    )


@require_POST
@perm_required(Perm.WORK_TICKETS)
def details(request: HttpRequest, ticket_id: int) -> HttpResponse:
    actor = actor_of(request)
    ticket = load_ticket(actor, ticket_id)
    form = DetailsForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a priority and category from the lists."))
        return _done(ticket_id)
    data = form.cleaned_data
    return _run(
        request,
        ticket_id,
        lambda: work.update_ticket(
            actor=actor,
            ticket=ticket,
            expected_version=data["version"],
            priority=data["priority"],
            category=data["category"],
            reference=data["reference"],
        ),
        _("Details saved."),
    )
