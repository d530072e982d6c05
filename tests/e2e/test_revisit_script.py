"""A revisit in a real browser: the agent opens the task from the queue, logs the call
as connected, walks the script with the keyboard, the customer is unsatisfied, and saving
the revisit opens a complaint ticket linked to it."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from kefu.core.choices import Role
from kefu.customers.services import create_customer
from kefu.revisits.models import RevisitTask
from kefu.revisits.services import generate_for_plan, save_plan
from kefu.revisits.tests.fixtures import make_script
from kefu.tickets.models import Ticket
from kefu.tickets.services.work import change_status
from kefu.tickets.tests.h9_fixtures import make_ticket
from tests.e2e.test_shell import _login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _setup(org: Any, make_user: Any) -> RevisitTask:
    manager = make_user(Role.MANAGER, org.hq, username="manager", display_name="周经理")
    agent = make_user(Role.AGENT, org.east, username="agent", display_name="王小明")
    customer = create_customer(
        actor=manager, unit=org.shanghai, name="张三", phones=["13812345678"]
    )
    script = make_script(manager)
    plan = save_plan(
        actor=manager,
        fields={
            "name": "投诉回访",
            "kind": "after_resolution",
            "params": {"business_days": 1},
            "script": script,
            "unit": org.east,
        },
        pool=[agent],
    )
    ticket = make_ticket(
        manager, org.shanghai, "送货员态度恶劣", type="complaint", customer=customer
    )
    change_status(actor=manager, ticket=ticket, status="resolved", reason="已道歉")
    change_status(actor=manager, ticket=ticket, status="closed")
    generate_for_plan(actor=None, plan=plan, now=ticket.resolved_at + timedelta(days=5))
    return RevisitTask.objects.get()


def test_unsatisfied_branch_opens_a_ticket(
    live_server: Any, browser: Any, shot_dir: Path, org: Any, make_user: Any, monkeypatch: Any
) -> None:
    import kefu.surveys.services as surveys

    monkeypatch.setattr(surveys, "record_rating", lambda **kw: None, raising=False)
    task = _setup(org, make_user)
    base = live_server.url
    page = browser.new_page(viewport={"width": 1360, "height": 900})
    _login(page, base, "agent", "s3cret-pass-123")
    page.goto(f"{base}/revisits/")
    row = page.locator(f"[data-task='{task.pk}']")
    assert row.count() == 1
    page.screenshot(path=str(shot_dir / "70-revisit-queue.png"), full_page=True)
    with page.expect_navigation():
        row.locator("a").click()

    with page.expect_navigation():
        page.click("[data-outcome=reached]")
    opening = page.locator("[data-step=opening]")
    assert opening.is_visible()
    assert "回访专员" in opening.inner_text()
    page.screenshot(path=str(shot_dir / "71-revisit-opening.png"), full_page=True)

    page.keyboard.press("Enter")  # → question 1 (rating)
    rating = page.locator("[data-step=question][data-kind=rating]")
    assert rating.is_visible()
    page.keyboard.press("Enter")  # required: stays until answered
    assert rating.is_visible()
    page.keyboard.press("2")
    assert rating.locator("[data-followup=unsatisfied]").is_visible()
    page.screenshot(path=str(shot_dir / "72-revisit-rating.png"), full_page=True)
    page.keyboard.press("Enter")  # → question 2 (choice)
    choice = page.locator("[data-step=question][data-kind=choice]")
    assert choice.is_visible()
    page.keyboard.press("3")  # 未解决
    page.keyboard.press("Enter")  # → question 3 (text, optional)
    page.locator("[data-step=question][data-kind=text] textarea").fill("希望换一个送货员")
    page.click("[data-next]")
    branch = page.locator("[data-step=branch]")
    assert branch.get_attribute("data-current") == "unsatisfied"
    assert branch.locator("[data-branch=unsatisfied]").is_visible()
    assert not branch.locator("[data-branch=satisfied]").is_visible()
    page.screenshot(path=str(shot_dir / "73-revisit-unsatisfied.png"), full_page=True)
    page.keyboard.press("Enter")  # → closing
    assert page.locator("[data-step=closing]").is_visible()
    page.fill("#rv-notes", "送货员再次迟到，客户很生气")
    with page.expect_navigation():
        page.click("[data-save]")

    task.refresh_from_db()
    assert (task.status, task.result) == ("done", "unsatisfied")
    new = Ticket.objects.get(pk=task.created_ticket_id)
    assert (new.type, new.reference) == ("complaint", task.ticket.number)
    link = page.locator("[data-created-ticket] a")
    assert link.inner_text() == new.number
    page.screenshot(path=str(shot_dir / "74-revisit-recorded.png"), full_page=True)
    with page.expect_navigation():
        link.click()
    assert new.number in page.content()
    page.screenshot(path=str(shot_dir / "75-revisit-new-ticket.png"), full_page=True)
    page.close()
