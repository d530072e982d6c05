"""Log in as a manager, open every main page, save screenshots (desktop and phone)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.urls import NoReverseMatch, reverse

from kefu.core.choices import Role

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PAGES = [
    ("home", "core:home"),
    ("units", "core:unit_list"),
    ("departments", "core:department_list"),
    ("users", "core:user_list"),
    ("audit", "core:audit_list"),
    ("tokens", "core:token_list"),
    ("calendars", "core:calendar_list"),
    ("tickets", "tickets:list"),
    ("complaints", "tickets:complaints"),
    ("intake", "tickets:create"),
    ("dashboard", "reports:dashboard"),
    ("ticket-settings", "tickets:settings_categories"),
]


def _login(page: Any, base: str, username: str, password: str) -> None:
    page.goto(f"{base}{reverse('core:login')}")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    with page.expect_navigation():
        page.keyboard.press("Enter")


def test_manager_opens_every_main_page(
    live_server: Any, browser: Any, shot_dir: Path, org: Any, make_user: Any
) -> None:
    make_user(Role.MANAGER, org.hq, username="manager", display_name="王经理")
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="zh-CN")
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(f"{live_server.url}{reverse('core:login')}")
    page.screenshot(path=str(shot_dir / "00-login.png"), full_page=True)
    _login(page, live_server.url, "manager", "s3cret-pass-123")
    assert page.url.rstrip("/") == live_server.url.rstrip("/") + reverse("core:home").rstrip("/")
    for i, (name, url_name) in enumerate(PAGES, start=1):
        try:
            url = reverse(url_name)
        except NoReverseMatch:
            pytest.fail(f"page {url_name} is missing")
        response = page.goto(f"{live_server.url}{url}")
        assert response is not None, url
        assert response.status == 200, url
        assert page.evaluate("typeof window.htmx") == "object", f"htmx not loaded on {url}"
        assert page.locator("html").get_attribute("lang") == "zh-hans"
        page.screenshot(path=str(shot_dir / f"{i:02d}-{name}.png"), full_page=True)
    assert errors == []
    context.close()


def test_phone_layout_and_english_switch(
    live_server: Any, browser: Any, shot_dir: Path, org: Any, make_user: Any
) -> None:
    make_user(Role.STORE_CLERK, org.shanghai, username="clerk", display_name="李店员")
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    )
    page = context.new_page()
    _login(page, live_server.url, "clerk", "s3cret-pass-123")
    page.screenshot(path=str(shot_dir / "20-phone-home.png"), full_page=True)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, "the phone layout scrolls sideways"
    page.request.post(
        f"{live_server.url}/i18n/setlang/",
        form={"language": "en", "next": "/"},
        headers={"X-CSRFToken": _csrf(context)},
    )
    page.goto(f"{live_server.url}{reverse('core:home')}")
    assert page.locator("html").get_attribute("lang") == "en"
    page.screenshot(path=str(shot_dir / "21-phone-home-en.png"), full_page=True)
    context.close()


def _csrf(context: Any) -> str:
    for cookie in context.cookies():
        if cookie["name"] == "csrftoken":
            return str(cookie["value"])
    return ""


def test_public_help_form_on_a_phone(
    live_server: Any, browser: Any, shot_dir: Path, org: Any
) -> None:
    """A customer files a request from a phone, without logging in, and looks it up."""
    from kefu.tickets.models import Ticket

    context = browser.new_context(
        viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True, locale="zh-CN"
    )
    page = context.new_page()
    page.goto(f"{live_server.url}{reverse('public:new')}")
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    page.screenshot(path=str(shot_dir / "70-public-form.png"), full_page=True)
    page.fill("input[name=name]", "陈女士")
    page.fill("input[name=phone]", "138 0013 8000")
    page.fill("input[name=title]", "洗衣机不脱水")
    page.fill("textarea[name=description]", "上周买的洗衣机，今天开始不脱水，请安排维修。")
    with page.expect_navigation():
        page.locator("form button[type=submit]").first.click()
    ticket = Ticket.objects.get(title="洗衣机不脱水")
    assert ticket.channel == "web"
    assert ticket.number in page.content()
    page.screenshot(path=str(shot_dir / "71-public-done.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    context.close()
