"""Attachments: size cap, type decided by content (not by name), content-addressed storage."""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.utils.translation import gettext as _

from kefu.core.errors import NotFound, PermissionDenied
from kefu.core.models import User
from kefu.core.permissions import Perm
from kefu.core.selectors.scope import has_perm, scope_for
from kefu.tickets.errors import AttachmentRefused
from kefu.tickets.models import Attachment, Ticket, TicketEvent

_ZIP_KINDS = {
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
}
_OLE_KINDS = {
    ".doc": "application/msword",
    ".xls": "application/vnd.ms-excel",
    ".ppt": "application/vnd.ms-powerpoint",
}
_REFUSED_MAGIC = (
    b"MZ",  # Windows executables
    b"\x7fELF",
    b"\xca\xfe\xba\xbe",  # Mach-O fat / Java class
    b"\xcf\xfa\xed\xfe",
    b"\xce\xfa\xed\xfe",
    b"#!",  # scripts
    b"<?php",
)
_MARKUP = (b"<html", b"<!doctype", b"<svg", b"<script", b"<?xml", b"<body", b"<iframe", b"<head")
_UNSAFE_CHARS = re.compile(r"[\x00-\x1f\x7f/\\:*?\"<>|]+")


def sniff(head: bytes, filename: str) -> str:
    """The content type of an allowed file, judged from its first bytes; refuse the rest."""
    ext = os.path.splitext(filename)[1].lower()
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith((b"GIF87a", b"GIF89a")):
        return "image/gif"
    if head.startswith(b"RIFF") and head[8:12] == b"WEBP":
        return "image/webp"
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        return _ZIP_KINDS.get(ext, "application/zip")
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return _OLE_KINDS.get(ext, "application/msword")
    if head.startswith(_REFUSED_MAGIC):
        raise AttachmentRefused(_("Programs and scripts cannot be attached."))
    if _is_plain_text(head):
        return "text/plain"
    raise AttachmentRefused(
        _("Only images, PDF, office documents, text and zip files can be attached.")
    )


# The only types `sniff` ever returns; a download of anything else goes out as a byte stream.
SERVED_TYPES = frozenset(
    {"image/png", "image/jpeg", "image/gif", "image/webp", "application/pdf", "text/plain"}
    | {"application/zip", *_ZIP_KINDS.values(), *_OLE_KINDS.values()}
)


def served_content_type(content_type: str) -> str:
    """The Content-Type to serve a stored attachment with: its sniffed type when that is one
    `sniff` allows, else application/octet-stream (never text/html or image/svg+xml)."""
    return content_type if content_type in SERVED_TYPES else "application/octet-stream"


def _is_plain_text(head: bytes) -> bool:
    if b"\x00" in head:
        return False
    lowered = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if any(marker in lowered for marker in _MARKUP):
        raise AttachmentRefused(_("Web pages and SVG images cannot be attached."))
    sample = head[:4096]
    for encoding in ("utf-8", "gb18030"):
        try:
            sample.decode(encoding)
            return True
        except UnicodeDecodeError:
            # the sample may end inside a multi-byte character
            try:
                sample[:-3].decode(encoding)
                return True
            except UnicodeDecodeError:
                continue
    return False


def safe_filename(name: str) -> str:
    """The last path part, without control or shell-special characters; never empty."""
    base = re.split(r"[/\\]", name or "")[-1]
    base = unicodedata.normalize("NFC", base)
    # Format characters (RTL/LTR overrides, zero-width joiners) can disguise an extension.
    base = "".join(ch for ch in base if unicodedata.category(ch) != "Cf")
    base = _UNSAFE_CHARS.sub("_", base).strip(" ._")
    if len(base) > 150:
        stem, ext = os.path.splitext(base)
        base = stem[: 150 - len(ext[:20])] + ext[:20]
    return base or "attachment"


def _spool(upload: Any, limit: int) -> tuple[Any, str, int, bytes]:
    """Copy the upload to a temporary file, hashing it; refuse when over the cap."""
    digest = hashlib.sha256()
    size = 0
    head = b""
    tmp = tempfile.TemporaryFile()  # noqa: SIM115 - closed by the caller
    chunks = upload.chunks() if hasattr(upload, "chunks") else iter(lambda: upload.read(65536), b"")
    for chunk in chunks:
        if isinstance(chunk, str):
            chunk = chunk.encode()
        size += len(chunk)
        if size > limit:
            tmp.close()
            raise AttachmentRefused(
                _("The file is larger than %(mb)s MB.") % {"mb": round(limit / 1048576, 1)},
                details={"size": size, "limit": limit},
            )
        if len(head) < 8192:
            head += chunk[: 8192 - len(head)]
        digest.update(chunk)
        tmp.write(chunk)
    tmp.seek(0)
    return tmp, digest.hexdigest(), size, head


@dataclass
class PreparedUpload:
    """An upload that passed the checks, spooled to a temporary file, not yet stored."""

    tmp: Any
    filename: str
    content_type: str
    size: int
    sha256: str

    def discard(self) -> None:
        self.tmp.close()


def prepare_upload(upload: Any) -> PreparedUpload:
    """Check one upload (size cap, type by content); nothing is stored yet."""
    filename = safe_filename(str(getattr(upload, "name", "") or ""))
    limit = int(settings.KEFU_MAX_UPLOAD_BYTES)
    tmp, sha256, size, head = _spool(upload, limit)
    try:
        if size == 0:
            raise AttachmentRefused(_("The file is empty."))
        content_type = sniff(head, filename)
    except Exception:
        tmp.close()
        raise
    return PreparedUpload(tmp, filename, content_type, size, sha256)


def prepare_uploads(uploads: Iterable[Any]) -> list[PreparedUpload]:
    """Check every upload before any is stored, so one refused file stores nothing."""
    prepared: list[PreparedUpload] = []
    try:
        for upload in uploads:
            prepared.append(prepare_upload(upload))
    except Exception:
        for item in prepared:
            item.discard()
        raise
    return prepared


def _check_target(actor: User | None, ticket: Ticket, event: TicketEvent | None) -> None:
    if actor is not None:
        if not scope_for(actor).sees_path(ticket.unit.path):
            raise NotFound()
        if not has_perm(actor, Perm.WORK_TICKETS, ticket.unit):
            raise PermissionDenied()
    if event is not None and event.ticket_id != ticket.pk:
        raise AttachmentRefused(_("The event belongs to another ticket."))


def store_prepared(
    *, actor: User | None, ticket: Ticket, event: TicketEvent | None, prepared: PreparedUpload
) -> Attachment:
    """Store a checked upload (content-addressed) and its row; closes the temporary file."""
    _check_target(actor, ticket, event)
    try:
        name = f"attachments/{prepared.sha256[:2]}/{prepared.sha256}"
        if not default_storage.exists(name):
            name = default_storage.save(name, File(prepared.tmp, name=prepared.sha256))
    finally:
        prepared.discard()
    attachment = Attachment(
        ticket=ticket,
        event=event,
        filename=prepared.filename,
        content_type=prepared.content_type,
        size=prepared.size,
        sha256=prepared.sha256,
    )
    attachment.file.name = name
    attachment.save()
    return attachment


def add_attachment(
    *, actor: User | None, ticket: Ticket, event: TicketEvent | None, upload: Any
) -> Attachment:
    """Store `upload` (an UploadedFile, ContentFile or any file with a name) on `ticket`.
    Call inside the service's transaction; actor None is the customer (mail, web form)."""
    _check_target(actor, ticket, event)
    prepared = prepare_upload(upload)
    return store_prepared(actor=actor, ticket=ticket, event=event, prepared=prepared)
