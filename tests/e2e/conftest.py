"""Playwright for Python driving Debian's Chromium (/usr/bin/chromium) against live_server."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

CHROMIUM = os.environ.get("KEFU_CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run scripts/ensure-chromium.sh")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def shot_dir() -> Path:
    vendor = connection.vendor
    path = ARTIFACTS / vendor
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture(autouse=True)
def default_calendar(transactional_db: Any) -> Any:
    """Transactional tests flush the tables, including the default calendar that migration
    0002 creates; put it back as the migration would."""
    from kefu.core.models import BusinessCalendar

    if not BusinessCalendar.objects.filter(is_default=True).exists():
        BusinessCalendar.objects.create(name="标准工作日历", is_default=True)


CSP_MARKER = "Content Security Policy"


@pytest.fixture(autouse=True)
def no_csp_violations(request: Any) -> Iterator[list[str]]:
    """Fails the test when any page in it logs a Content-Security-Policy violation (an inline
    script or handler, eval, a style or image from elsewhere): every browser context the test
    opens listens to the console."""
    violations: list[str] = []
    if "browser" not in request.fixturenames:
        yield violations
        return
    browser = request.getfixturevalue("browser")
    original_context, original_page = browser.new_context, browser.new_page

    def on_console(msg: Any) -> None:
        if CSP_MARKER in msg.text:
            violations.append(f"{msg.type}: {msg.text} @ {msg.location.get('url', '')}")

    def new_context(*args: Any, **kwargs: Any) -> Any:
        context = original_context(*args, **kwargs)
        context.on("console", on_console)
        return context

    def new_page(*args: Any, **kwargs: Any) -> Any:
        page = original_page(*args, **kwargs)
        page.on("console", on_console)
        return page

    browser.new_context, browser.new_page = new_context, new_page
    try:
        yield violations
    finally:
        browser.new_context, browser.new_page = original_context, original_page
    if violations:
        pytest.fail("Content-Security-Policy violations:\n" + "\n".join(violations))
