"""Mail fixtures built in code (no binary files): raw RFC 5322 bytes in Chinese charsets."""

from __future__ import annotations

import base64
import quopri

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def b_word(text: str, charset: str) -> str:
    """An RFC 2047 B-encoded word."""
    return f"=?{charset}?B?{base64.b64encode(text.encode(charset)).decode()}?="


def raw_mail(
    *,
    subject: str = "Subject: test",
    body: bytes = b"hello",
    content_type: str = "text/plain; charset=utf-8",
    encoding: str = "8bit",
    sender: str = "Zhang San <zhang@example.com>",
    message_id: str = "<m1@example.com>",
    extra: str = "",
) -> bytes:
    head = (
        f"From: {sender}\r\nTo: kefu@localhost\r\n{subject}\r\n"
        f"Message-ID: {message_id}\r\nDate: Sun, 22 Nov 2026 10:00:00 +0800\r\n"
        f"MIME-Version: 1.0\r\nContent-Type: {content_type}\r\n"
        f"Content-Transfer-Encoding: {encoding}\r\n{extra}"
    )
    return head.encode("ascii", "surrogateescape") + b"\r\n" + body


def qp(text: str, charset: str) -> bytes:
    return quopri.encodestring(text.encode(charset))


def b64(data: bytes) -> bytes:
    return base64.encodebytes(data)


def multipart(parts: list[bytes], **kwargs: str) -> bytes:
    boundary = "==kefu-boundary=="
    body = b""
    for part in parts:
        body += f"--{boundary}\r\n".encode() + part + b"\r\n"
    body += f"--{boundary}--\r\n".encode()
    return raw_mail(
        content_type=f'multipart/mixed; boundary="{boundary}"',
        encoding="7bit",
        body=body,
        **kwargs,
    )


def part(headers: str, body: bytes) -> bytes:
    return headers.replace("\n", "\r\n").encode("ascii", "surrogateescape") + b"\r\n\r\n" + body
