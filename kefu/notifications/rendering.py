"""Rendering templates in a sandbox: a private template engine with only the built-in tags
and filters that cannot reach files, other templates or the context's internals, and a
context reduced to plain data (strings, numbers, dates, lists, dicts)."""

from __future__ import annotations

import datetime
import decimal
from collections.abc import Mapping
from functools import cache
from typing import Any

from django.template import (
    Context,
    Engine,
    Library,
    TemplateSyntaxError,
    defaultfilters,
    defaulttags,
)

_BLOCKED_TAGS = frozenset({"debug", "load", "include", "extends", "block", "ssi", "csrf_token"})
_BLOCKED_FILTERS = frozenset({"pprint"})
MAX_OUTPUT = 20_000
_MAX_DEPTH = 4


@cache
def _engine() -> Engine:
    engine = Engine(autoescape=False, libraries={}, loaders=[], debug=False)
    library = Library()
    library.tags = {k: v for k, v in defaulttags.register.tags.items() if k not in _BLOCKED_TAGS}
    library.filters = {
        k: v for k, v in defaultfilters.register.filters.items() if k not in _BLOCKED_FILTERS
    }
    engine.template_builtins = [library]
    engine.template_libraries = {}
    return engine


def plain(value: Any, depth: int = 0) -> Any:
    """The context value as plain data: model instances and other objects become strings,
    so a template cannot call their methods."""
    if value is None or isinstance(value, (str, int, float, bool, decimal.Decimal)):
        return value
    if isinstance(value, (datetime.date, datetime.time)):
        return value
    if depth >= _MAX_DEPTH:
        return str(value)
    if isinstance(value, Mapping):
        return {str(k): plain(v, depth + 1) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [plain(v, depth + 1) for v in value]
    return str(value)


def check_syntax(source: str) -> None:
    """Raise TemplateSyntaxError when `source` does not compile in the sandbox."""
    _engine().from_string(source)


def render(source: str, context: Mapping[str, Any]) -> str:
    """Render `source`; raises TemplateSyntaxError (or the error a filter raised)."""
    template = _engine().from_string(source)
    text = template.render(Context(plain(dict(context)), autoescape=False))
    return text.strip()[:MAX_OUTPUT]


__all__ = ["MAX_OUTPUT", "TemplateSyntaxError", "check_syntax", "plain", "render"]
