"""Enumerations of the tickets app."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class TicketType(models.TextChoices):
    ENQUIRY = "enquiry", _("Enquiry")
    REPAIR = "repair", _("Repair")
    COMPLAINT = "complaint", _("Complaint")
    AFTER_SALES = "after_sales", _("After-sales")
    SUGGESTION = "suggestion", _("Suggestion")
    PRAISE = "praise", _("Praise")
    QUERY = "query", _("Shipment / order query")


class Channel(models.TextChoices):
    PHONE = "phone", _("Phone")
    EMAIL = "email", _("Email")
    WEB = "web", _("Web form")
    ON_SITE = "on_site", _("On site")
    API = "api", _("API")
    MESSAGING = "messaging", _("Messaging")


class Status(models.TextChoices):
    NEW = "new", _("New")
    OPEN = "open", _("In progress")
    PENDING = "pending", _("Waiting on customer")
    RESOLVED = "resolved", _("Resolved")
    CLOSED = "closed", _("Closed")


OPEN_STATUSES = (Status.NEW, Status.OPEN, Status.PENDING)


class Priority(models.TextChoices):
    LOW = "low", _("Low")
    NORMAL = "normal", _("Normal")
    HIGH = "high", _("High")
    URGENT = "urgent", _("Urgent")


class SlaState(models.TextChoices):
    NONE = "none", _("No target")
    ON_TRACK = "on_track", _("On track")
    WARNING = "warning", _("Due soon")
    BREACHED = "breached", _("Breached")
    PAUSED = "paused", _("Paused")


class EventKind(models.TextChoices):
    CREATED = "created", _("Created")
    CLASSIFIED = "classified", _("Classified")
    ASSIGNED = "assigned", _("Assigned")
    TRANSFERRED = "transferred", _("Transferred")
    REPLY = "reply", _("Reply to customer")
    CUSTOMER_MESSAGE = "customer_message", _("Message from customer")
    NOTE = "note", _("Internal note")
    CALL = "call", _("Call logged")
    STATUS = "status", _("Status changed")
    FIELDS = "fields", _("Details changed")
    SLA_WARNING = "sla_warning", _("SLA warning")
    SLA_BREACH = "sla_breach", _("SLA breached")
    ESCALATION = "escalation", _("Escalated")
    FOLLOW_UP = "follow_up", _("Follow-up scheduled")
    COMPLAINT = "complaint", _("Complaint step")
    ALERT = "alert", _("Prohibition alert")


class AssignStrategy(models.TextChoices):
    NONE = "none", _("Leave unassigned")
    ROTA = "rota", _("Rota (round robin)")
    LEAST_LOAD = "least_load", _("Least open work")


class ComplaintStage(models.TextChoices):
    REGISTER = "register", _("Register")
    JUDGE = "judge", _("Judge")
    INVESTIGATE = "investigate", _("Investigate")
    PROPOSE = "propose", _("Propose remedy")
    APPROVE = "approve", _("Approve")
    IMPLEMENT = "implement", _("Implement")
    CONFIRM = "confirm", _("Customer confirms")
    REVISIT = "revisit", _("Revisit")
    SUMMARISE = "summarise", _("Summarise")
    ARCHIVED = "archived", _("Archived")


class RemedyKind(models.TextChoices):
    REFUND = "refund", _("Refund")
    REPLACEMENT = "replacement", _("Replacement")
    REDELIVERY = "redelivery", _("Re-delivery")
    COMPENSATION = "compensation", _("Compensation")
    REPAIR = "repair", _("Repair")
    APOLOGY = "apology", _("Apology")
    OTHER = "other", _("Other")


class RemedyStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
