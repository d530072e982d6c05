"""Article text → safe HTML. The body is plain text with a few markdown-ish marks:

    # 标题 / ## 小标题       headings
    - 项目 / * 项目          bullet list;  1. 项目  numbered list
    **重点**                bold
    blank line              new paragraph
    https://…               link (rel="nofollow noopener")

Everything is HTML-escaped first, so raw HTML in a body shows as text, never as markup.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

_BOLD = re.compile(r"\*\*(.+?)\*\*")
_URL = re.compile(r"(https?://[^\s<>&\"']+)")
_BULLET = re.compile(r"^\s*[-*•]\s+(.*)$")
_NUMBERED = re.compile(r"^\s*\d{1,3}[.、)]\s*(.*)$")
_HEADING = re.compile(r"^(#{1,3})\s+(.*)$")


def _inline(text: str) -> str:
    out = str(escape(text))
    out = _BOLD.sub(r"<strong>\1</strong>", out)
    return _URL.sub(r'<a href="\1" rel="nofollow noopener" target="_blank">\1</a>', out)


def render_body(body: str) -> SafeString:
    html: list[str] = []
    paragraph: list[str] = []
    list_tag = ""

    def close_paragraph() -> None:
        if paragraph:
            html.append("<p>" + "<br>".join(paragraph) + "</p>")
            paragraph.clear()

    def close_list() -> None:
        nonlocal list_tag
        if list_tag:
            html.append(f"</{list_tag}>")
            list_tag = ""

    for raw in (body or "").replace("\r\n", "\n").split("\n"):
        line = raw.rstrip()
        heading, bullet, numbered = _HEADING.match(line), _BULLET.match(line), _NUMBERED.match(line)
        if not line.strip():
            close_paragraph()
            close_list()
        elif heading:
            close_paragraph()
            close_list()
            level = len(heading.group(1)) + 1
            html.append(f"<h{level}>{_inline(heading.group(2))}</h{level}>")
        elif bullet or numbered:
            close_paragraph()
            tag = "ul" if bullet else "ol"
            if list_tag != tag:
                close_list()
                html.append(f"<{tag}>")
                list_tag = tag
            item = bullet.group(1) if bullet else numbered.group(1)  # type: ignore[union-attr]
            html.append(f"<li>{_inline(item)}</li>")
        else:
            close_list()
            paragraph.append(_inline(line.strip()))
    close_paragraph()
    close_list()
    return mark_safe("\n".join(html))  # noqa: S308 - every piece escaped in _inline


@dataclass(frozen=True)
class DiffLine:
    kind: str  # "add", "del" or "same"
    text: str


def diff_lines(old: str, new: str) -> list[DiffLine]:
    """A line diff of two texts (the template escapes the text)."""
    out: list[DiffLine] = []
    for line in difflib.ndiff(old.splitlines(), new.splitlines()):
        code, text = line[:2], line[2:]
        if code == "+ ":
            out.append(DiffLine("add", text))
        elif code == "- ":
            out.append(DiffLine("del", text))
        elif code == "  ":
            out.append(DiffLine("same", text))
    return out
