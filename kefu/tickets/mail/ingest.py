"""A received mail becomes a new ticket or a customer message on the ticket it answers."""

from __future__ import annotations

import hashlib
import logging
import re
from dataclasses import dataclass
from datetime import datetime
from email.utils import parseaddr
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kefu.core.errors import DomainError
from kefu.core.models import OrgUnit
from kefu.core.services.audit import record_audit
from kefu.customers.models import Customer
from kefu.tickets.choices import Channel, EventKind, Status, TicketType
from kefu.tickets.events import add_event
from kefu.tickets.mail.parse import MailAttachment, ParsedMail, SkippedAttachment, parse_message
from kefu.tickets.models import Ticket, TicketEvent

logger = logging.getLogger("kefu.mail")

SUBJECT_TAG = re.compile(r"\[#\s*(KF\d{8,})\s*\]", re.I)
MAX_TEXT = 19_000  # the ticket services accept 20 000 characters; room for notes


@dataclass(frozen=True)
class IngestResult:
    outcome: str  # "created" | "added" | "duplicate" | "ignored"
    ticket: Ticket | None
    event: TicketEvent | None = None
    reason: str = ""

    @property
    def number(self) -> str:
        return self.ticket.number if self.ticket is not None else ""


def mail_from_address() -> str:
    return parseaddr(getattr(settings, "KEFU_MAIL_FROM", "kefu@localhost"))[1].lower()


def _lock_message_id(message_id: str) -> None:
    """Serialise concurrent deliveries of one Message-ID (PostgreSQL; SQLite transactions
    are already exclusive)."""
    if connection.vendor == "postgresql":
        key = int.from_bytes(hashlib.sha256(message_id.encode()).digest()[:8], "big", signed=True)
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [key])


def _duplicate(message_id: str) -> IngestResult | None:
    ticket = Ticket.objects.filter(message_id=message_id).first()
    if ticket is not None:
        return IngestResult("duplicate", ticket, reason="message-id")
    event = TicketEvent.objects.filter(message_id=message_id).select_related("ticket").first()
    if event is not None:
        return IngestResult("duplicate", event.ticket, event, reason="message-id")
    return None


def find_thread(mail: ParsedMail) -> Ticket | None:
    """The ticket this mail answers: by In-Reply-To / References, then the [#KF…] tag."""
    ids = mail.thread_ids
    if ids:
        by_ticket = {t.message_id: t for t in Ticket.objects.filter(message_id__in=ids)}
        events = TicketEvent.objects.filter(message_id__in=ids).select_related("ticket")
        by_event = {e.message_id: e.ticket for e in events}
        for mid in ids:
            found = by_event.get(mid) or by_ticket.get(mid)
            if found is not None:
                return found
    tag = SUBJECT_TAG.search(mail.subject)
    if tag:
        return Ticket.objects.filter(number=tag.group(1).upper()).first()
    return None


def _default_unit() -> OrgUnit:
    code = getattr(settings, "KEFU_MAIL_DEFAULT_UNIT", "")
    unit = OrgUnit.objects.filter(code=code).first() if code else None
    unit = unit or OrgUnit.objects.filter(parent__isnull=True).order_by("path", "pk").first()
    if unit is None:
        raise DomainError(_("There is no organisation unit to receive mail."))
    return unit


def _usable(mail: ParsedMail) -> list[MailAttachment]:
    """Attachments the ticket services will accept; the rest are noted as skipped."""
    from kefu.tickets.services.attachments import sniff

    kept: list[MailAttachment] = []
    for item in mail.attachments:
        try:
            if not item.content:
                raise DomainError("empty")
            sniff(item.content[:8192], item.filename)
        except DomainError:
            mail.skipped.append(SkippedAttachment(item.filename, item.size, "refused"))
            continue
        kept.append(item)
    return kept


def _notes(skipped: list[SkippedAttachment]) -> str:
    lines = []
    for item in skipped:
        size = f"{item.size / 1048576:.1f} MB"
        if item.reason == "too_large":
            why = _("larger than the upload limit")
        elif item.reason == "too_many":
            why = _("too many attachments")
        else:
            why = _("file type not accepted")
        lines.append(
            _("[Attachment not kept: %(name)s (%(size)s), %(why)s]")
            % {"name": item.filename, "size": size, "why": why}
        )
    return "\n".join(lines)


def _text(mail: ParsedMail) -> str:
    body = mail.body[:MAX_TEXT]
    notes = _notes(mail.skipped)
    text = f"{body}\n\n{notes}".strip() if notes else body
    return text or _("(empty message)")


def _files(items: list[MailAttachment]) -> list[ContentFile[bytes]]:
    return [ContentFile(item.content, name=item.filename) for item in items]


def _mail_data(mail: ParsedMail) -> dict[str, Any]:
    return {
        "from": mail.from_address,
        "subject": mail.subject[:300],
        "message_id": mail.message_id,
        "quote_removed": mail.quote_removed,
        "skipped": [s.filename for s in mail.skipped],
    }


def _ignore(mail: ParsedMail, ticket: Ticket | None, reason: str) -> IngestResult:
    """Automatic mail is recorded (on the ticket it answers, else in the audit log) and
    never answered, so two robots cannot mail each other forever."""
    if ticket is not None:
        event = add_event(
            ticket=ticket,
            kind=EventKind.NOTE,
            actor=None,
            body=_("Automatic mail received (%(reason)s): %(subject)s")
            % {"reason": reason, "subject": mail.subject[:200]},
            data={"mail": {**_mail_data(mail), "automatic": True}},
            message_id=mail.message_id,
        )
        return IngestResult("ignored", ticket, event, reason=reason)
    record_audit(
        actor=None,
        action="mail.ignored",
        object_type="mail",
        object_id=mail.message_id[:64],
        # no sender or subject: the audit log cannot be erased (the mail is not kept)
        object_repr=f"mail {mail.message_id}"[:200],
        changes={"reason": reason, "message_id": mail.message_id},
    )
    return IngestResult("ignored", None, reason=reason)


def _customer(mail: ParsedMail, follows: Ticket | None) -> Customer | None:
    if follows is not None and follows.customer is not None:
        return follows.customer
    if not mail.from_address:
        return None
    return Customer.objects.filter(email__iexact=mail.from_address).order_by("pk").first()


def _open_ticket(
    mail: ParsedMail, files: list[MailAttachment], now: datetime, *, follows: Ticket | None
) -> IngestResult:
    """A new ticket; `follows` is the closed ticket the mail answers (both get a pointer)."""
    from kefu.tickets.services.attachments import add_attachment
    from kefu.tickets.services.intake import create_ticket

    title = SUBJECT_TAG.sub("", mail.subject).strip()[:200] or _("(no subject)")
    customer = _customer(mail, follows)
    description = _text(mail)
    if follows is not None:
        lead = _("Follow-up to the closed ticket %(number)s.") % {"number": follows.number}
        description = f"{lead}\n\n{description}"
    ticket = create_ticket(
        actor=None,
        unit=follows.unit if follows else customer.unit if customer else _default_unit(),
        type=TicketType.ENQUIRY,
        channel=Channel.EMAIL,
        title=title,
        description=description,
        customer=customer,
        contact_name=mail.from_name or mail.from_address.split("@")[0],
        contact_email=mail.from_address[:254],
        message_id=mail.message_id,
        now=now,
    )
    event = ticket.events.filter(kind=EventKind.CREATED).first()
    for upload in _files(files):
        add_attachment(actor=None, ticket=ticket, event=event, upload=upload)
    if follows is None:
        return IngestResult("created", ticket, event)
    add_event(
        ticket=follows,
        kind=EventKind.NOTE,
        actor=None,
        body=_("The customer wrote again after closing; new ticket %(number)s opened.")
        % {"number": ticket.number},
        data={"follow_up": ticket.number},
    )
    return IngestResult("created", ticket, event, reason=f"follow-up to {follows.number}")


def ingest_mail(raw_bytes: bytes, *, now: datetime | None = None) -> IngestResult:
    """Parse and file one received mail. A redelivery of the same Message-ID changes
    nothing. Raises MailParseError for input that is not a mail."""
    now = now or timezone.now()
    mail = parse_message(raw_bytes)
    with transaction.atomic():
        _lock_message_id(mail.message_id)
        duplicate = _duplicate(mail.message_id)
        if duplicate is not None:
            return duplicate
        if mail.from_address.lower() == mail_from_address():
            return _ignore(mail, None, "own address")
        ticket = find_thread(mail)
        if mail.is_automatic:
            return _ignore(mail, ticket, mail.auto_reason)
        files = _usable(mail)
        if ticket is None or ticket.status == Status.CLOSED:
            result = _open_ticket(mail, files, now, follows=ticket)
        else:
            from kefu.tickets.services.work import add_customer_message

            event = add_customer_message(
                ticket=ticket,
                body=_text(mail),
                message_id=mail.message_id,
                files=_files(files),
                now=now,
            )
            result = IngestResult("added", ticket, event)
    logger.info(
        "mail %s from %s: %s %s", mail.message_id, mail.from_address, result.outcome, result.number
    )
    return result
