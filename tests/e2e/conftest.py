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
