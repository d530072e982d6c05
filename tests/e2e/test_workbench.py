"""The workbench in a real browser: keyboard-only work and a complaint from 受理 to 总结."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from kefu.core.choices import Role
from kefu.customers.services import create_customer
from kefu.tickets.models import Macro, Ticket
from kefu.tickets.services import work
from kefu.tickets.tests.h9_fixtures import make_ticket
from tests.e2e.test_shell import _login as _login_as

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
]


def _login(page: Any, base: str, username: str) -> None:
    _login_as(page, base, username, "s3cret-pass-123")


def _data(org: Any, make_user: Any) -> dict[str, Any]:
    manager = make_user(Role.MANAGER, org.hq, username="manager", display_name="周经理")
    agent = make_user(Role.SUPERVISOR, org.east, username="agent", display_name="王小明")
    names = ["张三", "李四", "王芳", "赵强", "孙丽"]
    customers = [
        create_customer(actor=manager, unit=org.shanghai, name=n, phones=[f"1381234{i:04d}"])
        for i, n in enumerate(names)
    ]
    specs = [
        ("到货外箱破损，要求换货", "complaint", "high"),
        ("空调安装预约改期", "repair", "normal"),
        ("发票抬头开错需要重开", "query", "normal"),
        ("会员积分没有到账", "enquiry", "low"),
        ("送货员态度恶劣", "complaint", "urgent"),
        ("咨询门店营业时间", "enquiry", "normal"),
        ("冰箱噪音大申请售后", "after_sales", "high"),
        ("表扬上海一店店员", "praise", "low"),
        ("建议增加夜间配送", "suggestion", "normal"),
        ("运单 SF1234567 查不到", "query", "high"),
    ]
    tickets = []
    for i, (title, typ, prio) in enumerate(specs):
        c = customers[i % len(customers)]
        unit = org.shanghai if i % 3 else org.east
        t = make_ticket(
            agent,
            unit,
            title,
            type=typ,
            priority=prio,
            customer=c,
            contact_phone=c.phones.first().number,
            description="客户来电：" + title,
            department=org.cs_east,
        )
        tickets.append(t)
    now = timezone.now()
    Ticket.objects.filter(pk=tickets[1].pk).update(
        sla_state="warning", resolution_due=now + timedelta(hours=2)
    )
    Ticket.objects.filter(pk=tickets[2].pk).update(
        sla_state="breached",
        resolution_due=now - timedelta(hours=5),
        sla_breached_at=now - timedelta(hours=5),
    )
    Ticket.objects.filter(pk=tickets[3].pk).update(status="pending", sla_state="paused")
    Ticket.objects.filter(pk=tickets[5].pk).update(status="resolved")
    for i, t in enumerate(tickets):
        Ticket.objects.filter(pk=t.pk).update(created_at=now - timedelta(days=i * 2, hours=i))
    t0 = Ticket.objects.get(pk=tickets[0].pk)
    work.add_reply(
        actor=agent,
        ticket=t0,
        body="张先生您好，已为您登记换货，今天内给您回电。",
        next_follow_up_at=now + timedelta(hours=3),
    )
    t0.refresh_from_db()
    work.add_note(actor=agent, ticket=t0, body="已联系仓库确认库存，明早发出。")
    Macro.objects.create(
        name="受理确认", body="{{ customer.name }}您好，您的工单 {{ ticket.number }} 已受理。"
    )
    return {"manager": manager, "agent": agent, "t0": t0, "tickets": tickets}


def test_keyboard_only(
    live_server: Any, browser: Any, shot_dir: Path, org: Any, make_user: Any
) -> None:
    _data(org, make_user)
    base = live_server.url
    ctx = browser.new_context(viewport={"width": 1280, "height": 800}, locale="zh-CN")
    page = ctx.new_page()
    _login(page, base, "agent")
    page.goto(f"{base}/tickets/")
    page.keyboard.press("j")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "/tickets/" in page.url
    assert page.url.rstrip("/").split("/")[-1].isdigit()
    page.keyboard.press("r")
    assert page.evaluate("document.activeElement.id") == "reply-body"
    page.keyboard.type("键盘回复")
    with page.expect_navigation():
        page.keyboard.press("Control+Enter")
    assert "键盘回复" in page.content()
    page.keyboard.press("n")
    page.wait_for_url("**/tickets/new/")
    assert page.evaluate("document.activeElement.name") == "phone"
    page.keyboard.type("13812340001")
    page.wait_for_selector("#caller input[type=radio]")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.name")
    assert focused == "customer", focused
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.name") == "new_customer_name"
    page.keyboard.press("Tab")  # type
    page.keyboard.press("Tab")  # category
    page.keyboard.press("Tab")  # title
    assert page.evaluate("document.activeElement.name") == "title"
    page.keyboard.type("键盘建单")
    page.keyboard.press("Tab")
    page.keyboard.type("客户来电说明")
    with page.expect_navigation():
        page.keyboard.press("Control+Enter")
    t = Ticket.objects.get(title="键盘建单")
    assert page.url.endswith(f"/tickets/{t.pk}/")
    assert t.customer is not None
    assert t.customer.name == "李四"
    page.screenshot(path=str(shot_dir / "50-after-keyboard-intake.png"))
    ctx.close()


def test_complaint_walk(
    live_server: Any, browser: Any, shot_dir: Path, org: Any, make_user: Any
) -> None:
    from kefu.tickets.models import Complaint

    manager = make_user(Role.MANAGER, org.hq, username="boss", display_name="周经理")
    t = make_ticket(manager, org.shanghai, "送货迟到三天", type="complaint")
    base = live_server.url
    ctx = browser.new_context(viewport={"width": 1280, "height": 800}, locale="zh-CN")
    page = ctx.new_page()
    _login(page, base, "boss")
    page.goto(f"{base}/tickets/{t.pk}/")

    def act(action: str, fill: dict[str, str], select: dict[str, str] | None = None) -> None:
        form = page.locator(f"form:has(input[name=action][value={action}])")
        details = page.locator(f"details:has(input[name=action][value={action}])")
        if details.get_attribute("open") is None:
            details.locator("summary").click()
        for name, value in fill.items():
            form.locator(f"[name={name}]").fill(value)
        for name, value in (select or {}).items():
            form.locator(f"select[name={name}]").select_option(value)
        with page.expect_navigation():
            form.locator("button[type=submit]").click()
        flash = page.locator(".flash-error")
        assert flash.count() == 0, flash.first.inner_text()

    act("register", {"demand": "赔偿并道歉"})
    act("judge", {"note": "属实"}, {"valid": "true"})
    act(
        "investigate",
        {"responsible_person": "李师傅", "root_cause": "排班不足"},
        {"responsible_department_id": str(org.cs_east.pk), "cause_category": "delivery"},
    )
    act("propose_remedy", {"description": "补偿券 50 元", "cost": "50"}, {"kind": "compensation"})
    act("submit_for_approval", {})
    act("approve", {})
    act("implement", {"note": "已发券", "penalty": "配送员警告"})
    act("customer_accepts", {"note": "客户接受"})
    act("record_revisit", {"note": "满意"}, {"satisfaction": "5"})
    page.screenshot(path=str(shot_dir / "60-complaint-summarise.png"), full_page=True)
    act("summarise", {"summary": "配送排班改进", "evaluation": "处理及时"})
    assert Complaint.objects.get(ticket=t).stage == "archived"
    page.screenshot(path=str(shot_dir / "61-complaint-archived.png"), full_page=True)
    ctx.close()
