"""Plain text out of mail bodies: HTML stripped to text, quoted earlier messages removed."""

from __future__ import annotations

import re
from html.parser import HTMLParser

_BLOCK = {
    "p",
    "div",
    "br",
    "li",
    "tr",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "table",
    "ul",
    "ol",
    "blockquote",
    "pre",
    "hr",
    "section",
    "article",
    "header",
    "footer",
}
_SKIP = {"script", "style", "head", "title", "template"}


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip = 0
        self.quote = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        classes = " ".join(v or "" for k, v in attrs if k in {"class", "id"})
        if tag in _SKIP:
            self.skip += 1
        elif tag == "blockquote" or (self.quote and tag == "div") or _is_quote_block(classes):
            self.quote += 1
        if tag in _BLOCK:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP and self.skip:
            self.skip -= 1
        elif (tag in {"blockquote", "div"}) and self.quote:
            self.quote -= 1
        if tag in _BLOCK:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.skip and not self.quote:
            self.parts.append(data)


def _is_quote_block(classes: str) -> bool:
    return any(
        m in classes
        for m in (
            "gmail_quote",
            "moz-cite-prefix",
            "divRplyFwdMsg",
            "yahoo_quoted",
            "ntes-mailmaster-quote",
        )
    )


def html_to_text(html: str) -> str:
    """Visible text of an HTML mail; quoted earlier messages (<blockquote>, gmail_quote …)
    are left out."""
    parser = _TextExtractor()
    try:
        parser.feed(html)
        parser.close()
    except (AssertionError, ValueError):  # pragma: no cover - html.parser is lenient
        pass
    text = "".join(parts for parts in parser.parts).replace("\xa0", " ")
    lines = [re.sub(r"[ \t\r\f\v]+", " ", line).strip() for line in text.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


# Lines that start the quoted earlier message in common (Chinese and English) clients.
_QUOTE_HEADERS = [
    re.compile(
        r"^-{2,}\s*(原始邮件|原始郵件|Original Message|Original|回复的原邮件)\s*-{2,}\s*$", re.I
    ),
    re.compile(r"^-{2,}\s*(Forwarded message|转发邮件|转发的邮件)\s*-{2,}\s*$", re.I),
    re.compile(r"^On .{4,200}wrote:\s*$", re.I),
    re.compile(r"^在\s?.{4,200}写道[:：]\s*$"),
    re.compile(r"^于\s?.{4,200}写道[:：]\s*$"),
    re.compile(r"^.{1,200}于\s?\d{4}年.{1,60}写道[:：]\s*$"),
]
_OUTLOOK_FROM = re.compile(r"^\s*\*?(发件人|From)\s*[:：]", re.I)
_OUTLOOK_NEXT = re.compile(r"^\s*\*?(发送时间|日期|Sent|Date|收件人|To)\s*[:：]", re.I)


def strip_quoted(text: str) -> tuple[str, bool]:
    """(new text, whether something was removed). Cuts at the first obvious quote header
    (QQ/Foxmail "原始邮件", Outlook "发件人:/发送时间:", Gmail "On … wrote:", Apple
    "在 … 写道：") and drops trailing ">"-quoted lines. Nothing is removed if nothing would
    be left."""
    lines = text.split("\n")
    cut = len(lines)
    for i, line in enumerate(lines):
        stripped = line.strip()
        if any(p.match(stripped) for p in _QUOTE_HEADERS):
            cut = i
            break
        if _OUTLOOK_FROM.match(stripped) and i + 1 < len(lines):
            nxt = lines[i + 1].strip()
            if _OUTLOOK_NEXT.match(nxt):
                cut = i
                break
    kept = lines[:cut]
    while kept and (kept[-1].lstrip().startswith(">") or not kept[-1].strip()):
        kept.pop()
    new = "\n".join(kept).strip()
    if not new:
        return text.strip(), False
    return new, new != text.strip()
