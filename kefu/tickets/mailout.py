"""Outbound mail for ticket replies, with threading headers (Message-ID, In-Reply-To,
References) so the customer's answer finds its way back to the ticket.

Services call `queue_reply_mail(event)` inside their transaction; the task
`kefu.tickets.tasks.send_reply_mail` calls `deliver_reply_mail` after commit."""

from __future__ import annotations

import logging
import re
import smtplib
from datetime import datetime
from email.utils import formataddr, make_msgid, parseaddr
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone

from kefu.tickets.choices import EventKind
from kefu.tickets.models import Ticket, TicketEvent

logger = logging.getLogger("kefu.mail")

MAX_REFERENCES = 20
_REPLY_PREFIX = re.compile(r"^\s*((re|fw|fwd|aw|回复|答复|转发)\s*[:：]\s*)+", re.I)
_TAG = re.compile(r"\s*\[#\s*KF\d{8,}\s*\]", re.I)


class MailSendFailed(RuntimeError):
    """Delivery failed this time; the task is retried."""


class MailRejected(MailSendFailed):
    """The server refused the mail for good (5xx) or it cannot be built; no retry."""


def mail_from() -> str:
    return str(getattr(settings, "KEFU_MAIL_FROM", "kefu@localhost"))


def _domain() -> str:
    address = parseaddr(mail_from())[1]
    return address.rpartition("@")[2] or "localhost"


def queue_reply_mail(event: TicketEvent) -> None:
    """Queue the customer-visible reply `event` for delivery after commit, when the ticket
    has a contact email. Gives the event its Message-ID now, so every retry sends the same
    one (the customer's answer threads back by it)."""
    ticket = event.ticket
    if not event.is_public or not ticket.contact_email:
        return
    from kefu.core.tasks_util import enqueue_on_commit
    from kefu.tickets.tasks import send_reply_mail

    if not event.message_id:
        event.message_id = make_msgid(idstring=f"kefu.{ticket.number}", domain=_domain())
        event.save(update_fields=["message_id"])
    enqueue_on_commit(send_reply_mail, event.pk)


def reply_subject(ticket: Ticket) -> str:
    title = _TAG.sub("", _REPLY_PREFIX.sub("", ticket.title)).strip()
    return f"Re: {title} [#{ticket.number}]"


def thread_headers(event: TicketEvent) -> dict[str, str]:
    """In-Reply-To: the customer's latest mail before this reply (else the mail that opened
    the ticket); References: the ticket's mail ids in order, newest last."""
    ticket = event.ticket
    earlier = (
        TicketEvent.objects.filter(
            ticket=ticket,
            kind__in=[EventKind.CUSTOMER_MESSAGE, EventKind.REPLY],
            id__lt=event.pk,
        )
        .exclude(message_id="")
        .order_by("created_at", "id")
        .values_list("kind", "message_id")
    )
    chain = [ticket.message_id] if ticket.message_id else []
    parent = ticket.message_id
    for kind, mid in earlier:
        if mid not in chain:
            chain.append(mid)
        if kind == EventKind.CUSTOMER_MESSAGE:
            parent = mid
    if len(chain) > MAX_REFERENCES:
        chain = [chain[0], *chain[-(MAX_REFERENCES - 1) :]]
    headers: dict[str, str] = {}
    if parent:
        headers["In-Reply-To"] = parent
    if chain:
        headers["References"] = " ".join(chain)
    return headers


def build_reply_message(event: TicketEvent) -> EmailMessage:
    ticket = event.ticket
    headers = {
        "Message-ID": event.message_id,
        "X-Kefu-Ticket": ticket.number,
        **thread_headers(event),
    }
    message = EmailMessage(
        subject=reply_subject(ticket),
        body=event.body,
        from_email=mail_from(),
        to=[formataddr((ticket.contact_name, ticket.contact_email), charset="utf-8")],
        headers=headers,
    )
    for attachment in event.attachments.all().order_by("pk"):
        with attachment.file.open("rb") as handle:
            message.attach(attachment.filename, handle.read(), attachment.content_type)
    return message


def is_permanent(exc: BaseException) -> bool:
    """A refusal that a retry cannot fix: a 5xx answer for every recipient, the sender or
    the data, or a message that cannot be built (a malformed address)."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _msg in exc.recipients.values()]
        return bool(codes) and all(500 <= code < 600 for code in codes)
    if isinstance(exc, smtplib.SMTPResponseException):
        return 500 <= exc.smtp_code < 600
    return isinstance(exc, ValueError)


def _send(event: TicketEvent) -> tuple[str, bool]:
    """('', False) on success, else (the error, whether it is permanent)."""
    try:
        # The default mailer: settings.MAILERS["default"] (or the older EMAIL_* settings).
        build_reply_message(event).send(fail_silently=False)
    except Exception as exc:  # any failure is recorded; most are worth another try
        logger.warning("reply mail %s for %s failed: %s", event.message_id, event.ticket_id, exc)
        return f"{type(exc).__name__}: {exc}"[:300], is_permanent(exc)
    return "", False


def deliver_reply_mail(*, event_id: int, now: datetime | None = None) -> str:
    """Send the reply once: 'sent', 'already_sent' (a retry after success) or 'skipped'.
    Each attempt is recorded in event.data["mail"]; a failure raises MailSendFailed
    (MailRejected when retrying cannot help)."""
    now = now or timezone.now()
    with transaction.atomic():
        event = (
            TicketEvent.objects.select_for_update()
            .select_related("ticket")
            .filter(pk=event_id)
            .first()
        )
        if event is None or not event.ticket.contact_email:
            return "skipped"
        state: dict[str, Any] = dict(event.data.get("mail") or {})
        if state.get("sent_at"):
            return "already_sent"
        error, permanent = _send(event)
        attempt: dict[str, Any] = {"at": now.isoformat(), "error": error}
        if permanent:
            attempt["permanent"] = True
        state["attempts"] = [*state.get("attempts", []), attempt][-20:]
        state["to"] = event.ticket.contact_email
        if not error:
            state["sent_at"] = now.isoformat()
        event.data = {**event.data, "mail": state}
        event.save(update_fields=["data"])
    if error:
        raise (MailRejected if permanent else MailSendFailed)(error)
    return "sent"
