"""The access matrix: every URL pattern and every API operation, filled with real objects of
the own and the other unit, called as every role, and judged.

Endpoints are enumerated from `get_resolver()` and the OpenAPI schema, so a new endpoint
joins the matrix without an edit here; a new path parameter fails loudly until it is mapped
in PARAM_KEYS."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.urls import URLPattern, URLResolver, get_resolver

from kefu.core.permissions import Perm

API_PREFIX = "/api/v1"

# Pages anyone may open (the public help desk, survey links, login, health, API docs).
PUBLIC_PAGES = re.compile(
    r"^/(healthz|readyz|metrics|login|logout|account/language|i18n/setlang|help/|surveys/s/|api/v1/(docs|openapi\.json)?$)"
)


@dataclass(frozen=True)
class Endpoint:
    kind: str  # "page" or "api"
    method: str
    template: str  # "/tickets/{ticket_id}/"
    params: tuple[str, ...]
    public: bool

    @property
    def label(self) -> str:
        return f"{self.method} {self.template}"

    @property
    def writes(self) -> bool:
        return self.method != "GET"


def _route(pattern: Any) -> str:
    text = str(pattern)
    text = text.removeprefix("^").removesuffix("$").replace("/?", "/")
    return re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", text)


def _walk(patterns: list[Any], prefix: str = "") -> Iterator[tuple[str, str | None]]:
    for p in patterns:
        if isinstance(p, URLResolver):
            yield from _walk(p.url_patterns, prefix + _route(p.pattern))
        elif isinstance(p, URLPattern):
            yield prefix + _route(p.pattern), p.name


def page_endpoints() -> list[Endpoint]:
    """Every Django URL pattern outside the ninja API (whose operations come from OpenAPI),
    as GET and as POST (a form or htmx action; GET-only views answer 405)."""
    out: list[Endpoint] = []
    seen: set[str] = set()
    for route, name in _walk(get_resolver().url_patterns):
        path = "/" + route
        if path.startswith(API_PREFIX + "/") and name not in {
            "openapi-json",
            "openapi-view",
            "api-root",
        }:
            continue
        if path in seen:
            continue
        seen.add(path)
        params = tuple(re.findall(r"{(\w+)}", path))
        public = bool(PUBLIC_PAGES.match(path))
        for method in ("GET", "POST"):
            out.append(Endpoint("page", method, path, params, public))
    return out


def api_endpoints() -> list[Endpoint]:
    """Every operation of the OpenAPI schema; those without `security` are public."""
    from kefu.api import api

    schema = api.get_openapi_schema()
    out: list[Endpoint] = []
    for path, ops in schema["paths"].items():
        for method, op in ops.items():
            params = tuple(re.findall(r"{(\w+)}", path))
            public = not op.get("security")
            out.append(Endpoint("api", method.upper(), path, params, public))
    return out


# Path parameter → the key of the row in Side.ids, by URL prefix where a name is ambiguous
# (`pk`, `action`, `key`). Keys in GLOBAL_KEYS are configuration rows that belong to no unit
# (the same value for both sides); keys in USER_KEYS belong to one user (the other side's
# worker), so even the "own" cell must be refused.
PARAM_KEYS: list[tuple[str, str, str]] = [
    # (path prefix, parameter, key)
    ("/members/birthdays/", "pk", "greeting"),
    ("/members/tiers/", "pk", "tier"),
    ("/members/", "pk", "member"),
    ("/members/", "action", "member_action"),
    ("/revisits/tasks/", "pk", "task"),
    ("/revisits/plans/", "pk", "plan"),
    ("/revisits/scripts/", "pk", "script"),
    ("/surveys/s/", "token", "survey_token"),
    ("/surveys/", "pk", "survey"),
    ("/notifications/outbox/", "pk", "message"),
    ("/notifications/outbox/", "action", "outbox_action"),
    ("/knowledge/", "pk", "article"),
    ("/help/kb/", "pk", "article"),
    ("/api/v1/users/", "unit_id", "region"),
    ("/api/v1/tickets/{ticket_id}/complaint", "ticket_id", "complaint"),
    ("/api/v1/tickets/{ticket_id}/transitions", "ticket_id", "complaint"),
    ("/tickets/{ticket_id}/complaint/", "ticket_id", "complaint"),
    ("", "ticket_id", "ticket"),
    ("", "attachment_id", "attachment"),
    ("", "customer_id", "customer"),
    ("", "phone_id", "phone"),
    ("", "contact_id", "contact"),
    ("", "address_id", "address"),
    ("", "pair_id", "pair"),
    ("", "member_id", "member"),
    ("", "tier_id", "tier"),
    ("", "plan_id", "plan"),
    ("", "task_id", "task"),
    ("", "script_id", "script"),
    ("", "survey_id", "survey"),
    ("", "token", "survey_token"),
    ("", "message_id", "message"),
    ("", "key", "template_key"),
    ("", "channel", "channel"),
    ("", "article_id", "article"),
    ("", "policy_id", "policy"),
    ("", "rule_id", "rule"),
    ("", "view_id", "view"),
    ("", "unit_id", "unit"),
    ("", "user_id", "user"),
    ("", "assignment_id", "assignment"),
    ("", "role", "role"),
    ("", "department_id", "department"),
    ("", "calendar_id", "calendar"),
    ("", "day_id", "day"),
    ("", "job_id", "job"),
    ("", "importer_key", "importer_key"),
    ("", "token_id", "token"),
]
GLOBAL_KEYS = frozenset(
    {
        "tier",
        "script",
        "template_key",
        "channel",
        "policy",
        "rule",
        "calendar",
        "day",
        "importer_key",
        "member_action",
        "outbox_action",
        "role",
    }
)
USER_KEYS = frozenset({"view", "token"})
CONSTANTS = {
    "template_key": "member.birthday",
    "channel": "sms",
    "importer_key": "customers",
    "member_action": "submit",
    "outbox_action": "retry",
    "role": "supervisor",
}


def key_for(template: str, param: str) -> str:
    for prefix, name, key in PARAM_KEYS:
        if name == param and template.startswith(prefix):
            return key
    raise LookupError(f"map the path parameter {param!r} of {template} in PARAM_KEYS")


def fill(template: str, ids: dict[str, Any]) -> str:
    def one(m: re.Match[str]) -> str:
        key = key_for(template, m.group(1))
        return str(CONSTANTS.get(key, ids.get(key)))

    return re.sub(r"{(\w+)}", one, template)


def scoped(ep: Endpoint) -> bool:
    """Has a parameter naming a row of one unit (so the "other" cell means something)."""
    return any(key_for(ep.template, p) not in GLOBAL_KEYS for p in ep.params)


def user_owned(ep: Endpoint) -> bool:
    return any(key_for(ep.template, p) in USER_KEYS for p in ep.params)


# What a role needs to read a list page or list endpoint (GET, no parameters). Checked in
# both directions: with the permission in its unit → 200, without → 403.
READ_PERMS: dict[str, Perm] = {
    "/tickets/": Perm.VIEW_TICKETS,
    "/api/v1/tickets": Perm.VIEW_TICKETS,
    "/customers/": Perm.VIEW_CUSTOMERS,
    "/api/v1/customers": Perm.VIEW_CUSTOMERS,
    "/settings/audit/": Perm.VIEW_AUDIT,
    "/api/v1/audit": Perm.VIEW_AUDIT,
    "/settings/users/": Perm.VIEW_USERS,
    "/api/v1/users": Perm.VIEW_USERS,
    "/settings/units/": Perm.VIEW_ORG,
    "/tickets/{ticket_id}/": Perm.VIEW_TICKETS,
    "/api/v1/tickets/{ticket_id}": Perm.VIEW_TICKETS,
    "/customers/{customer_id}/": Perm.VIEW_CUSTOMERS,
    "/api/v1/customers/{customer_id}": Perm.VIEW_CUSTOMERS,
    "/settings/users/{user_id}/": Perm.VIEW_USERS,
    "/api/v1/users/{user_id}": Perm.VIEW_USERS,
    "/api/v1/units": Perm.VIEW_ORG,
}
