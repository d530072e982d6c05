"""Domain errors of the notifications app, each with a stable code."""

from __future__ import annotations

from kefu.core.errors import DomainError, NotFound, ValidationFailed


class UnknownChannel(ValidationFailed):
    code = "notifications.unknown_channel"
    default_message = "Unknown notification channel."


class UnknownTemplate(NotFound):
    code = "notifications.unknown_template"
    default_message = "Unknown notification template."


class BadRecipient(ValidationFailed):
    code = "notifications.bad_recipient"
    default_message = "The recipient is not valid for this channel."


class TemplateInvalid(ValidationFailed):
    code = "notifications.template_invalid"
    default_message = "The template cannot be rendered."


class NotRetryable(DomainError):
    code = "notifications.not_retryable"
    status_code = 409
    default_message = "Only failed or cancelled messages can be retried."


class NotCancellable(DomainError):
    code = "notifications.not_cancellable"
    status_code = 409
    default_message = "Only queued messages can be cancelled."
