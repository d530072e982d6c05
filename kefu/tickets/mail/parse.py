"""RFC 5322 bytes → ParsedMail: addresses, subject, threading ids, text body, attachments."""

from __future__ import annotations

import hashlib
import mimetypes
import re
from dataclasses import dataclass, field
from datetime import datetime
from email import message_from_bytes, policy
from email.errors import MessageError
from email.message import EmailMessage, Message
from email.utils import getaddresses, parseaddr, parsedate_to_datetime

from django.conf import settings

from kefu.tickets.mail.charsets import decode_bytes, decode_header_value, decode_rfc2231, fix_8bit
from kefu.tickets.mail.text import html_to_text, strip_quoted

_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")  # NUL and lone surrogates: not storable text
_MSGID = re.compile(r"<[^<>\s]{1,250}>")
_BAD_NAME = re.compile(r'[\x00-\x1f\x7f/\\:*?"<>|]+')
MAX_BODY_CHARS = 100_000
MAX_ATTACHMENTS = 30
_AUTO_PRECEDENCE = {"bulk", "junk", "list", "auto_reply"}
_AUTO_SENDERS = ("mailer-daemon@", "postmaster@", "no-reply@", "noreply@")


class MailParseError(ValueError):
    """The input is not a mail we can read (no headers, no sender address …)."""


@dataclass(frozen=True)
class MailAttachment:
    filename: str
    content_type: str
    content: bytes

    @property
    def size(self) -> int:
        return len(self.content)


@dataclass(frozen=True)
class SkippedAttachment:
    filename: str
    size: int
    reason: str  # "too_large" | "too_many"


@dataclass
class ParsedMail:
    from_name: str
    from_address: str
    to: list[str]
    subject: str
    message_id: str
    in_reply_to: list[str]
    references: list[str]
    body: str
    full_body: str = ""
    quote_removed: bool = False
    date: datetime | None = None
    auto_reason: str = ""
    attachments: list[MailAttachment] = field(default_factory=list)
    skipped: list[SkippedAttachment] = field(default_factory=list)

    @property
    def is_automatic(self) -> bool:
        return bool(self.auto_reason)

    @property
    def thread_ids(self) -> list[str]:
        """Ids this mail answers, the direct parent first."""
        seen: list[str] = []
        for mid in [*self.in_reply_to, *reversed(self.references)]:
            if mid not in seen:
                seen.append(mid)
        return seen


def clean_text(value: str) -> str:
    """Text a database accepts (PostgreSQL refuses NUL; UTF-8 refuses lone surrogates)."""
    return _UNSTORABLE.sub("\ufffd", value)


def _raw(msg: Message, name: str) -> str | None:
    name = name.lower()
    for key, value in msg.raw_items():
        if key.lower() == name:
            return str(value)
    return None


def _ids(raw: str | None) -> list[str]:
    return _MSGID.findall(fix_8bit(raw or ""))


def _message_id(msg: Message, raw_bytes: bytes) -> str:
    found = _ids(_raw(msg, "message-id"))
    if found:
        return found[0]
    bare = (_raw(msg, "message-id") or "").strip()
    if bare and " " not in bare and len(bare) < 250:
        return f"<{bare}>"
    # No usable id: the content itself identifies a redelivery of the same mail.
    return f"<{hashlib.sha256(raw_bytes).hexdigest()[:40]}@mail-in.kefu.invalid>"


def _addresses(raw: str | None) -> list[tuple[str, str]]:
    value = fix_8bit(raw or "")
    pairs = getaddresses([value]) if value else []
    return [(decode_header_value(n), a.strip()) for n, a in pairs if "@" in a]


def _sender(msg: Message) -> tuple[str, str]:
    for header in ("from", "sender", "reply-to"):
        raw = _raw(msg, header)
        if raw:
            name, addr = parseaddr(fix_8bit(raw))
            if "@" in addr:
                return decode_header_value(name).strip('"').strip(), addr.strip()
    raise MailParseError("The message has no sender address (From).")


def _auto_reason(msg: Message, address: str) -> str:
    auto = (_raw(msg, "auto-submitted") or "").strip().lower()
    if auto and not auto.startswith("no"):
        return f"auto-submitted: {auto[:40]}"
    precedence = (_raw(msg, "precedence") or "").strip().lower()
    if precedence in _AUTO_PRECEDENCE:
        return f"precedence: {precedence}"
    for header in ("x-autoreply", "x-autorespond", "x-auto-response-suppress"):
        value = (_raw(msg, header) or "").strip().lower()
        if value and (header != "x-auto-response-suppress" or value == "all"):
            return header
    if msg.get_content_type() == "multipart/report":
        return "delivery report"
    if address.lower().startswith(_AUTO_SENDERS):
        return f"sender: {address.lower()}"
    return ""


def _part_text(part: Message) -> str:
    payload = part.get_payload(decode=True)
    if not isinstance(payload, bytes):
        return ""
    return decode_bytes(payload, part.get_content_charset())


def _filename(part: Message, index: int) -> str:
    name = ""
    for header, param in (("content-disposition", "filename"), ("content-type", "name")):
        raw = _raw(part, header)
        if not raw:
            continue
        compat = Message()
        compat[header] = fix_8bit(re.sub(r"\r?\n(?=[ \t])", "", raw))
        value = compat.get_param(param, header=header)
        if value:
            name = decode_rfc2231(value)
            break
    name = clean_text(name).replace("\\", "/").rsplit("/", 1)[-1]
    name = _BAD_NAME.sub("_", name).strip(" ._")
    if not name:
        ext = mimetypes.guess_extension(part.get_content_type()) or ".bin"
        name = f"attachment-{index}{ext}"
    if len(name) > 150:
        stem, dot, ext = name.rpartition(".")
        name = (stem[: 140 - len(ext)] + dot + ext) if dot and len(ext) < 10 else name[:150]
    return name


# The standard library's structured header parser can itself crash (IndexError) on
# malformed Content-Disposition parameters; such headers are read from their raw text.
_HEADER_CRASHES = (IndexError, ValueError, TypeError, AttributeError, MessageError)


def _disposition(part: Message) -> str:
    try:
        return (part.get_content_disposition() or "").lower()
    except _HEADER_CRASHES:
        return (_raw(part, "content-disposition") or "").split(";", 1)[0].strip().lower()


def _has_filename(part: Message, index: int) -> bool:
    try:
        return bool(part.get_filename(None))
    except _HEADER_CRASHES:
        return not _filename(part, index).startswith("attachment-")


def _is_attachment(part: Message, index: int = 0) -> bool:
    if _disposition(part) == "attachment":
        return True
    if part.get_content_maintype() in {"text", "multipart"} and not _has_filename(part, index):
        return False
    return part.get_content_maintype() != "multipart"


def _walk(msg: Message, mail: ParsedMail) -> tuple[list[str], list[str]]:
    plain: list[str] = []
    html: list[str] = []
    limit = int(getattr(settings, "KEFU_MAX_UPLOAD_BYTES", 20 * 1024 * 1024))
    for index, part in enumerate(msg.walk()):
        if part.is_multipart():
            continue
        if part.get_content_type() == "message/rfc822" or not _is_attachment(part, index):
            if part.get_content_type() == "text/plain":
                plain.append(_part_text(part))
            elif part.get_content_type() == "text/html":
                html.append(_part_text(part))
            continue
        payload = part.get_payload(decode=True)
        content = payload if isinstance(payload, bytes) else b""
        name = _filename(part, index)
        if len(content) > limit:
            mail.skipped.append(SkippedAttachment(name, len(content), "too_large"))
        elif len(mail.attachments) >= MAX_ATTACHMENTS:
            mail.skipped.append(SkippedAttachment(name, len(content), "too_many"))
        else:
            mail.attachments.append(MailAttachment(name, part.get_content_type(), content))
    return plain, html


def _date(msg: Message) -> datetime | None:
    raw = _raw(msg, "date")
    if not raw:
        return None
    try:
        value = parsedate_to_datetime(fix_8bit(raw).strip())
    except (TypeError, ValueError, IndexError):
        return None
    return value if value.tzinfo is not None else None


def parse_message(raw_bytes: bytes) -> ParsedMail:
    """Read one RFC 5322 message. Raises MailParseError when it is not a mail at all."""
    if not raw_bytes or not raw_bytes.strip():
        raise MailParseError("The message is empty.")
    msg = message_from_bytes(raw_bytes, _class=EmailMessage, policy=policy.default)
    if not list(msg.raw_items()):
        raise MailParseError("The message has no headers.")
    from_name, from_address = _sender(msg)
    mail = ParsedMail(
        from_name=from_name,
        from_address=from_address,
        to=[a for _n, a in _addresses(_raw(msg, "to"))],
        subject=decode_header_value(_raw(msg, "subject")),
        message_id=_message_id(msg, raw_bytes),
        in_reply_to=_ids(_raw(msg, "in-reply-to")),
        references=_ids(_raw(msg, "references")),
        body="",
        date=_date(msg),
        auto_reason=_auto_reason(msg, from_address),
    )
    plain, html = _walk(msg, mail)
    if any(p.strip() for p in plain):
        text = "\n\n".join(p.strip() for p in plain if p.strip())
    else:
        text = "\n\n".join(html_to_text(h) for h in html if h.strip())
    text = text.replace("\r\n", "\n").replace("\r", "\n")[:MAX_BODY_CHARS]
    mail.full_body = clean_text(text.strip())
    mail.body, mail.quote_removed = strip_quoted(mail.full_body)
    mail.subject = clean_text(mail.subject)
    mail.from_name = clean_text(mail.from_name)
    mail.from_address = clean_text(mail.from_address)
    mail.to = [clean_text(a) for a in mail.to]
    return mail
