"""Every user-supplied text is escaped: pages that render stored XSS payloads contain them
only as text (the browser test tests/e2e/test_xss.py runs the same pages in Chromium)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from kefu.core.tests import xss_world
from kefu.knowledge.render import render_body

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(admin_user: Any, org: Any) -> xss_world.XssWorld:
    return xss_world.build(admin_user, org.shanghai, org.hq)


# Pages where the payload text itself must be visible (escaped); the others must only not
# contain it raw (a dashboard shows counts, not titles).
SHOWN = {
    "ticket",
    "queue",
    "customer-360",
    "customer-list",
    "search",
    "knowledge-article",
    "knowledge-list",
    "member",
    "template",
    "revisit-task",
    "surveys",
    "public-kb-list",
    "public-kb-article",
}


def test_signed_in_pages_show_the_payloads_as_text(world: xss_world.XssWorld) -> None:
    client = Client()
    client.force_login(world.admin)
    checked = 0
    for label, url in world.pages.items():
        response = client.get(url)
        assert response.status_code == 200, (label, url)
        html = response.content.decode()
        assert xss_world.problems(html) == [], label
        if label in SHOWN:
            assert xss_world.shows_escaped(html), label
            if label not in {"template", "search"}:  # {{7*7}} shown as typed, not as 49
                assert xss_world.TEMPLATE in html, label
        checked += 1
    assert checked == len(world.pages) == 15


def test_public_pages_show_the_payloads_as_text(world: xss_world.XssWorld) -> None:
    client = Client()
    for label, url in world.public_pages.items():
        response = client.get(url)
        assert response.status_code == 200, (label, url)
        html = response.content.decode()
        assert xss_world.problems(html) == [], label
        if label in SHOWN:
            assert xss_world.shows_escaped(html), label


def test_htmx_partials_escape_too(world: xss_world.XssWorld) -> None:
    client = Client()
    client.force_login(world.admin)
    for label, url in world.pages.items():
        response = client.get(url, headers={"HX-Request": "true"})
        assert xss_world.problems(response.content.decode()) == [], label


@pytest.mark.parametrize("payload", xss_world.PAYLOADS)
def test_article_markup_never_lets_html_or_script_links_through(payload: str) -> None:
    html = str(render_body(f"# {payload}\n- {payload}\n**{payload}** {payload}"))
    assert xss_world.problems(html) == []
    assert "javascript:" not in html or 'href="javascript' not in html


def test_article_links_are_only_http(db: Any) -> None:
    html = str(render_body("see javascript:alert(1) and https://example.com/a?b=<x>"))
    assert 'href="javascript' not in html
    assert '<a href="https://example.com/a?b=" rel="nofollow noopener"' in html
    assert "&lt;x&gt;" in html
