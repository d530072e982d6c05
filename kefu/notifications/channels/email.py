"""Email through Django's mail backend (SMTP in production). The Message-ID is derived from
the outbox row, so a retry after an unknown outcome resends the *same* message, which
mail servers and clients recognise as one."""

from __future__ import annotations

import smtplib
from email.utils import parseaddr

from django.conf import settings
from django.core.mail import EmailMessage

from kefu.notifications.channels.base import DeliveryError, SendResult
from kefu.notifications.models import OutboxMessage


def mail_from() -> str:
    return str(
        getattr(settings, "KEFU_NOTIFY_MAIL_FROM", "")
        or getattr(settings, "KEFU_MAIL_FROM", "kefu@localhost")
    )


def message_id(message: OutboxMessage) -> str:
    """Stable per outbox row: `<kefu.notify.{id}.{dedupe-hash}@domain>`."""
    import hashlib

    domain = parseaddr(mail_from())[1].rpartition("@")[2] or "localhost"
    digest = hashlib.sha256(message.dedupe_key.encode()).hexdigest()[:16]
    return f"<kefu.notify.{message.pk}.{digest}@{domain}>"


def build(message: OutboxMessage) -> EmailMessage:
    return EmailMessage(
        subject=message.subject,
        body=message.body,
        from_email=mail_from(),
        to=[message.to],
        headers={"Message-ID": message_id(message), "X-Kefu-Outbox": str(message.pk)},
    )


def _permanent(exc: BaseException) -> bool:
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _msg in exc.recipients.values()]
        return bool(codes) and all(500 <= code < 600 for code in codes)
    if isinstance(exc, smtplib.SMTPResponseException):
        return 500 <= exc.smtp_code < 600
    return isinstance(exc, ValueError)


def _code(exc: BaseException) -> str:
    if isinstance(exc, smtplib.SMTPResponseException):
        return str(exc.smtp_code)
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return ",".join(str(code) for code, _msg in exc.recipients.values())
    return ""


def send(message: OutboxMessage) -> SendResult:
    mail = build(message)
    try:
        mail.send(fail_silently=False)
    except Exception as exc:
        raise DeliveryError(
            f"{type(exc).__name__}: {exc}", permanent=_permanent(exc), response_code=_code(exc)
        ) from exc
    return SendResult(provider_message_id=mail.extra_headers["Message-ID"], response_code="250")
