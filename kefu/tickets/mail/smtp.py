"""`kefu mail-in --smtp HOST:PORT`: an SMTP listener (aiosmtpd) that files every message it
accepts. The ORM runs in a worker thread per message, never in the event loop."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session
from django.conf import settings
from django.db import close_old_connections, connections

from kefu.core.choices import Via
from kefu.core.context import Origin, origin
from kefu.tickets.mail.ingest import IngestResult, ingest_mail
from kefu.tickets.mail.parse import MailParseError

logger = logging.getLogger("kefu.mail")
# aiosmtpd logs every SMTP command at INFO; keep its warnings only.
logging.getLogger("mail.log").setLevel(logging.WARNING)


def max_message_bytes() -> int:
    default = int(getattr(settings, "KEFU_MAX_UPLOAD_BYTES", 20 * 1024 * 1024)) * 2
    return int(getattr(settings, "KEFU_MAIL_MAX_BYTES", default))


def _ingest_in_thread(raw: bytes) -> IngestResult:
    close_old_connections()
    try:
        with origin(Origin(via=Via.SYSTEM)):
            return ingest_mail(raw)
    finally:
        # Worker threads come and go with the pool; never leave a connection behind.
        connections.close_all()


class IngestHandler:
    """aiosmtpd handler: 250 with the ticket number, 554 for unreadable mail, 451 (try
    again later) when filing failed for another reason."""

    async def handle_RCPT(  # noqa: N802 - aiosmtpd hook name
        self, server: SMTP, session: Session, envelope: Envelope, address: str, rcpt_options: Any
    ) -> str:
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(  # noqa: N802 - aiosmtpd hook name
        self, server: SMTP, session: Session, envelope: Envelope
    ) -> str:
        raw = envelope.original_content or envelope.content or b""
        if isinstance(raw, str):
            raw = raw.encode("utf-8", "surrogateescape")
        try:
            result = await asyncio.to_thread(_ingest_in_thread, raw)
        except MailParseError as exc:
            logger.warning("mail from %s refused: %s", envelope.mail_from, exc)
            return f"554 5.6.0 {exc}"
        except Exception:
            logger.exception("mail from %s could not be filed", envelope.mail_from)
            return "451 4.3.0 Temporary failure, please try again later"
        if result.number:
            return f"250 2.0.0 OK {result.outcome} {result.number}"
        return f"250 2.0.0 OK {result.outcome}"


def make_controller(host: str, port: int) -> Controller:
    """A started-on-demand listener (call .start() / .stop())."""
    return Controller(
        IngestHandler(),
        hostname=host,
        port=port,
        data_size_limit=max_message_bytes(),
        enable_SMTPUTF8=True,
        server_hostname=host,
        ready_timeout=10.0,
    )
