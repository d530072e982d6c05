"""Real form work in the browser: create a unit, compute a deadline over National Day."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse

from kefu.core.choices import Role
from kefu.core.models import AuditEvent, OrgUnit
from tests.e2e.test_shell import _login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_manager_creates_a_store_with_the_keyboard(
    live_server: Any, browser: Any, shot_dir: Path, org: Any, make_user: Any
) -> None:
    make_user(Role.MANAGER, org.east, username="east.manager", display_name="赵经理")
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    _login(page, live_server.url, "east.manager", "s3cret-pass-123")
    page.goto(f"{live_server.url}{reverse('core:unit_create')}")
    page.fill("input[name=name]", "上海二店")
    page.fill("input[name=code]", "S-SH2")
    page.select_option("select[name=kind]", "store")
    page.select_option("select[name=parent]", str(org.east.pk))
    page.screenshot(path=str(shot_dir / "30-unit-form.png"), full_page=True)
    with page.expect_navigation():
        page.locator("main form button.btn-primary").first.click()
    unit = OrgUnit.objects.get(code="S-SH2")
    assert unit.parent_id == org.east.pk
    assert unit.path == f"{org.east.path}{unit.pk}/"
    assert AuditEvent.objects.filter(action="org_unit.create", object_id=str(unit.pk)).exists()
    page.screenshot(path=str(shot_dir / "31-unit-created.png"), full_page=True)
    page.close()


def test_deadline_calculator_skips_national_day(
    live_server: Any, browser: Any, shot_dir: Path, org: Any, make_user: Any
) -> None:
    make_user(Role.AGENT, org.east, username="agent.e", display_name="钱专员")
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    _login(page, live_server.url, "agent.e", "s3cret-pass-123")
    page.goto(f"{live_server.url}{reverse('core:calendar_deadline')}")
    page.fill("input[name=start]", "2026-09-30T17:00")
    page.fill("input[name=hours]", "2")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    due = page.locator("[data-due]").get_attribute("data-due")
    assert due == "2026-10-08T10:00:00+08:00"
    assert page.locator("[data-source]").get_attribute("data-source") == "statutory"
    page.screenshot(path=str(shot_dir / "40-deadline.png"), full_page=True)
    page.close()
