"""Every page and API operation × every role (and a system administrator, and no login) ×
own unit / other unit: allowed, 403 or 404 as designed, never a 5xx, and no byte of the other
unit's data (names, phones masked or not, ticket and member numbers) in any 2xx answer.

Users are placed at 华东区域 (the store clerk at 上海一店); the "other" rows live in 广州一店
under 华南区域. Writes run in a savepoint that is rolled back, so every cell sees the same data.
Run with `-s` to see the number of cells checked."""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import pytest
from django.core.cache import cache
from django.db import transaction
from django.test import Client

from kefu.core.choices import Role
from kefu.core.models import BusinessCalendar, CalendarDay, Department, User
from kefu.core.permissions import Perm, permissions_for_role
from kefu.core.selectors.scope import has_perm
from kefu.core.services.tokens import create_token
from kefu.core.tests.access_matrix import (
    READ_PERMS,
    Endpoint,
    api_endpoints,
    fill,
    page_endpoints,
    scoped,
    user_owned,
)
from kefu.core.tests.access_world import OTHER_MARK, OWN_MARK, Side, build_side
from kefu.members.tests.factories import make_tiers
from kefu.sla.models import SlaPolicy
from kefu.tickets.models import RoutingRule

pytestmark = pytest.mark.django_db

CELLS = {"count": 0}
# GET own-unit statuses by endpoint and role, for the cross-role check in the last test
STATUSES: dict[str, dict[str, int]] = {}
ROLES = [*Role.values, "admin", "anonymous"]


class _Rollback(Exception):
    pass


@dataclass
class World:
    own: Side
    other: Side
    admin: User
    org: Any
    global_ids: dict[str, Any] = field(default_factory=dict)


@pytest.fixture
def world(org: Any, admin_user: User, make_user: Any, settings: Any, tmp_path: Any) -> World:
    settings.MEDIA_ROOT = tmp_path  # attachments and import files stay out of var/
    tiers = make_tiers()
    south_dept = Department.objects.create(unit=org.south, code="D-CS-S", name="华南客服部")
    own = build_side(
        name="own",
        mark=OWN_MARK,
        phone_base="1381112",
        store=org.shanghai,
        region=org.east,
        admin=admin_user,
        make_user=make_user,
        n=1,
    )
    other = build_side(
        name="other",
        mark=OTHER_MARK,
        phone_base="1395550",
        store=org.guangzhou,
        region=org.south,
        admin=admin_user,
        make_user=make_user,
        n=2,
    )
    calendar = BusinessCalendar.objects.create(name="矩阵日历")
    day = CalendarDay.objects.create(calendar=calendar, date="2026-10-01", kind="holiday")
    policy = SlaPolicy.objects.create(name="矩阵策略")
    rule = RoutingRule.objects.create(name="矩阵规则")
    shared = {
        "tier": tiers[0].pk,
        "policy": policy.pk,
        "rule": rule.pk,
        "calendar": calendar.pk,
        "day": day.pk,
    }
    own.ids.update(shared, department=org.cs_east.pk)
    other.ids.update(shared, department=south_dept.pk)
    return World(own=own, other=other, admin=admin_user, org=org)


def _actor(role: str, world: World, make_user: Any) -> User | None:
    if role == "anonymous":
        return None
    if role == "admin":
        return world.admin
    unit = world.org.shanghai if role == Role.STORE_CLERK else world.org.east
    return make_user(role, unit, username=f"matrix-{role}")


def _client(ep: Endpoint, actor: User | None, clients: dict[str, Client]) -> Client:
    return clients["api" if ep.kind == "api" else "page"]


def _body(resp: Any) -> str:
    raw = b"".join(resp.streaming_content) if resp.streaming else resp.content
    if raw[:2] == b"PK":  # an xlsx export: read the cells, the zip hides them
        try:
            from openpyxl import load_workbook

            wb = load_workbook(io.BytesIO(raw), read_only=True)
            return "\n".join(
                str(v)
                for ws in wb.worksheets
                for row in ws.iter_rows(values_only=True)
                for v in row
                if v is not None
            )
        except Exception:
            return raw.decode("utf-8", "ignore")
    return raw.decode("utf-8", "ignore")


def _call(ep: Endpoint, url: str, client: Client, headers: dict[str, str]) -> Any:
    if ep.kind == "api":
        if ep.method == "GET":
            return client.get(url, headers=headers)
        return client.generic(
            ep.method, url, data="{}", content_type="application/json", headers=headers
        )
    if ep.method == "GET":
        return client.get(url)
    return client.post(url, {})


def _run(ep: Endpoint, url: str, client: Client, headers: dict[str, str]) -> tuple[int, str, str]:
    cache.clear()  # rate limits and cached counts: every cell starts alike
    try:
        if ep.writes:
            out: list[tuple[int, str, str]] = []
            try:
                with transaction.atomic():
                    resp = _call(ep, url, client, headers)
                    out.append((resp.status_code, _body(resp), resp.get("Location", "")))
                    raise _Rollback
            except _Rollback:
                pass
            return out[0]
        resp = _call(ep, url, client, headers)
        return resp.status_code, _body(resp), resp.get("Location", "")
    except Exception as exc:  # a crash is a 500 for the user
        return 599, f"{type(exc).__name__}: {exc}", ""


def _judge(
    ep: Endpoint, variant: str, actor: User | None, status: int, location: str, world: World
) -> str | None:
    if status == 503 and ep.template == "/readyz/":
        return None  # no worker heartbeat in tests: "not ready" is the designed answer
    if status >= 500:
        return f"server error {status}"
    if actor is None:
        if ep.public:
            return None
        if ep.kind == "api":
            return None if status == 401 else f"anonymous got {status}, expected 401"
        if status == 302 and "/login/" in location:
            return None
        return None if status == 405 else f"anonymous got {status}, expected a login redirect"
    if actor.is_superuser or ep.public:
        return None
    if variant == "other" and status < 400:
        return f"other unit's object answered {status}"
    perm = READ_PERMS.get(ep.template)
    if perm is not None and ep.method == "GET" and variant == "own":
        allowed = has_perm(actor, perm, world.own.store)
        if allowed and status != 200:
            return f"holds {perm} but got {status}"
        if not allowed and status not in (403, 404):
            return f"lacks {perm} but got {status}"
    return None


def _leaks(body: str, markers: list[str]) -> list[str]:
    return [m for m in markers if m in body]


def _cells(ep: Endpoint, world: World) -> Iterator[tuple[str, str]]:
    """(variant, url) for one endpoint: its own-unit object, the other unit's object, and
    for a parameterless GET (lists, search, exports) a search for the other unit's data.
    The search terms are partial (the marker's first word, a spaced phone) so that a page
    echoing the query back is not mistaken for a leak."""
    variants = ["own"]
    if scoped(ep) and not ep.public:
        variants = ["other"] if user_owned(ep) else ["own", "other"]
    for variant in variants:
        yield variant, fill(ep.template, (world.own if variant == "own" else world.other).ids)
    if ep.method == "GET" and not ep.params:
        phone = world.other.markers[1]
        query = urlencode({"q": OTHER_MARK.split("-")[0], "phone": f"{phone[:3]} {phone[3:]}"})
        yield "search", f"{ep.template}?{query}"


@pytest.mark.parametrize("role", ROLES)
def test_access_matrix(role: str, world: World, make_user: Any) -> None:
    actor = _actor(role, world, make_user)
    page, api = Client(), Client()
    headers: dict[str, str] = {}
    if actor is not None:
        page.force_login(actor)
        headers["Authorization"] = f"Bearer {create_token(actor=None, user=actor)[1]}"
    endpoints = sorted(page_endpoints() + api_endpoints(), key=lambda e: (e.writes, e.label))
    errors: list[str] = []
    seen = {"own": 0, "other": 0}  # 2xx answers showing each side's data
    for ep in endpoints:
        for variant, url in _cells(ep, world):
            client = api if ep.kind == "api" else page
            status, body, location = _run(ep, url, client, headers)
            CELLS["count"] += 1
            if ep.method == "GET" and variant == "own" and actor is not None:
                STATUSES.setdefault(ep.label, {})[role] = status
            problem = _judge(ep, variant, actor, status, location, world)
            if problem:
                errors.append(f"{role} {variant} {ep.method} {url}: {problem} {body[:200]!r}")
            if ep.template == "/logout/" and actor is not None:
                page.force_login(actor)  # the cell signed us out
            if not 200 <= status < 300:
                continue
            seen["own"] += bool(_leaks(body, world.own.markers))
            leaked = _leaks(body, world.other.markers)
            seen["other"] += bool(leaked)
            if leaked and (actor is None or not actor.is_superuser):
                errors.append(f"{role} {variant} {ep.method} {url}: LEAK {leaked[:4]}")
    assert not errors, f"{len(errors)} bad cells:\n" + "\n".join(errors[:80])
    # The detector works: the administrator sees both units' markers, and a role that may
    # read tickets sees its own unit's.
    if role == "admin":
        assert seen["other"] > 20, seen
    if actor is not None and has_perm(actor, Perm.VIEW_TICKETS, world.own.store):
        assert seen["own"] > 5, seen


def _unexplained() -> list[str]:
    """GET endpoints whose set of roles let in (2xx) is not the set of roles holding one
    permission (or two together) in the role table: a guard that does not follow the table."""
    roles = list(Role.values)
    holders = {p: frozenset(r for r in roles if p in permissions_for_role(r)) for p in Perm}
    explained = {frozenset(roles), frozenset()} | set(holders.values())
    explained |= {a | b for a in holders.values() for b in holders.values()}
    out = []
    for label, by_role in sorted(STATUSES.items()):
        if set(by_role) != set(roles):
            continue  # run with -k: not every role was seen
        allowed = frozenset(r for r, st in by_role.items() if 200 <= st < 300)
        if allowed not in explained:
            out.append(f"{label}: {sorted(allowed)}")
    return out


def test_zz_matrix_cell_count() -> None:
    """Prints the number of cells the matrix checked in this session (`-s` shows it), and
    checks across roles that each page or list is open to exactly the holders of a
    permission (or of one of two)."""
    pages = {e.template for e in page_endpoints()}
    ops = api_endpoints()
    print(  # noqa: T201
        f"\naccess matrix: {len(pages)} page routes, {len(ops)} API operations, "
        f"{len(ROLES)} roles, {CELLS['count']} cells checked"
    )
    assert len(pages) > 100
    assert len(ops) > 100
    unexplained = _unexplained()
    assert not unexplained, "\n".join(unexplained)
