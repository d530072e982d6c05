from __future__ import annotations

import pytest

from kefu.core.choices import Role
from kefu.core.tests.ui_client import ui_fixture  # noqa: F401
from kefu.tickets.choices import ComplaintStage
from kefu.tickets.models import Complaint
from kefu.tickets.tests.h9_fixtures import make_ticket, url


@pytest.fixture(name="complaint")
def complaint_fixture(org, make_user):
    handler = make_user(Role.COMPLAINT_HANDLER, org.east, display_name="投诉专员")
    agent = make_user(Role.AGENT, org.east)
    ticket = make_ticket(handler, org.shanghai, "送货迟到三天", type="complaint")
    return {"handler": handler, "agent": agent, "ticket": ticket}


def test_panel_shows_stage_and_allowed_actions(ui, complaint):
    html = ui(complaint["handler"]).get(url("tickets:detail", complaint["ticket"].pk)).content
    html = html.decode()
    assert 'id="cp-title"' in html
    assert 'name="action" value="register"' in html
    assert 'name="action" value="judge"' not in html


def test_agent_sees_panel_without_actions(ui, complaint):
    html = ui(complaint["agent"]).get(url("tickets:detail", complaint["ticket"].pk)).content
    html = html.decode()
    assert 'id="cp-title"' in html
    assert 'name="action"' not in html


def test_register_then_judge_through_the_page(ui, complaint):
    t, client = complaint["ticket"], ui(complaint["handler"])
    client.post(url("tickets:complaint_action", t.pk), {"action": "register", "demand": "退款"})
    c = Complaint.objects.get(ticket=t)
    assert (c.stage, c.demand) == (ComplaintStage.JUDGE, "退款")
    client.post(
        url("tickets:complaint_action", t.pk), {"action": "judge", "valid": "true", "note": "属实"}
    )
    c.refresh_from_db()
    assert c.stage == ComplaintStage.INVESTIGATE
    assert c.is_valid is True


def test_out_of_order_step_is_refused_with_message(ui, complaint):
    t, client = complaint["ticket"], ui(complaint["handler"])
    response = client.post(
        url("tickets:complaint_action", t.pk),
        {"action": "summarise", "summary": "x"},
        follow=True,
    )
    assert response.status_code == 200
    assert Complaint.objects.get(ticket=t).stage == ComplaintStage.REGISTER
    assert 'class="flash' in response.content.decode()


def test_agent_cannot_take_complaint_step(ui, complaint):
    t = complaint["ticket"]
    ui(complaint["agent"]).post(
        url("tickets:complaint_action", t.pk), {"action": "register", "demand": "退款"}
    )
    assert Complaint.objects.get(ticket=t).stage == ComplaintStage.REGISTER


def test_complaint_queue_shows_stage(ui, complaint):
    html = ui(complaint["handler"]).get(url("tickets:complaints")).content.decode()
    assert complaint["ticket"].number in html
    assert "Register" in html
