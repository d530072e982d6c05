"""Tickets API: create, list, detail, timeline, and the work actions; every write honours
an optional Idempotency-Key."""

import hashlib
from collections.abc import Callable
from datetime import datetime
from typing import Annotated, Any

from django.db.models import Prefetch
from django.http import FileResponse, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate
from ninja.params import functions as params

from kefu.core.api_common import ERRORS, actor_of
from kefu.core.errors import NotFound, ValidationFailed
from kefu.core.models import Department, OrgUnit, User
from kefu.core.security import harden_file_response
from kefu.core.selectors import org as org_selectors
from kefu.core.selectors.scope import scope_for
from kefu.customers.models import Customer
from kefu.customers.selectors import get_customer
from kefu.tickets import selectors
from kefu.tickets.api.idempotent import IdempotencyKey, respond_once
from kefu.tickets.api.pagination import TicketPagination
from kefu.tickets.models import Attachment, Category, Queue, TicketEvent
from kefu.tickets.schemas import (
    AssignIn,
    CallIn,
    EventOut,
    FollowUpIn,
    MessageIn,
    StatusIn,
    TicketIn,
    TicketListOut,
    TicketOut,
    TicketPatch,
    TransferIn,
)
from kefu.tickets.services import intake, work
from kefu.tickets.services.attachments import served_content_type

router = Router(tags=["tickets"])

IfMatch = Annotated[str | None, params.Header(None, alias="If-Match")]


class TicketFilter(Schema):
    status: str = ""
    type: str = ""
    unit: int | None = None
    department: int | None = None
    assignee: str = ""
    breached: bool | None = None
    due_before: datetime | None = None
    due_before_hyphen: datetime | None = Field(None, alias="due-before")
    q: str = Field("", max_length=200)
    text: str = Field("", max_length=200, description="same as q")
    queue_view: str = ""

    def selector_kwargs(self) -> dict[str, Any]:
        """`text` and `due-before` are accepted as spellings of `q` and `due_before`."""
        data = self.dict(exclude={"due_before_hyphen", "text"})
        data["q"] = self.q or self.text
        data["due_before"] = self.due_before or self.due_before_hyphen
        return data


def _lookup[M](model: type[M], pk: int | None, field: str, **extra: Any) -> M | None:
    if pk is None:
        return None
    obj = model.objects.filter(pk=pk, **extra).first()  # type: ignore[attr-defined]
    if obj is None:
        raise ValidationFailed(details={field: _("Not found.")})
    return obj  # type: ignore[no-any-return]


def _default_unit(actor: User, unit_id: int | None) -> OrgUnit:
    if unit_id is not None:
        return org_selectors.get_unit(actor, unit_id)
    grants = scope_for(actor).grants  # the actor's first assignment to an active unit
    if grants:
        return intake.unit_by_id(grants[0].unit_id)
    top = OrgUnit.objects.filter(parent__isnull=True, is_active=True).order_by("id").first()
    if top is None:
        raise ValidationFailed(details={"unit_id": _("Choose a unit.")})
    return top


def _version(if_match: str | None, body_version: int | None) -> int | None:
    if body_version is not None:
        return body_version
    if not if_match:
        return None
    raw = if_match.strip().removeprefix("W/").strip('"')
    try:
        return int(raw)
    except ValueError:
        raise ValidationFailed(details={"If-Match": _("Send the ticket version.")}) from None


def _detail(request: HttpRequest, ticket_id: int, response: HttpResponse | None = None) -> Any:
    ticket = selectors.get_ticket(actor_of(request), ticket_id)
    if response is not None:
        response["ETag"] = f'"{ticket.version}"'
    return ticket


@router.post("", response={201: TicketOut, **ERRORS})
def create_ticket(
    request: HttpRequest,
    payload: TicketIn,
    response: HttpResponse,
    idempotency_key: IdempotencyKey = None,
) -> Any:
    actor = actor_of(request)
    fields: dict[str, Any] = {
        "unit": _default_unit(actor, payload.unit_id),
        "type": payload.type,
        "channel": payload.channel,
        "title": payload.title,
        "description": payload.description,
        "customer": get_customer(actor, payload.customer_id) if payload.customer_id else None,
        "contact_name": payload.contact_name,
        "contact_phone": payload.contact_phone,
        "contact_email": payload.contact_email,
        "reference": payload.reference,
        "category": _lookup(Category, payload.category_id, "category_id", is_active=True),
        "priority": payload.priority,
        "received_at": payload.received_at,
    }
    if idempotency_key:
        fingerprint = intake.request_fingerprint(payload.dict())
        ticket, created = intake.create_ticket_idempotent(
            actor=actor, key=idempotency_key, fingerprint=fingerprint, **fields
        )
        response["Idempotent-Replayed"] = "false" if created else "true"
        if not created:
            return Status(201, _detail(request, ticket.pk, response))
    else:
        ticket = intake.create_ticket(actor=actor, **fields)
    # The new ticket in hand has what the answer reads (no re-fetch).
    response["ETag"] = f'"{ticket.version}"'
    return Status(201, ticket)


LIST_NAMES = (
    Prefetch("unit", OrgUnit.objects.only("id", "name")),
    Prefetch("assignee", User.objects.only("id", "username", "display_name")),
    Prefetch("customer", Customer.objects.only("id", "name")),
)


@router.get("", response={200: list[TicketListOut], **ERRORS})
@paginate(TicketPagination)
def list_tickets(request: HttpRequest, filters: Query[TicketFilter]) -> Any:
    qs = selectors.list_tickets(actor_of(request), **filters.selector_kwargs())
    # the answer names the unit, assignee and customer (the rest as ids): only their rows,
    # only the columns read
    return qs.prefetch_related(None).prefetch_related(*LIST_NAMES)


@router.get("/{ticket_id}", response={200: TicketOut, **ERRORS})
def get_ticket(request: HttpRequest, ticket_id: int, response: HttpResponse) -> Any:
    return _detail(request, ticket_id, response)


@router.get("/{ticket_id}/events", response={200: list[EventOut], **ERRORS})
def ticket_events(request: HttpRequest, ticket_id: int) -> Any:
    return list(selectors.ticket_events(selectors.get_ticket(actor_of(request), ticket_id)))


def _out(request: HttpRequest, ticket_id: int, response: HttpResponse) -> TicketOut:
    ticket = _detail(request, ticket_id, response)
    return TicketOut.model_validate(ticket, context={"request": request})


def _event_out(request: HttpRequest, event: TicketEvent) -> EventOut:
    return EventOut.model_validate(event, context={"request": request})


@router.patch("/{ticket_id}", response={200: TicketOut, **ERRORS})
def patch_ticket(
    request: HttpRequest,
    ticket_id: int,
    payload: TicketPatch,
    response: HttpResponse,
    if_match: IfMatch = None,
    idempotency_key: IdempotencyKey = None,
) -> Any:
    actor = actor_of(request)
    ticket = selectors.get_ticket(actor, ticket_id)
    fields = payload.dict(exclude_unset=True)
    version = _version(if_match, None)

    def write() -> tuple[int, TicketOut]:
        if "category_id" in fields:
            fields["category"] = _lookup(Category, fields.pop("category_id"), "category_id")
        work.update_ticket(actor=actor, ticket=ticket, expected_version=version, **fields)
        return 200, _out(request, ticket_id, response)

    body = {"fields": payload.dict(exclude_unset=True), "version": version}
    return respond_once(
        request,
        response,
        key=idempotency_key,
        operation="ticket.update",
        ticket=ticket,
        body=body,
        write=write,
    )


def _message(
    request: HttpRequest,
    response: HttpResponse,
    ticket_id: int,
    payload: MessageIn,
    if_match: str | None,
    idempotency_key: str | None,
    service: Callable[..., TicketEvent],
) -> Any:
    actor = actor_of(request)
    ticket = selectors.get_ticket(actor, ticket_id)
    version = _version(if_match, payload.expected_version)

    def write() -> tuple[int, EventOut]:
        event = service(
            actor=actor,
            ticket=ticket,
            body=payload.body,
            next_follow_up_at=payload.next_follow_up_at,
            expected_version=version,
        )
        return 201, _event_out(request, event)

    return respond_once(
        request,
        response,
        key=idempotency_key,
        operation=f"ticket.{service.__name__}",
        ticket=ticket,
        body={**payload.dict(), "expected_version": version},
        write=write,
    )


@router.post("/{ticket_id}/replies", response={201: EventOut, **ERRORS})
def add_reply(
    request: HttpRequest,
    ticket_id: int,
    payload: MessageIn,
    response: HttpResponse,
    if_match: IfMatch = None,
    idempotency_key: IdempotencyKey = None,
) -> Any:
    return _message(
        request, response, ticket_id, payload, if_match, idempotency_key, work.add_reply
    )


@router.post("/{ticket_id}/notes", response={201: EventOut, **ERRORS})
def add_note(
    request: HttpRequest,
    ticket_id: int,
    payload: MessageIn,
    response: HttpResponse,
    if_match: IfMatch = None,
    idempotency_key: IdempotencyKey = None,
) -> Any:
    return _message(request, response, ticket_id, payload, if_match, idempotency_key, work.add_note)


@router.post("/{ticket_id}/calls", response={201: EventOut, **ERRORS})
def log_call(
    request: HttpRequest,
    ticket_id: int,
    payload: CallIn,
    response: HttpResponse,
    idempotency_key: IdempotencyKey = None,
) -> Any:
    actor = actor_of(request)
    ticket = selectors.get_ticket(actor, ticket_id)

    def write() -> tuple[int, EventOut]:
        event = work.log_call(
            actor=actor,
            ticket=ticket,
            body=payload.body,
            direction=payload.direction,
            next_follow_up_at=payload.next_follow_up_at,
            expected_version=payload.expected_version,
        )
        return 201, _event_out(request, event)

    return respond_once(
        request,
        response,
        key=idempotency_key,
        operation="ticket.log_call",
        ticket=ticket,
        body=payload.dict(),
        write=write,
    )


@router.post("/{ticket_id}/follow-ups", response={201: EventOut, **ERRORS})
def schedule_follow_up(
    request: HttpRequest,
    ticket_id: int,
    payload: FollowUpIn,
    response: HttpResponse,
    idempotency_key: IdempotencyKey = None,
) -> Any:
    actor = actor_of(request)
    ticket = selectors.get_ticket(actor, ticket_id)

    def write() -> tuple[int, EventOut]:
        event = work.schedule_follow_up(
            actor=actor,
            ticket=ticket,
            at=payload.at,
            note=payload.note,
            expected_version=payload.expected_version,
        )
        return 201, _event_out(request, event)

    return respond_once(
        request,
        response,
        key=idempotency_key,
        operation="ticket.schedule_follow_up",
        ticket=ticket,
        body=payload.dict(),
        write=write,
    )


@router.post("/{ticket_id}/assign", response={200: TicketOut, **ERRORS})
def assign(
    request: HttpRequest,
    ticket_id: int,
    payload: AssignIn,
    response: HttpResponse,
    if_match: IfMatch = None,
    idempotency_key: IdempotencyKey = None,
) -> Any:
    actor = actor_of(request)
    ticket = selectors.get_ticket(actor, ticket_id)
    version = _version(if_match, payload.expected_version)

    def write() -> tuple[int, TicketOut]:
        work.assign_ticket(
            actor=actor,
            ticket=ticket,
            assignee=_lookup(User, payload.assignee_id, "assignee_id", is_active=True),
            expected_version=version,
        )
        return 200, _out(request, ticket_id, response)

    return respond_once(
        request,
        response,
        key=idempotency_key,
        operation="ticket.assign",
        ticket=ticket,
        body={**payload.dict(), "expected_version": version},
        write=write,
    )


@router.post("/{ticket_id}/transfer", response={200: TicketOut, **ERRORS})
def transfer(
    request: HttpRequest,
    ticket_id: int,
    payload: TransferIn,
    response: HttpResponse,
    if_match: IfMatch = None,
    idempotency_key: IdempotencyKey = None,
) -> Any:
    actor = actor_of(request)
    ticket = selectors.get_ticket(actor, ticket_id)
    version = _version(if_match, payload.expected_version)

    def write() -> tuple[int, TicketOut]:
        department = _lookup(Department, payload.department_id, "department_id", is_active=True)
        assert department is not None
        work.transfer_ticket(
            actor=actor,
            ticket=ticket,
            department=department,
            queue=_lookup(Queue, payload.queue_id, "queue_id", is_active=True),
            assignee=_lookup(User, payload.assignee_id, "assignee_id", is_active=True),
            reason=payload.reason,
            expected_version=version,
        )
        return 200, _out(request, ticket_id, response)

    return respond_once(
        request,
        response,
        key=idempotency_key,
        operation="ticket.transfer",
        ticket=ticket,
        body={**payload.dict(), "expected_version": version},
        write=write,
    )


@router.post("/{ticket_id}/status", response={200: TicketOut, **ERRORS})
def change_status(
    request: HttpRequest,
    ticket_id: int,
    payload: StatusIn,
    response: HttpResponse,
    if_match: IfMatch = None,
    idempotency_key: IdempotencyKey = None,
) -> Any:
    actor = actor_of(request)
    ticket = selectors.get_ticket(actor, ticket_id)
    version = _version(if_match, payload.expected_version)

    def write() -> tuple[int, TicketOut]:
        work.change_status(
            actor=actor,
            ticket=ticket,
            status=payload.status,
            reason=payload.reason,
            expected_version=version,
        )
        return 200, _out(request, ticket_id, response)

    return respond_once(
        request,
        response,
        key=idempotency_key,
        operation="ticket.change_status",
        ticket=ticket,
        body={**payload.dict(), "expected_version": version},
        write=write,
    )


def _file_digest(file: UploadedFile) -> str:
    digest = hashlib.sha256()
    for chunk in file.chunks():
        digest.update(chunk)
    file.seek(0)
    return digest.hexdigest()


@router.post("/{ticket_id}/attachments", response={201: EventOut, **ERRORS})
def upload_attachment(
    request: HttpRequest,
    ticket_id: int,
    file: File[UploadedFile],
    response: HttpResponse,
    note: Form[str] = "",
    idempotency_key: IdempotencyKey = None,
) -> Any:
    """Attach a file to the ticket (as an internal note carrying the file)."""
    actor = actor_of(request)
    ticket = selectors.get_ticket(actor, ticket_id)

    def write() -> tuple[int, EventOut]:
        event = work.add_note(
            actor=actor, ticket=ticket, body=note or (file.name or "attachment"), files=[file]
        )
        return 201, _event_out(request, selectors.ticket_events(event.ticket).get(pk=event.pk))

    body = {"note": note, "name": file.name, "size": file.size}
    if idempotency_key:
        body["sha256"] = _file_digest(file)
    return respond_once(
        request,
        response,
        key=idempotency_key,
        operation="ticket.upload_attachment",
        ticket=ticket,
        body=body,
        write=write,
    )


@router.get("/{ticket_id}/attachments/{attachment_id}", response={200: None, **ERRORS})
def download_attachment(request: HttpRequest, ticket_id: int, attachment_id: int) -> Any:
    ticket = selectors.get_ticket(actor_of(request), ticket_id)
    attachment = Attachment.objects.filter(ticket=ticket, pk=attachment_id).first()
    if attachment is None:
        raise NotFound()
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.filename,
        content_type=served_content_type(attachment.content_type),
    )
    return harden_file_response(response)
