"""CSRF on every form: every URL refuses a POST without the token, every template form
carries one, and the API's session authentication checks it too (bearer tokens do not
need it: a browser never sends them by itself)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from kefu.core.models import User

pytestmark = pytest.mark.django_db

# Views that skip Django's CSRF check, and why that is safe.
CSRF_EXEMPT = {
    # GET-only probes for load balancers and Prometheus (@require_GET: a POST gets 405).
    "healthz": "GET-only liveness probe",
    "readyz": "GET-only readiness probe",
    "metrics": "GET-only metrics scrape (loopback or bearer token)",
}
_SAMPLE = {"int": "1", "str": "x", "slug": "x", "uuid": "00000000-0000-0000-0000-000000000001"}


def _sample_path(route: str) -> str:
    """A concrete path for a route such as `tickets/<int:pk>/` or a regex like `^healthz/?$`."""
    route = re.sub(r"<(?:(\w+):)?\w+>", lambda m: _SAMPLE.get(m.group(1) or "str", "x"), route)
    route = route.lstrip("^").rstrip("$").replace("/?", "/")
    return route


def walk(
    patterns: list[URLPattern | URLResolver], prefix: str = ""
) -> Iterator[tuple[str, str, Any]]:
    """(url, name, callback) for every Django URL pattern outside the ninja API."""
    for p in patterns:
        route = _sample_path(str(p.pattern))
        if isinstance(p, URLResolver):
            yield from walk(p.url_patterns, prefix + route)
        else:
            yield "/" + prefix + route, p.name or "", p.callback


def django_urls() -> list[tuple[str, str, Any]]:
    rows = []
    for url, name, callback in walk(get_resolver().url_patterns):
        if url.startswith(("/api/", settings.MEDIA_URL, settings.STATIC_URL)):
            continue
        rows.append((url, name, callback))
    return rows


def test_the_walk_sees_the_whole_ui() -> None:
    urls = {url for url, _n, _c in django_urls()}
    assert len(urls) > 140
    for expected in ("/login/", "/tickets/new/", "/settings/users/1/unlock/", "/help/new/"):
        assert expected in urls


def test_every_post_without_a_token_is_refused(admin_user: User) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(admin_user)
    checked, exempt, wrong = 0, [], []
    for url, name, callback in django_urls():
        if getattr(callback, "csrf_exempt", False):
            exempt.append(name)
            assert client.post(url).status_code == 405, url
            continue
        response = client.post(url, {"x": "1"})
        checked += 1
        if response.status_code != 403 or b"CSRF" not in response.content:
            wrong.append((url, response.status_code))
    assert wrong == []
    assert sorted(exempt) == sorted(CSRF_EXEMPT)
    assert checked > 140


def test_an_anonymous_public_form_needs_the_token_too(db: Any) -> None:
    client = Client(enforce_csrf_checks=True)
    for url in ("/login/", "/help/new/", "/help/lookup/", "/account/language/"):
        response = client.post(url, {"username": "a", "password": "b"})
        assert response.status_code == 403, url


# API operations without authentication (auth=None): the capability is the token in the path,
# no session or cookie is involved, so there is nothing for a forged request to borrow.
API_PUBLIC = {("post", "/api/v1/surveys/answer/1")}


def api_unsafe_paths() -> list[tuple[str, str]]:
    """(method, path) for every API operation that changes something."""
    from kefu.api import api

    schema = api.get_openapi_schema()
    out = []
    for path, ops in schema["paths"].items():
        for method in ops:
            if method in {"post", "put", "patch", "delete"}:
                out.append((method, re.sub(r"\{[^}]+\}", "1", path)))
    return out


def test_session_authenticated_api_writes_need_the_csrf_token(admin_user: User) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(admin_user)
    paths = api_unsafe_paths()
    assert len(paths) > 50
    wrong = []
    for method, path in paths:
        if (method, path) in API_PUBLIC:
            continue
        response = getattr(client, method)(path, data={}, content_type="application/json")
        # 403 "CSRF check Failed" from the session auth (405: the route refused the method).
        if response.status_code not in {403, 405}:
            wrong.append((method, path, response.status_code))
    assert wrong == []


def test_session_api_write_with_the_token_is_accepted(admin_user: User) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(admin_user)
    client.get("/")  # sets the csrftoken cookie, as the UI page does
    token = client.cookies["csrftoken"].value
    response = client.post(
        "/api/v1/units",
        data={"code": "X1", "name": "新单位", "kind": "headquarters"},
        content_type="application/json",
        headers={"X-CSRFToken": token},
    )
    assert response.status_code == 201, response.content


FORM_OPEN = re.compile(r"<form\b[^>]*\bmethod\s*=\s*[\"']?post[\"']?[^>]*>", re.IGNORECASE)


def template_files() -> list[Path]:
    root = Path(settings.BASE_DIR) / "kefu"
    return sorted(p for p in root.rglob("templates/**/*.html"))


def test_every_post_form_in_the_templates_has_a_csrf_token() -> None:
    missing = []
    forms = 0
    for path in template_files():
        text = path.read_text(encoding="utf-8")
        for match in FORM_OPEN.finditer(text):
            forms += 1
            end = text.find("</form>", match.end())
            body = text[match.end() : end if end != -1 else len(text)]
            if "{% csrf_token %}" not in body:
                line = text.count("\n", 0, match.start()) + 1
                missing.append(f"{path.relative_to(settings.BASE_DIR)}:{line}")
    assert missing == []
    assert forms > 90
