"""Template helpers of the UI shell: dates (absolute + relative), icons, sortable table
headers, readable audit changes, role and kind labels."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django import template
from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.http import QueryDict
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from kefu.core.choices import DepartmentKind, Role, UnitKind
from kefu.core.templatetags.kefu_icons import ICONS
from kefu.core.templatetags.kefu_labels import ACTION_LABELS

register = template.Library()


# --- dates ----------------------------------------------------------------------------------


def _as_local(value: datetime) -> datetime:
    return timezone.localtime(value) if timezone.is_aware(value) else value


@register.filter
def when(value: datetime | date | None) -> str:
    """2026-11-22 14:05 (local time); a date alone as 2026-11-22."""
    if value is None or value == "":
        return ""
    if isinstance(value, datetime):
        return _as_local(value).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.strftime("%Y-%m-%d")
    return str(value)


@register.filter
def ago(value: datetime | None, now: datetime | None = None) -> str:
    """A relative time: 刚刚 / 3 分钟前 / 2 小时前 / 5 天前, or 3 分钟后 for the future."""
    if not isinstance(value, datetime):
        return ""
    seconds = int(((now or timezone.now()) - value).total_seconds())
    future, seconds = seconds < 0, abs(seconds)
    if seconds < 45:
        return _("in a moment") if future else _("just now")
    if seconds < 3600:
        n, unit = max(1, seconds // 60), "minute"
    elif seconds < 86400:
        n, unit = seconds // 3600, "hour"
    elif seconds <= 30 * 86400:
        n, unit = seconds // 86400, "day"
    else:
        return when(value)[:10]
    return (_in if future else _before)(n, unit)


def _before(n: int, unit: str) -> str:
    if unit == "day":
        return ngettext("%(n)d day ago", "%(n)d days ago", n) % {"n": n}
    if unit == "hour":
        return ngettext("%(n)d hour ago", "%(n)d hours ago", n) % {"n": n}
    return ngettext("%(n)d minute ago", "%(n)d minutes ago", n) % {"n": n}


def _in(n: int, unit: str) -> str:
    if unit == "day":
        return ngettext("in %(n)d day", "in %(n)d days", n) % {"n": n}
    if unit == "hour":
        return ngettext("in %(n)d hour", "in %(n)d hours", n) % {"n": n}
    return ngettext("in %(n)d minute", "in %(n)d minutes", n) % {"n": n}


@register.simple_tag
def stamp(value: datetime | None, relative: bool = True, stacked: bool = False) -> SafeString:
    """<time> with the absolute time, the relative one beside it (below it when `stacked`)
    and the full time on hover."""
    if not isinstance(value, datetime):
        return mark_safe('<span class="muted">—</span>')
    local = _as_local(value)
    if not relative:
        return format_html(
            '<time datetime="{}" title="{}">{}</time>',
            value.isoformat(),
            local.strftime("%Y-%m-%d %H:%M:%S"),
            when(value),
        )
    return format_html(
        '<time class="stamp{}" datetime="{}" title="{}">{} '
        '<span class="muted rel">{}</span></time>',
        " stamp-stacked" if stacked else "",
        value.isoformat(),
        local.strftime("%Y-%m-%d %H:%M:%S"),
        when(value),
        ago(value),
    )


# --- icons ----------------------------------------------------------------------------------


@register.simple_tag
def icon(name: str, size: int = 18, label: str = "") -> SafeString:
    """An inline stroke icon; decorative unless a label is given."""
    body = ICONS.get(name, ICONS["dot"])
    a11y = format_html('role="img" aria-label="{}"', label) if label else 'aria-hidden="true"'
    return format_html(
        '<svg class="icon" width="{}" height="{}" viewBox="0 0 24 24" fill="none" '
        'stroke="currentColor" stroke-width="1.8" stroke-linecap="round" '
        'stroke-linejoin="round" focusable="false" {}>{}</svg>',
        size,
        size,
        mark_safe(a11y),
        mark_safe(body),
    )


# --- sortable table headers -----------------------------------------------------------------


@register.simple_tag(takes_context=True)
def sort_th(context: Any, key: str, label: str, css: str = "") -> SafeString:
    """A <th> whose link toggles ?sort=key / ?sort=-key, keeping the other filters."""
    request = context.get("request")
    params: QueryDict = request.GET.copy() if request is not None else QueryDict(mutable=True)
    current = params.get("sort", context.get("default_sort", ""))
    if current == key:
        new, state, arrow = f"-{key}", "ascending", "arrow-up"
    elif current == f"-{key}":
        new, state, arrow = key, "descending", "arrow-down"
    else:
        new, state, arrow = key, "none", ""
    params["sort"] = new
    params.pop("page", None)
    params.pop("after", None)
    return format_html(
        '<th scope="col" class="{}" aria-sort="{}"><a class="sort" href="?{}">{}{}</a></th>',
        css,
        state,
        params.urlencode(),
        label,
        icon(arrow, 14) if arrow else "",
    )


# --- labels -----------------------------------------------------------------------------------


@register.filter
def role_label(value: str) -> str:
    return str(Role(value).label) if value in Role.values else value


@register.filter
def unit_kind_label(value: str) -> str:
    return str(UnitKind(value).label) if value in UnitKind.values else value


@register.filter
def department_kind_label(value: str) -> str:
    return str(DepartmentKind(value).label) if value in DepartmentKind.values else value


@register.filter
def object_type_label(value: str) -> str:
    """core.orgunit → the model's verbose name (组织单元)."""
    try:
        return str(apps.get_model(value)._meta.verbose_name)
    except (LookupError, ValueError):
        return value


@register.filter
def action_label(value: str) -> str:
    label = ACTION_LABELS.get(value)
    return str(label) if label is not None else value


def _field_label(object_type: str, key: str) -> str:
    try:
        model = apps.get_model(object_type)
        field = model._meta.get_field(key)
    except (LookupError, ValueError, FieldDoesNotExist):
        return key
    # a reverse relation ("phones", "contacts") has no verbose_name of its own
    verbose = getattr(field, "verbose_name", None)
    if verbose is None:
        related = getattr(field, "related_model", None)
        return str(related._meta.verbose_name_plural) if related is not None else key
    return str(verbose)


def _show(key: str, value: Any) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if key == "role":
        return role_label(str(value))
    if key == "kind":
        return (
            unit_kind_label(str(value))
            if value in UnitKind.values
            else (department_kind_label(str(value)))
        )
    if isinstance(value, list):
        return "、".join(_show(key, v) for v in value) or "—"
    return str(value)


@register.filter
def audit_changes(event: Any) -> list[dict[str, str]]:
    """[{"field", "old", "new"}] from an AuditEvent's changes ({"f": [old, new]} or {"f": v})."""
    changes = getattr(event, "changes", None) or {}
    if not isinstance(changes, dict):
        return [{"field": "", "old": "", "new": str(changes)}]
    rows = []
    for key, value in changes.items():
        label = _field_label(getattr(event, "object_type", ""), key)
        if isinstance(value, list) and len(value) == 2 and key not in {"departments", "fields"}:
            rows.append({"field": label, "old": _show(key, value[0]), "new": _show(key, value[1])})
        else:
            rows.append({"field": label, "old": "", "new": _show(key, value)})
    return rows


@register.filter
def indent(depth: int) -> str:
    """Ideographic spaces to indent a tree level inside an <option>."""
    try:
        return "\u3000" * max(0, min(int(depth), 20))
    except (TypeError, ValueError):
        return ""


@register.filter
def initials(user: Any) -> str:
    """One or two characters for an avatar: the surname for Chinese names."""
    label = str(getattr(user, "label", "") or user)
    if not label:
        return "?"
    if ord(label[0]) > 0x2E80:
        return label[0]
    return label[:2].upper()
