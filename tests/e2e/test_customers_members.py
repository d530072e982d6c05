"""The customer archive, members and imports in a real browser, on the demo company:
a records keeper opens every page, reveals a customer's phone (logged), imports a GBK CSV
with one bad row (preview, errors, import the valid rows); a store clerk registers a member."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.urls import reverse

from kefu.core.demo.registry import DEMO_PASSWORD
from kefu.core.models import AuditEvent
from kefu.customers.models import Customer
from kefu.members.choices import MemberStatus
from kefu.members.models import Member
from tests.e2e.test_shell import _login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PAGES = [
    ("customers", "customers:list", ()),
    ("customer-new", "customers:create", ()),
    ("duplicates", "customers:duplicates", ()),
    ("merge-history", "customers:merge_history", ()),
    ("members", "members:list", ()),
    ("member-audit", "members:audit_queue", ()),
    ("members-expiring", "members:expiring", ()),
    ("member-birthdays", "members:birthdays", ()),
    ("member-purchases", "members:purchases", ()),
    ("member-tiers", "members:tiers", ()),
    ("imports", "core:import_list", ()),
    ("import-customers", "core:import_upload", ("customers",)),
]

CSV = (
    "客户名称,客户类型,手机,等级,标签\n"
    "杭州西湖茶业有限公司,企业,0571-8888 1234,A,茶叶\n"
    "李雷,个人,+86 139 0000 7777,B,\n"
    "韩梅梅,个人,13900008888,Z,\n"
)


def _page(browser: Any) -> tuple[Any, Any, list[str]]:
    context = browser.new_context(viewport={"width": 1280, "height": 860}, locale="zh-CN")
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("dialog", lambda dialog: dialog.accept())
    return context, page, errors


def test_records_keeper_tours_customers_members_and_imports(
    live_server: Any, browser: Any, shot_dir: Path, tmp_path: Path
) -> None:
    call_command("demo", seed=1, stdout=open("/dev/null", "w"))  # noqa: SIM115
    base = live_server.url
    context, page, errors = _page(browser)
    _login(page, base, "records", DEMO_PASSWORD)
    for i, (name, url_name, args) in enumerate(PAGES, start=1):
        response = page.goto(f"{base}{reverse(url_name, args=args)}")
        assert response is not None
        assert response.status == 200, url_name
        page.screenshot(path=str(shot_dir / f"8{i:02d}-{name}.png"), full_page=True)

    # the 360° page of a key account: masked until revealed, and the reveal is logged
    customer = Customer.objects.filter(is_key_account=True, tickets__isnull=False).first()
    assert customer is not None
    page.goto(f"{base}{reverse('customers:detail', args=[customer.pk])}")
    number = customer.phones.first().number
    assert number not in page.content()
    page.screenshot(path=str(shot_dir / "830-customer-360.png"), full_page=True)
    page.click("[data-reveal]")
    page.wait_for_selector(f"text={number}")
    assert AuditEvent.objects.filter(action="personal_data.reveal").exists()
    page.screenshot(path=str(shot_dir / "831-customer-360-revealed.png"), full_page=True)

    # import a GBK CSV: the preview shows the bad row; import the valid ones
    csv = tmp_path / "客户.csv"
    csv.write_bytes(CSV.encode("gbk"))
    page.goto(f"{base}{reverse('core:import_upload', args=['customers'])}")
    page.set_input_files("input[type=file]", str(csv))
    with page.expect_navigation():
        page.click("button[type=submit].btn-primary")
    assert "Z" in page.content()
    page.screenshot(path=str(shot_dir / "832-import-preview.png"), full_page=True)
    before = Customer.objects.count()
    with page.expect_navigation():
        page.click("input[name=valid_only] + button")
    page.screenshot(path=str(shot_dir / "833-import-done.png"), full_page=True)
    assert Customer.objects.count() == before + 2
    tea = Customer.objects.filter(name="杭州西湖茶业有限公司", tag_links__tag__name="茶叶")
    assert tea.exists()
    assert not Customer.objects.filter(name="韩梅梅").exists()
    assert errors == []
    context.close()


def test_store_clerk_registers_a_member(live_server: Any, browser: Any, shot_dir: Path) -> None:
    call_command("demo", seed=1, stdout=open("/dev/null", "w"))  # noqa: SIM115
    base = live_server.url
    context, page, errors = _page(browser)
    _login(page, base, "clerk", DEMO_PASSWORD)
    page.goto(f"{base}{reverse('members:register')}")
    page.screenshot(path=str(shot_dir / "840-member-register.png"), full_page=True)
    page.fill("input[name=name]", "周晓")
    page.fill("input[name=phone]", "138 0013 9999")
    before = Member.objects.count()
    with page.expect_navigation():
        page.click("form button[type=submit].btn-primary")
    assert Member.objects.count() == before + 1
    member = Member.objects.order_by("-id").first()
    assert member is not None
    assert member.status == MemberStatus.PENDING
    assert member.phone == "13800139999"
    page.screenshot(path=str(shot_dir / "841-member-page.png"), full_page=True)
    assert errors == []
    context.close()
