"""Chinese full-text search helpers (pure functions, no database).

`segment(text)` turns text into index tokens: jieba's search-mode words, every two-character
n-gram of each run of CJK characters (so 破损 or 退货 is found even when jieba cuts the text
differently), and lower-cased ASCII words. `query_terms(q)` turns a search box into the tokens
that must all be present. jieba is loaded once, lazily, with its logging quieted; its
dictionary ships with the package, so nothing is downloaded.
"""

from __future__ import annotations

import logging
import re
import threading
import warnings
from collections.abc import Iterable
from typing import Any

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

CJK_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
ASCII_WORD = re.compile(r"[a-z0-9][a-z0-9_.+#-]*[a-z0-9+#]|[a-z0-9]")
_MARKS = re.compile(r"^\s*(?:#{1,3}|[-*•]|\d{1,3}[.、)])\s+", re.M)
MAX_QUERY_TERMS = 12
MAX_INDEX_CHARS = 120_000
MAX_QUERY_CHARS = 100

_lock = threading.Lock()
_jieba: Any = None


def _tokenizer() -> Any:
    """The jieba module, initialised on first use (a second or so, once per process)."""
    global _jieba
    if _jieba is None:
        with _lock:
            if _jieba is None:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    import jieba

                jieba.setLogLevel(logging.WARNING)
                logging.getLogger("jieba").setLevel(logging.WARNING)
                jieba.initialize()
                _jieba = jieba
    return _jieba


def _is_cjk(token: str) -> bool:
    return bool(CJK_RUN.fullmatch(token))


def bigrams(run: str) -> list[str]:
    return [run[i : i + 2] for i in range(len(run) - 1)]


def _dedupe(tokens: Iterable[str]) -> list[str]:
    seen: set[str] = set()
    out: list[str] = []
    for token in tokens:
        if token and token not in seen:
            seen.add(token)
            out.append(token)
    return out


def segment(text: str) -> list[str]:
    """Index tokens of `text`, each once, in order of first appearance."""
    if not text:
        return []
    lowered = text.lower()
    words = [
        w.strip()
        for w in _tokenizer().lcut_for_search(lowered)
        if len(w.strip()) >= 2 and _is_cjk(w.strip())
    ]
    grams = [g for run in CJK_RUN.findall(lowered) for g in bigrams(run)]
    singles = [run for run in CJK_RUN.findall(lowered) if len(run) == 1]
    ascii_words = ASCII_WORD.findall(lowered)
    return _dedupe([*words, *grams, *singles, *ascii_words])


def search_text_for(*parts: str) -> str:
    """The stored `search_text`: tokens space-joined, with a space at each end; capped at
    MAX_INDEX_CHARS (PostgreSQL's tsvector must stay under 1 MB; the tail of a huge article
    is then not searchable, its title and opening are)."""
    tokens = _dedupe(t for part in parts for t in segment(part))
    text = " ".join(tokens)
    if len(text) > MAX_INDEX_CHARS:
        text = text[:MAX_INDEX_CHARS].rsplit(" ", 1)[0]
    return f" {text} " if text else ""


def query_terms(q: str) -> list[str]:
    """Tokens that an article must all contain to match the query `q`.

    A CJK word of two characters is a term as is; a longer word becomes its bigrams (so
    "破损处理" matches wherever that phrase occurs, however jieba cut the article); a lone
    CJK character is kept as is (indexed as a single only when it stands alone)."""
    q = (q or "")[:MAX_QUERY_CHARS].lower()
    terms: list[str] = []
    for run in CJK_RUN.findall(q):
        terms.extend(bigrams(run) if len(run) >= 2 else [run])
    terms.extend(ASCII_WORD.findall(q))
    return _dedupe(terms)[:MAX_QUERY_TERMS]


def display_terms(q: str) -> list[str]:
    """What to highlight for `q`: its CJK runs and ASCII words, longest first."""
    q = (q or "")[:MAX_QUERY_CHARS].lower()
    words = _dedupe([*CJK_RUN.findall(q), *ASCII_WORD.findall(q)])
    return sorted(words, key=len, reverse=True)


def keywords(text: str, limit: int = 8) -> list[str]:
    """The most telling words of a longer text (a ticket): CJK words of 2+ characters and
    ASCII words, most frequent first, stop words dropped."""
    counts: dict[str, int] = {}
    for word in _tokenizer().lcut((text or "").lower()[:4000]):
        word = word.strip()
        if word in STOP_WORDS or len(word) < 2:
            continue
        if _is_cjk(word) or ASCII_WORD.fullmatch(word):
            counts[word] = counts.get(word, 0) + 1
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], -len(kv[0])))
    return [w for w, _n in ranked[:limit]]


def highlight(text: str, terms: Iterable[str]) -> SafeString:
    """`text` HTML-escaped, with each term wrapped in <mark>."""
    escaped = str(escape(text))
    wanted = [t for t in _dedupe(terms) if t]
    if not wanted:
        return mark_safe(escaped)  # noqa: S308 - escaped above
    pattern = re.compile("|".join(re.escape(str(escape(t))) for t in wanted), re.IGNORECASE)
    return mark_safe(pattern.sub(lambda m: f"<mark>{m.group(0)}</mark>", escaped))  # noqa: S308


def snippet(body: str, terms: Iterable[str], width: int = 80) -> str:
    """A piece of `body` around the first term found (plain text)."""
    plain = _MARKS.sub("", body.replace("**", ""))
    flat = " ".join(plain.split())
    lowered = flat.lower()
    hits = [i for t in terms if t and (i := lowered.find(t.lower())) >= 0]
    start = max(min(hits) - width // 4, 0) if hits else 0
    piece = flat[start : start + width]
    return ("…" if start else "") + piece + ("…" if start + width < len(flat) else "")


_STOP_WORDS = (
    "我们 你们 他们 您好 你好 谢谢 请问 一下 什么 怎么 怎么办 为什么 可以 没有 已经 现在 这个 "
    "那个 一个 还是 但是 因为 所以 如果 然后 就是 不是 还有 需要 希望 客户 问题 "
    "the and for with you your this that are was"
)
STOP_WORDS = frozenset(_STOP_WORDS.split())
