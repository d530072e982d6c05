"""The duplicate review in a real browser: a records keeper merges one pair, dismisses
another, and reads the merge history."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from kefu.core.choices import Role
from kefu.customers.models import Customer, CustomerMerge, DuplicatePair
from kefu.customers.services_dedupe import find_duplicates
from kefu.customers.tests.dedupe_fixtures import make_customer
from kefu.tickets.services.intake import create_ticket
from tests.e2e.test_shell import _login

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
]


def _data(org: Any, make_user: Any, admin: Any) -> dict[str, Any]:
    keeper = make_user(Role.RECORDS_KEEPER, org.east, username="keeper", display_name="林档案")
    keep = make_customer(org.shanghai, "上海宏达实业有限公司", phones=["13812345678"], grade="A")
    gone = make_customer(
        org.shanghai, "宏达实业有限责任公司", phones=["13812345678"], id_number="91310000MA1K"
    )
    for title in ("发票重开", "到货破损"):
        create_ticket(
            actor=admin,
            unit=org.shanghai,
            title=title,
            type="enquiry",
            channel="phone",
            customer=gone,
        )
    make_customer(org.shanghai, "张伟", kind="person", phones=["13900001111"])
    make_customer(org.shanghai, "张伟", kind="person", phones=["13900002222"])
    make_customer(org.shanghai, "ＡＢＣ电子科技（集团）有限公司")
    make_customer(org.shanghai, "深圳市abc电子科技有限公司")
    find_duplicates(actor=None)
    return {"keeper": keeper, "keep": keep, "gone": gone}


def test_keeper_merges_a_pair_and_reads_the_history(
    live_server: Any, browser: Any, shot_dir: Path, org: Any, make_user: Any, admin_user: Any
) -> None:
    data = _data(org, make_user, admin_user)
    assert DuplicatePair.objects.count() == 3
    base = live_server.url
    ctx = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page = ctx.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("dialog", lambda dialog: dialog.accept())
    _login(page, base, "keeper", "s3cret-pass-123")
    page.goto(f"{base}/customers/duplicates/")
    assert page.locator(".dup-pair").count() == 3
    assert "138****5678" in page.content()
    page.screenshot(path=str(shot_dir / "70-duplicate-review.png"), full_page=True)

    pair = DuplicatePair.objects.get(customer_a=data["keep"])
    card = page.locator(f"#pair-{pair.pk}")
    card.locator(f"input[name=survivor][value='{data['keep'].pk}']").check()
    card.locator("[data-merge-pair]").click()
    card.wait_for(state="detached")
    page.wait_for_selector("#dedupe-toast .flash-success")
    assert "宏达实业有限责任公司" in page.locator("#dedupe-toast").inner_text()
    assert page.locator(".dup-pair").count() == 2
    assert not Customer.objects.filter(pk=data["gone"].pk).exists()
    assert CustomerMerge.objects.get().moved == {"tickets.ticket": 2}

    other = page.locator(f"#{page.locator('.dup-pair').first.get_attribute('id')}")
    other.locator("[data-dismiss-pair]").click()
    other.wait_for(state="detached")
    assert page.locator(".dup-pair").count() == 1
    page.screenshot(path=str(shot_dir / "71-duplicate-review-after-merge.png"), full_page=True)

    page.goto(f"{base}/customers/duplicates/history/")
    row = page.locator("tr[data-merge]")
    assert row.count() == 1
    text = row.inner_text()
    assert "林档案" in text
    assert "宏达实业有限责任公司" in text
    page.screenshot(path=str(shot_dir / "72-merge-history.png"), full_page=True)
    assert errors == []
    ctx.close()
