"""The UI is Chinese by default: every main page renders the zh-hans catalogue."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from kefu.core.choices import Role
from kefu.core.tests.ui_client import ui_fixture  # noqa: F401

PAGES = [
    "core:home",
    "core:unit_list",
    "core:department_list",
    "core:user_list",
    "core:audit_list",
    "core:token_list",
    "core:calendar_list",
    "core:calendar_deadline",
    "core:account",
]
NAV_ZH = ["工作台", "组织架构", "部门", "用户", "工作日历", "审计日志", "API 令牌"]
NAV_EN = ["Workbench", "Organisation", "Departments", "Audit log", "API tokens"]


@pytest.mark.parametrize("url_name", PAGES)
def test_main_pages_are_in_chinese_by_default(ui, org, make_user, url_name):
    manager = make_user(Role.MANAGER, org.hq, display_name="王经理")
    client = ui(manager, language="zh-hans")
    client.client.cookies.pop("django_language", None)
    body = client.get(reverse(url_name)).content.decode()
    assert '<html lang="zh-hans">' in body
    nav = re.search(r"<nav.*?</nav>", body, re.S)
    assert nav is not None
    for label in NAV_ZH:
        assert label in nav.group(0), label
    for label in NAV_EN:
        assert label not in nav.group(0), label


def test_saved_english_preference_is_used_without_a_cookie(ui, org, make_user):
    from kefu.core.services.users import update_user

    agent = make_user(Role.AGENT, org.east)
    update_user(actor=agent, user=agent, language="en")
    client = ui(agent)
    client.client.cookies.pop("django_language", None)
    body = client.get(reverse("core:home")).content.decode()
    assert '<html lang="en">' in body
    assert "Workbench" in body


def test_role_names_are_chinese(ui, org, make_user):
    manager = make_user(Role.MANAGER, org.hq)
    make_user(Role.COMPLAINT_HANDLER, org.east, display_name="孙投诉")
    body = ui(manager, language="zh-hans").get(reverse("core:user_list")).content.decode()
    assert "客服经理" in body
    assert "投诉专员" in body
