"""Ticket domain errors with stable codes."""

from kefu.core.errors import Conflict, DomainError, ValidationFailed


class StaleTicket(Conflict):
    code = "ticket_stale"
    default_message = "Someone else changed this ticket; reload it and try again."


class IdempotencyMismatch(Conflict):
    code = "idempotency_key_reused"
    default_message = "This Idempotency-Key was already used for a different request."


class InvalidReceivedAt(ValidationFailed):
    code = "invalid_received_at"


class TransitionRefused(DomainError):
    code = "transition_refused"
    status_code = 409
    default_message = "This step is not allowed in the complaint's current stage."


class AttachmentRefused(ValidationFailed):
    code = "attachment_refused"
