"""Working-hours validation for business calendars ({"1": [["09:00","12:00"], ...]})."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _

from kefu.core import calendar_engine as engine
from kefu.core.errors import ValidationFailed


def _fmt(seconds: int) -> str:
    return f"{seconds // 3600:02d}:{seconds % 3600 // 60:02d}"


def _clean_day(spans: Any) -> tuple[list[list[str]], str | None]:
    if not isinstance(spans, (list, tuple)):
        return [], _('Give a list of periods like [["09:00", "12:00"]].')
    parsed: list[tuple[int, int]] = []
    for span in spans:
        if not isinstance(span, (list, tuple)) or len(span) != 2:
            return [], _('Each period needs a start and an end, like ["09:00", "12:00"].')
        start, end = (str(v) for v in span)
        try:
            lo, hi = engine.parse_hhmm(start), engine.parse_hhmm(end, allow_24=True)
        except ValueError:
            return [], _("“%(start)s–%(end)s” is not a period; use HH:MM, e.g. 09:00–12:00.") % {
                "start": start,
                "end": end,
            }
        if lo >= hi:
            return [], _("%(start)s–%(end)s ends before it starts.") % {"start": start, "end": end}
        parsed.append((lo, hi))
    parsed.sort()
    for (a_lo, a_hi), (b_lo, b_hi) in zip(parsed, parsed[1:], strict=False):
        if b_lo < a_hi:
            return [], _("%(a)s overlaps %(b)s.") % {
                "a": f"{_fmt(a_lo)}–{_fmt(a_hi)}",
                "b": f"{_fmt(b_lo)}–{_fmt(b_hi)}",
            }
    return [[_fmt(lo), _fmt(hi)] for lo, hi in parsed], None


def clean_weekday_hours(raw: Any) -> dict[str, list[list[str]]]:
    """Check and normalise {"1": [["09:00","12:00"], ...], ..., "7": []} (1 = Monday)."""
    if not isinstance(raw, Mapping):
        raise ValidationFailed(
            details={"weekday_hours": _("Give hours per weekday, 1 (Monday) to 7 (Sunday).")}
        )
    errors: dict[str, str] = {}
    for key in raw:
        if str(key) not in {str(i) for i in range(1, 8)}:
            errors[str(key)] = _("Unknown weekday; use 1 (Monday) to 7 (Sunday).")
    out: dict[str, list[list[str]]] = {}
    for iso in (str(i) for i in range(1, 8)):
        spans = raw.get(iso, raw.get(int(iso), [])) or []
        out[iso], problem = _clean_day(spans)
        if problem:
            errors[iso] = problem
    if not errors and not any(out.values()):
        errors["weekday_hours"] = _("Enter working hours for at least one weekday.")
    if errors:
        raise ValidationFailed(_("The working hours are not valid."), details=errors)
    return out
