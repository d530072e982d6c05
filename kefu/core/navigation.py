"""Plug-in points of the UI shell: navigation entries, notification counts, global search.

Apps register here (usually in their ``AppConfig.ready()``) instead of editing templates:

    from kefu.core import navigation
    navigation.register(navigation.NavItem(
        key="tickets", label=_("Tickets"), url_name="tickets:list", section="work",
        icon="ticket", perm=Perm.VIEW_TICKETS, order=20))

An entry is shown only when its URL resolves and the actor holds its permission somewhere
in their scope, so a module that is not installed yet never leaves a dead link.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from kefu.core.permissions import Perm

if TYPE_CHECKING:
    from django.http import HttpRequest

WORK = "work"
SETTINGS = "settings"
SECTION_LABELS: dict[str, str | Promise] = {WORK: _("Work"), SETTINGS: _("Settings")}

# The top bar's "new ticket" button and the `n` shortcut use this URL once it resolves.
NEW_TICKET_URL_NAME = "tickets:create"


@dataclass(frozen=True)
class NavItem:
    key: str
    label: str | Promise
    url_name: str
    section: str = WORK
    icon: str = "dot"
    perm: Perm | None = None
    order: int = 100
    # Extra path prefixes that mark this entry active (besides its own URL).
    match: tuple[str, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class NavLink:
    key: str
    label: str | Promise
    url: str
    icon: str
    active: bool


@dataclass(frozen=True)
class NavSection:
    key: str
    label: str | Promise
    links: list[NavLink]


_ITEMS: dict[str, NavItem] = {}
NotificationProvider = Callable[["HttpRequest"], int]
_NOTIFICATION_PROVIDERS: list[NotificationProvider] = []


def register(item: NavItem) -> None:
    """Add (or replace, by key) a navigation entry."""
    _ITEMS[item.key] = item


def registered() -> list[NavItem]:
    return sorted(_ITEMS.values(), key=lambda i: (i.section != WORK, i.order, i.key))


def url_or_none(url_name: str, *args: Any) -> str | None:
    try:
        return reverse(url_name, args=args or None)
    except NoReverseMatch:
        return None


def _is_active(path: str, url: str, item: NavItem) -> bool:
    if url == "/":
        return path == "/"
    return path.startswith(url) or any(path.startswith(m) for m in item.match)


def _match_length(path: str, url: str, item: NavItem) -> int:
    """How specifically this entry matches the path (0: not at all)."""
    if not _is_active(path, url, item):
        return 0
    prefixes = [url, *[m for m in item.match if path.startswith(m)]]
    return max(len(p) for p in prefixes if path.startswith(p) or p == url)


def sections_for(path: str, perms: frozenset[str]) -> list[NavSection]:
    """The sections and links an actor with `perms` sees; only the most specific entry that
    matches the current page is marked active."""
    visible: list[tuple[NavItem, str]] = []
    for item in registered():
        if item.perm is not None and str(item.perm) not in perms:
            continue
        url = url_or_none(item.url_name)
        if url is not None:
            visible.append((item, url))
    scores = [_match_length(path, url, item) for item, url in visible]
    best = max(scores, default=0)
    out: dict[str, list[NavLink]] = {}
    for (item, url), score in zip(visible, scores, strict=True):
        link = NavLink(item.key, item.label, url, item.icon, best > 0 and score == best)
        out.setdefault(item.section, []).append(link)
    return [
        NavSection(key, SECTION_LABELS.get(key, key), links)
        for key in sorted(out, key=lambda k: (k != WORK, k != SETTINGS, k))
        for links in [out[key]]
    ]


@dataclass(frozen=True)
class HomePanel:
    """A section of the workbench (home) page: a template and a function giving its context
    (None: nothing to show for this actor)."""

    key: str
    template: str
    context: Callable[[HttpRequest], dict[str, Any] | None]
    order: int = 100


_HOME_PANELS: dict[str, HomePanel] = {}


def register_home_panel(panel: HomePanel) -> None:
    _HOME_PANELS[panel.key] = panel


def home_panels(request: HttpRequest) -> list[tuple[HomePanel, dict[str, Any]]]:
    out = []
    for panel in sorted(_HOME_PANELS.values(), key=lambda p: (p.order, p.key)):
        data = panel.context(request)
        if data is not None:
            out.append((panel, data))
    return out


def register_notification_provider(provider: NotificationProvider) -> None:
    """A callable returning how many alerts the request's user should see in the bell."""
    if provider not in _NOTIFICATION_PROVIDERS:
        _NOTIFICATION_PROVIDERS.append(provider)


def notification_count(request: HttpRequest) -> int:
    return sum(provider(request) for provider in _NOTIFICATION_PROVIDERS)


def _register_core() -> None:
    core: list[NavItem] = [
        NavItem("home", _("Workbench"), "core:home", WORK, "home", None, 0),
        NavItem("org", _("Organisation"), "core:unit_list", SETTINGS, "org", Perm.VIEW_ORG, 10),
        NavItem(
            "departments",
            _("Departments"),
            "core:department_list",
            SETTINGS,
            "departments",
            Perm.VIEW_ORG,
            20,
        ),
        NavItem("users", _("Users"), "core:user_list", SETTINGS, "users", Perm.VIEW_USERS, 30),
        NavItem(
            "calendars",
            _("Business calendar"),
            "core:calendar_list",
            SETTINGS,
            "calendar",
            Perm.VIEW_ORG,
            40,
        ),
        NavItem("audit", _("Audit log"), "core:audit_list", SETTINGS, "audit", Perm.VIEW_AUDIT, 50),
        NavItem("tokens", _("API tokens"), "core:token_list", SETTINGS, "key", None, 60),
    ]
    for item in core:
        register(item)


_register_core()
