"""Loopback SMTP helpers for the mail tests: free ports and a sink that keeps messages."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class SinkHandler:
    def __init__(self, rcpt_reply: str = "") -> None:
        self.messages: list[tuple[str, list[str], bytes]] = []
        self.rcpt_reply = rcpt_reply  # e.g. "550 5.1.1 no such user" to refuse recipients

    async def handle_RCPT(  # noqa: N802
        self, server: Any, session: Any, envelope: Any, address: str, options: Any
    ) -> str:
        if self.rcpt_reply:
            return self.rcpt_reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        self.messages.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.content))
        return "250 2.0.0 queued"


@contextmanager
def sink_server(port: int | None = None, rcpt_reply: str = "") -> Iterator[tuple[SinkHandler, int]]:
    """An SMTP server on 127.0.0.1 that records every message it receives."""
    port = port or free_port()
    handler = SinkHandler(rcpt_reply)
    controller = Controller(handler, hostname="127.0.0.1", port=port, ready_timeout=10.0)
    controller.start()
    try:
        yield handler, port
    finally:
        controller.stop()
