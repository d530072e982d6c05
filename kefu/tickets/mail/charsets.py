"""Decoding what Chinese mail clients send: GB2312/GBK labels (decoded as GB18030, their
superset), RFC 2047 encoded words, RFC 2231 parameters and unlabelled 8-bit bytes."""

from __future__ import annotations

import codecs
import re
from email.errors import HeaderParseError
from email.header import decode_header

# Labels seen in the wild that name a subset of GB18030.
_GB_ALIASES = {
    "gb2312",
    "gbk",
    "x-gbk",
    "cp936",
    "ms936",
    "windows-936",
    "euc-cn",
    "x-euc-cn",
    "gb_2312-80",
    "chinese",
    "csgb2312",
    "hz-gb-2312",
    "gb18030",
}
_FALLBACKS = ("utf-8", "gb18030")
_FOLD = re.compile(r"\r?\n(?=[ \t])")
_SURROGATES = re.compile("[\udc80-\udcff]")


def codec_for(label: str | None) -> str | None:
    """The Python codec to use for a MIME charset label, or None when unknown / absent."""
    if not label:
        return None
    name = label.strip().strip('"').lower()
    if name in _GB_ALIASES or name.startswith("gb2312") or name.startswith("gbk"):
        return "gb18030"
    if name in {"us-ascii", "ascii", "ansi_x3.4-1968"}:
        return "ascii"
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def decode_bytes(data: bytes, label: str | None = None) -> str:
    """Decode with the labelled charset; if it is missing, unknown or wrong, try UTF-8 then
    GB18030; as a last resort keep what can be read and mark the rest with U+FFFD."""
    tried: list[str] = []
    for name in (codec_for(label), *_FALLBACKS):
        if name is None or name in tried:
            continue
        tried.append(name)
        try:
            return data.decode(name)
        except (UnicodeDecodeError, LookupError):
            continue
    return data.decode(codec_for(label) or "utf-8", errors="replace")


def fix_8bit(value: str) -> str:
    """A header the parser read as ASCII with surrogate escapes (raw 8-bit bytes) → text."""
    if not _SURROGATES.search(value):
        return value
    return decode_bytes(value.encode("ascii", "surrogateescape"))


def decode_header_value(raw: str | None) -> str:
    """A raw header value → text: unfold, repair raw 8-bit bytes, decode RFC 2047 words."""
    if not raw:
        return ""
    value = fix_8bit(_FOLD.sub("", str(raw)))
    if "=?" not in value:
        return value.strip()
    try:
        parts = decode_header(value)
    except (HeaderParseError, ValueError, AssertionError):
        return value.strip()
    out: list[str] = []
    for chunk, charset in parts:
        if isinstance(chunk, bytes):
            out.append(decode_bytes(chunk, charset))
        else:
            out.append(chunk)
    return "".join(out).strip()


def decode_rfc2231(value: str | tuple[str | None, str | None, str]) -> str:
    """A parameter from `email.message.Message.get_param` (compat32) → text."""
    if isinstance(value, tuple):
        charset, _language, text = value
        return decode_bytes(text.encode("latin-1", "surrogateescape"), charset)
    return decode_header_value(value)
