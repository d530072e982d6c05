"""A test client for the server-rendered UI: CSRF checks on, as in a browser."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from kefu.core.models import User


class UiClient:
    """Django's test client with CSRF enforcement; `post` sends the token like a form does."""

    def __init__(self, user: User | None = None, language: str = "en") -> None:
        self.client = Client(enforce_csrf_checks=True)
        # Behaviour tests read English msgids; test_views_zh checks the Chinese UI.
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        self.user = user
        if user is not None:
            self.client.force_login(user)

    def _token(self) -> str:
        if "csrftoken" not in self.client.cookies:
            self.client.get(reverse("core:home" if self.user is not None else "core:login"))
        return self.client.cookies["csrftoken"].value

    def get(self, url: str, data: Any = None, **kw: Any) -> Any:
        return self.client.get(url, data, **kw)

    def post(self, url: str, data: dict[str, Any] | None = None, **kw: Any) -> Any:
        payload = {**(data or {}), "csrfmiddlewaretoken": self._token()}
        return self.client.post(url, payload, **kw)

    def htmx_post(self, url: str, data: dict[str, Any] | None = None) -> Any:
        return self.client.post(
            url, data or {}, headers={"HX-Request": "true", "X-CSRFToken": self._token()}
        )


@pytest.fixture(name="ui")
def ui_fixture(db: Any) -> Any:
    """`ui(user)` → a UiClient signed in as `user` (None: anonymous). Import `ui_fixture`
    into a test module to use it."""

    def _as(user: User | None = None, language: str = "en") -> UiClient:
        return UiClient(user, language)

    return _as
