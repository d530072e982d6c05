from kefu.tickets.models.complaints import Complaint, Remedy
from kefu.tickets.models.config import Category, Macro, Queue, RotaPointer, RoutingRule, SavedView
from kefu.tickets.models.events import Attachment, TicketEvent
from kefu.tickets.models.ticket import IdempotencyKey, Ticket, TicketCounter

__all__ = [
    "Attachment",
    "Category",
    "Complaint",
    "IdempotencyKey",
    "Macro",
    "Queue",
    "Remedy",
    "RotaPointer",
    "RoutingRule",
    "SavedView",
    "Ticket",
    "TicketCounter",
    "TicketEvent",
]
