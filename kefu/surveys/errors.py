"""Survey domain errors with stable codes."""

from kefu.core.errors import DomainError, ValidationFailed


class ScoreOutOfRange(ValidationFailed):
    code = "score_out_of_range"
    default_message = "The score is outside the allowed scale."


class InvitationGone(DomainError):
    """The link was already answered or has expired (HTTP 410)."""

    code = "invitation_gone"
    status_code = 410
    default_message = "This survey link can no longer be used."


class InvitationUsed(InvitationGone):
    code = "invitation_used"
    default_message = "This survey has already been answered."


class InvitationExpired(InvitationGone):
    code = "invitation_expired"
    default_message = "This survey link has expired."


class InvitationRefused(ValidationFailed):
    code = "invitation_refused"
    default_message = "No survey invitation can be sent for this ticket."


class TooManyAttempts(DomainError):
    code = "rate_limited"
    status_code = 429
    default_message = "Too many attempts; wait a few minutes."
