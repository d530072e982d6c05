"""Security headers on UI pages, API responses and public pages; HSTS only behind HTTPS."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.test import Client

from kefu.core.models import User

pytestmark = pytest.mark.django_db

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; object-src 'none'; base-uri 'self'; frame-ancestors 'none'; "
    "form-action 'self'"
)
COMMON = {
    "Content-Security-Policy": CSP,
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "X-Content-Type-Options": "nosniff",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}


def _assert_headers(response: Any) -> None:
    got = {name: response.get(name) for name in COMMON}
    assert got == COMMON
    assert "Strict-Transport-Security" not in response


def test_signed_in_page(admin_user: User) -> None:
    client = Client()
    client.force_login(admin_user)
    response = client.get("/")
    assert response.status_code == 200
    _assert_headers(response)


@pytest.mark.parametrize("url", ["/login/", "/help/new/", "/help/kb/"])
def test_public_pages(url: str) -> None:
    response = Client().get(url)
    assert response.status_code == 200
    _assert_headers(response)


def test_api_response(admin_user: User, api_as: Any) -> None:
    response = api_as(admin_user).get("/api/v1/me")
    assert response.status_code == 200
    _assert_headers(response)


def test_error_page_and_unauthenticated_api() -> None:
    _assert_headers(Client().get("/api/v1/me"))
    _assert_headers(Client().get("/no-such-page/"))


def test_no_inline_script_in_a_rendered_page(admin_user: User) -> None:
    client = Client()
    client.force_login(admin_user)
    html = client.get("/").content.decode()
    assert "<script>" not in html
    assert " onclick=" not in html
    assert '"allowEval": false' in html


def test_hsts_when_served_over_https(admin_user: User, settings: Any) -> None:
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    client = Client()
    over_https = client.get("/login/", headers={"X-Forwarded-Proto": "https"})
    assert over_https["Strict-Transport-Security"] == "max-age=31536000"
    assert "Strict-Transport-Security" not in client.get("/login/")


def test_https_setting_turns_on_hsts_and_secure_cookies() -> None:
    code = (
        "import json, django.conf as c; from kefu import settings as s;"
        "print(json.dumps([s.SECURE_HSTS_SECONDS, s.SESSION_COOKIE_SECURE,"
        " s.CSRF_COOKIE_SECURE, list(s.SECURE_PROXY_SSL_HEADER)]))"
    )
    env = {**os.environ, "HTTPS": "1", "KEFU_TESTING": "1"}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    out = subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        cwd=str(django_settings.BASE_DIR),
    )
    assert json.loads(out.stdout.strip().splitlines()[-1]) == [
        31536000,
        True,
        True,
        ["HTTP_X_FORWARDED_PROTO", "https"],
    ]
    env.pop("HTTPS")
    out = subprocess.run(
        [
            sys.executable,
            "-c",
            'from kefu import settings as s; print(getattr(s, "SECURE_HSTS_SECONDS", 0))',
        ],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        cwd=str(django_settings.BASE_DIR),
    )
    assert out.stdout.strip().splitlines()[-1] == "0"
