"""Erasing a customer's personal data in a real browser: a manager opens the 360° page,
presses "删除个人信息", types the name and a reason, and sees the erased state."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse

from kefu.customers.models import Customer
from kefu.customers.tests.personal_data_fixtures import *  # noqa: F403
from kefu.customers.tests.personal_data_fixtures import NAME
from tests.e2e.test_shell import _login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_manager_erases_a_customer_from_the_360_page(
    live_server: Any, browser: Any, shot_dir: Path, world: Any
) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 860}, locale="zh-CN")
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    _login(page, live_server.url, "hq_manager", "s3cret-pass-123")
    detail = f"{live_server.url}{reverse('customers:detail', args=[world.customer.pk])}"
    page.goto(detail)
    assert page.locator("[data-testid=personal-data-export]").is_visible()
    page.click("[data-testid=personal-data-erase]")
    page.wait_for_selector("[data-testid=erase-form]")
    page.fill("input[name=confirm_name]", "欧阳")
    page.fill("textarea[name=reason]", "客户书面申请删除")
    with page.expect_navigation():
        page.click("[data-testid=erase-form] button[type=submit]")
    assert page.locator(".errors").first.is_visible()  # the name did not match
    page.fill("input[name=confirm_name]", NAME)
    page.screenshot(path=str(shot_dir / "personal-data-erase-confirm.png"), full_page=True)
    with page.expect_navigation():
        page.click("[data-testid=erase-form] button[type=submit]")
    assert page.url == detail
    page.wait_for_selector("[data-testid=customer-erased]")
    assert page.locator("[data-testid=personal-data-erase]").count() == 0
    assert NAME not in page.content()
    page.screenshot(path=str(shot_dir / "personal-data-erased.png"), full_page=True)
    assert Customer.objects.get(pk=world.customer.pk).erased_at is not None
    assert errors == []
    context.close()
