"""Plug-in sections of the customer 360° page (客户 360°).

Other apps add a section without editing the page, usually in their AppConfig.ready():

    from kefu.customers.sections import register_customer_section
    register_customer_section(
        "tickets", _("Tickets"), order=20, render=tickets_section, perm=Perm.VIEW_TICKETS
    )

`render(request, customer)` returns an HTML string or a (template, context) pair; the
section is shown only to actors holding `perm` at the customer's unit (None: everyone who
can open the page). A section that raises is replaced by a short notice, so one broken
plug-in never takes the page down.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.template.loader import render_to_string
from django.utils.functional import Promise
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from kefu.core.permissions import Perm
from kefu.core.selectors.scope import has_perm

if TYPE_CHECKING:
    from django.http import HttpRequest

    from kefu.customers.models import Customer

log = logging.getLogger(__name__)
SectionResult = str | tuple[str, dict[str, Any]] | None
SectionRender = Callable[["HttpRequest", "Customer"], SectionResult]


@dataclass(frozen=True)
class CustomerSection:
    key: str
    title: str | Promise
    order: int
    render: SectionRender
    perm: Perm | None = None


@dataclass(frozen=True)
class RenderedSection:
    key: str
    title: str
    html: SafeString


_SECTIONS: dict[str, CustomerSection] = {}


def register_customer_section(
    key: str,
    title: str | Promise,
    order: int = 100,
    *,
    render: SectionRender,
    perm: Perm | None = None,
) -> None:
    """Add (or replace, by key) a section of the 360° page."""
    _SECTIONS[key] = CustomerSection(key, title, order, render, perm)


def unregister_customer_section(key: str) -> None:
    _SECTIONS.pop(key, None)


def registered_sections() -> list[CustomerSection]:
    return sorted(_SECTIONS.values(), key=lambda s: (s.order, s.key))


def render_sections(request: HttpRequest, customer: Customer) -> list[RenderedSection]:
    out: list[RenderedSection] = []
    for section in registered_sections():
        if section.perm is not None and not has_perm(request.user, section.perm, customer.unit):
            continue
        try:
            result = section.render(request, customer)
        except Exception:  # a plug-in's bug must not take the customer page down
            log.exception("customer section %s failed", section.key)
            html = format_html('<p class="muted">{}</p>', _("This section could not be shown."))
        else:
            if result is None:
                continue
            if isinstance(result, tuple):
                template, context = result
                html = mark_safe(render_to_string(template, context, request=request))  # noqa: S308
            else:
                html = mark_safe(result)  # noqa: S308 — the plug-in returns rendered HTML
        out.append(RenderedSection(section.key, str(section.title), html))
    return out
