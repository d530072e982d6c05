"""`kefu mail-in`: file received mail as tickets.

kefu mail-in < message.eml            # one RFC 5322 message on stdin (an MTA pipe)
kefu mail-in --smtp 127.0.0.1:2525    # an SMTP listener until SIGTERM / Ctrl-C

Exit codes for the pipe: 0 filed, 65 (EX_DATAERR) not a mail, 75 (EX_TEMPFAIL) a temporary
failure the MTA should retry.

Postfix, pipe:      /etc/aliases   kefu: "|/srv/kefu/.venv/bin/kefu mail-in"
Postfix, listener:  transport_maps  kefu.example.com  smtp:[127.0.0.1]:2525
The listener answers 250 with the ticket number, 554 for unreadable mail and 451 (retry
later) on other errors; a redelivered Message-ID files nothing twice.
"""

from __future__ import annotations

import signal
import socket
import sys
import threading
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kefu.core.choices import Via
from kefu.core.context import Origin, origin
from kefu.tickets.mail.ingest import ingest_mail
from kefu.tickets.mail.parse import MailParseError

EX_DATAERR = 65
EX_TEMPFAIL = 75


def _host_port(value: str) -> tuple[str, int]:
    host, sep, port = value.rpartition(":")
    if not sep or not port.isdigit() or not 0 < int(port) < 65536:
        raise CommandError(f"--smtp wants HOST:PORT, e.g. 127.0.0.1:2525 (got {value!r}).")
    return host.strip("[]") or "127.0.0.1", int(port)


def _check_free(host: str, port: int) -> None:
    """Fail at once (aiosmtpd would wait for its ready timeout) when the port is taken."""
    try:
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        with socket.socket(family, socket.SOCK_STREAM) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            probe.bind((host, port))
    except OSError as exc:
        raise CommandError(f"Cannot listen on {host}:{port}: {exc}") from exc


class Command(BaseCommand):
    help = "File received mail as tickets: one message on stdin, or an SMTP listener."
    stealth_options = ("stdin",)

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--smtp", metavar="HOST:PORT", default=None, help="Listen for SMTP on HOST:PORT."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["smtp"]:
            self._listen(*_host_port(options["smtp"]))
            return
        stream = options.get("stdin") or sys.stdin.buffer
        raw = stream.read()
        if isinstance(raw, str):
            raw = raw.encode("utf-8", "surrogateescape")
        try:
            with origin(Origin(via=Via.COMMAND)):
                result = ingest_mail(raw)
        except MailParseError as exc:
            raise CommandError(f"Not a mail message: {exc}", returncode=EX_DATAERR) from exc
        except Exception as exc:
            raise CommandError(
                f"The mail could not be filed, try again later: {exc}", returncode=EX_TEMPFAIL
            ) from exc
        self.stdout.write(result.number or f"({result.outcome}: {result.reason})")

    def _listen(self, host: str, port: int) -> None:
        from kefu.tickets.mail.smtp import make_controller

        stop = threading.Event()

        def _stop(signum: int, frame: Any) -> None:
            stop.set()

        signal.signal(signal.SIGTERM, _stop)
        signal.signal(signal.SIGINT, _stop)
        _check_free(host, port)
        controller = make_controller(host, port)
        try:
            controller.start()
        except (OSError, RuntimeError) as exc:
            raise CommandError(f"Cannot listen on {host}:{port}: {exc}") from exc
        self.stdout.write(f"mail-in: listening for SMTP on {host}:{port}")
        self.stdout.flush()
        try:
            while not stop.wait(1.0):
                pass
        finally:
            controller.stop()
            self.stdout.write("mail-in: stopped")
