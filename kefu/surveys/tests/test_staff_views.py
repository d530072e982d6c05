from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from kefu.core.choices import Role
from kefu.surveys.models import Survey, SurveyInvitation
from kefu.surveys.services import record_rating
from kefu.surveys.services_invitations import answer_invitation, invite
from kefu.surveys.tests.helpers import make_ticket


def _client(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


@pytest.fixture
def manager(org, make_user):
    return make_user(Role.MANAGER, org.hq)


def test_manager_creates_and_edits_a_survey(org, manager):
    c = _client(manager)
    r = c.get("/surveys/")
    assert r.status_code == 200
    assert "还没有问卷" in r.content.decode()
    data = {
        "unit": org.hq.pk,
        "kind": "nps",
        "title": "推荐意愿",
        "question": "您会推荐我们吗？",
        "comment_question": "",
        "active": "on",
        "expires_after_days": "5",
        "auto_sample_percent": "20",
        "auto_channel": "sms",
    }
    r = c.post("/surveys/", data)
    assert r.status_code == 302
    s = Survey.objects.get()
    assert (s.kind, s.expires_after_days, s.auto_sample_percent) == ("nps", 5, 20)
    r = c.post(f"/surveys/{s.pk}/edit/", {**data, "title": "", "expires_after_days": "5"})
    assert r.status_code == 422
    r = c.post(f"/surveys/{s.pk}/edit/", {**data, "title": "推荐意愿 2", "active": ""})
    assert r.status_code == 302
    s.refresh_from_db()
    assert (s.title, s.active) == ("推荐意愿 2", False)


def test_agent_may_not_configure_surveys(org, east_agent, csat_survey):
    c = _client(east_agent)
    assert c.get("/surveys/").status_code == 403
    assert c.post("/surveys/", {"title": "x"}).status_code == 403
    assert Survey.objects.count() == 1


def test_agent_sends_an_invitation_from_the_list(east_agent, resolved_ticket, csat_survey):
    c = _client(east_agent)
    r = c.post(
        "/surveys/invitations/",
        {"ticket": resolved_ticket.number, "survey": csat_survey.pk, "channel": "link"},
    )
    assert r.status_code == 302
    inv = SurveyInvitation.objects.get()
    assert inv.ticket_id == resolved_ticket.pk
    r = c.post(
        "/surveys/invitations/",
        {"ticket": "NOPE", "survey": csat_survey.pk, "channel": "link"},
    )
    assert r.status_code == 422
    assert SurveyInvitation.objects.count() == 1


def test_invitation_list_statuses_and_query_count(org, east_agent, csat_survey):
    tickets = [make_ticket(east_agent, org.shanghai, resolved=True) for _ in range(3)]
    old = timezone.now() - timedelta(days=30)
    invite(actor=east_agent, ticket=tickets[0], survey=csat_survey, channel="link", now=old)
    done = invite(actor=east_agent, ticket=tickets[1], survey=csat_survey, channel="link")
    answer_invitation(token=done.token, score=5)
    invite(actor=east_agent, ticket=tickets[2], survey=csat_survey, channel="link")
    c = _client(east_agent)
    c.get("/surveys/invitations/")  # warm the session and navigation
    with CaptureQueriesContext(connection) as few:
        r = c.get("/surveys/invitations/")
    html = r.content.decode()
    assert r.status_code == 200
    assert html.count("<tr>") == 4
    assert "已作答" in html
    assert "已过期" in html
    r = c.get("/surveys/invitations/?status=answered")
    assert r.content.decode().count("<tr>") == 2
    for _ in range(4):  # more rows, same number of queries
        t = make_ticket(east_agent, org.shanghai, resolved=True)
        more = invite(actor=east_agent, ticket=t, survey=csat_survey, channel="link")
        answer_invitation(token=more.token, score=3)
    with CaptureQueriesContext(connection) as many:
        r = c.get("/surveys/invitations/")
    assert r.content.decode().count("<tr>") == 8
    assert len(many) == len(few) <= 9


def test_results_page_chart_table_and_export(org, manager, east_agent, make_user):
    today = timezone.now()
    for score in (5, 4, 2):
        record_rating(actor=None, source="survey", unit=org.shanghai, csat=score, created_at=today)
    record_rating(actor=None, source="revisit", unit=org.shanghai, nps=10, created_at=today)
    c = _client(manager)
    r = c.get("/surveys/results/")
    html = r.content.decode()
    assert r.status_code == 200
    assert 'data-chart="satisfaction"' in html
    assert "vendor/echarts.min.js" in html
    assert 'data-kpi="csat">66.7%' in html
    assert 'data-kpi="nps">100.0' in html
    r = c.get("/surveys/results/?group_by=unit&format=xlsx")
    assert r.status_code == 200
    assert r["Content-Type"].startswith("application/vnd.openxmlformats")
    store_clerk = make_user(Role.STORE_CLERK, org.shanghai)
    assert _client(store_clerk).get("/surveys/results/").status_code == 403
    # an agent without the export permission sees the page's figures of its scope only
    south = make_user(Role.SUPERVISOR, org.south)
    html = _client(south).get("/surveys/results/").content.decode()
    assert 'data-kpi="count">0' in html


def test_comment_with_markup_is_escaped_on_the_results_page(
    org, manager, east_agent, resolved_ticket, csat_survey
):
    done = invite(actor=east_agent, ticket=resolved_ticket, survey=csat_survey, channel="link")
    answer_invitation(token=done.token, score=1, comment="<script>alert(1)</script>\n第二行")
    html = _client(manager).get("/surveys/results/").content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;<br>第二行" in html
    assert resolved_ticket.number in html


def test_results_page_query_count_does_not_grow(org, manager, east_agent):
    c = _client(manager)

    def add(n):
        for i in range(n):
            t = make_ticket(east_agent, org.shanghai)
            record_rating(
                actor=None,
                source="survey",
                unit=org.shanghai,
                csat=1 + i % 5,
                ticket=t,
                agent=east_agent,
                comment=f"留言 {i}",
            )

    add(2)
    c.get("/surveys/results/")
    with CaptureQueriesContext(connection) as few:
        c.get("/surveys/results/")
    add(6)
    with CaptureQueriesContext(connection) as many:
        r = c.get("/surveys/results/")
    assert r.content.decode().count("留言 ") == 8
    assert len(many) == len(few)
