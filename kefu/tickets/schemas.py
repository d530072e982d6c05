"""API shapes of tickets and their timeline."""

from datetime import datetime
from typing import Any

from ninja import Field, Schema

from kefu.core.permissions import Perm
from kefu.core.selectors.scope import has_perm
from kefu.customers.selectors import mask_phone
from kefu.tickets.models import Ticket, TicketEvent


def _actor(context: Any) -> Any:
    request = (context or {}).get("request")
    return getattr(request, "user", None)


def _phone_for(ticket: Ticket, context: Any) -> str:
    actor = _actor(context)
    if not ticket.contact_phone:
        return ""
    if actor is not None and has_perm(actor, Perm.REVEAL_PERSONAL_DATA, ticket.unit):
        return ticket.contact_phone
    return mask_phone(ticket.contact_phone)


class TicketIn(Schema):
    type: str = Field(max_length=20)
    channel: str = Field("api", max_length=20)
    title: str = Field(min_length=1, max_length=200)
    description: str = Field("", max_length=20_000)
    unit_id: int | None = None
    customer_id: int | None = None
    contact_name: str = Field("", max_length=100)
    contact_phone: str = Field("", max_length=40)
    contact_email: str = Field("", max_length=254)
    reference: str = Field("", max_length=64)
    category_id: int | None = None
    priority: str = Field("normal", max_length=10)
    received_at: datetime | None = None


class TicketPatch(Schema):
    title: str | None = Field(None, min_length=1, max_length=200)
    description: str | None = Field(None, max_length=20_000)
    category_id: int | None = None
    priority: str | None = Field(None, max_length=10)
    reference: str | None = Field(None, max_length=64)
    type: str | None = Field(None, max_length=20)


class TicketListOut(Schema):
    id: int
    number: str
    status: str
    type: str
    channel: str
    priority: str
    title: str
    reference: str
    unit_id: int
    unit_name: str = ""
    department_id: int | None
    queue_id: int | None
    assignee_id: int | None
    assignee_name: str = ""
    category_id: int | None
    customer_id: int | None
    customer_name: str = ""
    contact_name: str
    contact_phone: str
    received_at: datetime
    created_at: datetime
    updated_at: datetime
    first_responded_at: datetime | None
    resolved_at: datetime | None
    closed_at: datetime | None
    next_follow_up_at: datetime | None
    sla_state: str
    first_response_due: datetime | None
    next_response_due: datetime | None
    resolution_due: datetime | None
    sla_breached_at: datetime | None
    escalation_level: int
    version: int

    @staticmethod
    def resolve_unit_name(obj: Ticket) -> str:
        return obj.unit.name

    @staticmethod
    def resolve_assignee_name(obj: Ticket) -> str:
        user = obj.assignee
        return (user.display_name or user.username) if user is not None else ""

    @staticmethod
    def resolve_customer_name(obj: Ticket) -> str:
        return obj.customer.name if obj.customer is not None else ""

    @staticmethod
    def resolve_contact_phone(obj: Ticket, context: Any) -> str:
        return _phone_for(obj, context)


class TicketOut(TicketListOut):
    description: str
    contact_email: str
    first_contact_owner_id: int | None
    created_by_id: int | None
    department_name: str = ""
    allowed_actions: list[str] = []

    @staticmethod
    def resolve_department_name(obj: Ticket) -> str:
        return obj.department.name if obj.department is not None else ""

    @staticmethod
    def resolve_allowed_actions(obj: Ticket, context: Any) -> list[str]:
        from kefu.tickets.services.complaints import allowed_actions

        actor = _actor(context)
        if actor is None:
            return []
        return list(allowed_actions(ticket=obj, actor=actor))


class AttachmentOut(Schema):
    id: int
    filename: str
    content_type: str
    size: int
    sha256: str


class EventOut(Schema):
    id: int
    kind: str
    actor_id: int | None
    actor_label: str
    created_at: datetime
    body: str
    is_public: bool
    data: dict[str, Any]
    next_follow_up_at: datetime | None
    attachments: list[AttachmentOut]

    @staticmethod
    def resolve_attachments(obj: TicketEvent) -> list[Any]:
        return list(obj.attachments.all())


class VersionIn(Schema):
    expected_version: int | None = None


class MessageIn(VersionIn):
    body: str = Field(min_length=1, max_length=20_000)
    next_follow_up_at: datetime | None = None


class CallIn(MessageIn):
    direction: str = Field("inbound", max_length=10)


class AssignIn(VersionIn):
    assignee_id: int | None


class TransferIn(VersionIn):
    department_id: int
    queue_id: int | None = None
    assignee_id: int | None = None
    reason: str = Field("", max_length=2000)


class StatusIn(VersionIn):
    status: str = Field(max_length=20)
    reason: str = Field("", max_length=2000)


class FollowUpIn(VersionIn):
    at: datetime
    note: str = Field("", max_length=2000)
