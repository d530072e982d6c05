from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from kefu.core.choices import Role
from kefu.surveys.models import SatisfactionRating, Survey, SurveyInvitation
from kefu.surveys.services import record_rating
from kefu.surveys.services_invitations import answer_invitation, invite
from kefu.surveys.tests.helpers import at, make_ticket

BASE = "/api/v1/surveys"


@pytest.fixture
def manager(org, make_user):
    return make_user(Role.MANAGER, org.hq)


def test_create_list_and_patch_surveys(api_as, org, manager, east_agent):
    api = api_as(manager)
    body = {"unit_id": org.hq.pk, "kind": "csat", "title": "满意度", "question": "满意吗？"}
    r = api.post(BASE, body)
    assert r.status_code == 201, r.json()
    sid = r.json()["id"]
    assert r.json()["expires_after_days"] == 7
    r = api.patch(f"{BASE}/{sid}", {"auto_sample_percent": 30})
    assert r.json()["auto_sample_percent"] == 30
    assert api.post(BASE, {**body, "kind": "ces"}).status_code == 422
    agent_api = api_as(east_agent)
    assert [s["id"] for s in agent_api.get(BASE).json()] == [sid]  # HQ survey applies in east
    assert agent_api.post(BASE, {**body, "unit_id": org.east.pk}).status_code == 403
    assert agent_api.post(BASE, body).status_code == 404  # HQ is not in the agent's units
    assert agent_api.patch(f"{BASE}/{sid}", {"active": False}).status_code == 403
    assert Survey.objects.get().active is True


def test_invite_and_list_invitations(api_as, east_agent, resolved_ticket, csat_survey):
    api = api_as(east_agent)
    r = api.post(
        f"{BASE}/invitations",
        {"ticket_id": resolved_ticket.pk, "survey_id": csat_survey.pk, "channel": "sms"},
    )
    assert r.status_code == 201, r.json()
    data = r.json()
    assert data["url"].startswith("http://testserver/surveys/s/")
    assert (data["status"], data["recipient"], data["ticket_number"]) == (
        "sent",
        "13800138000",
        resolved_ticket.number,
    )
    again = api.post(
        f"{BASE}/invitations",
        {"ticket_id": resolved_ticket.pk, "survey_id": csat_survey.pk, "channel": "sms"},
    )
    assert again.status_code == 422
    assert again.json()["code"] == "invitation_refused"
    page = api.get(f"{BASE}/invitations", {"status": "sent"}).json()
    assert page["count"] == 1
    assert page["items"][0]["id"] == data["id"]
    assert api.get(f"{BASE}/invitations", {"status": "answered"}).json()["count"] == 0


def test_invitation_list_query_count(
    api_as, org, east_agent, csat_survey, django_assert_num_queries
):
    for _ in range(3):
        t = make_ticket(east_agent, org.shanghai, resolved=True)
        done = invite(actor=east_agent, ticket=t, survey=csat_survey, channel="link")
        answer_invitation(token=done.token, score=4)
    api = api_as(east_agent)
    api.get(f"{BASE}/invitations")
    with django_assert_num_queries(4):
        r = api.get(f"{BASE}/invitations")
    assert [i["csat"] for i in r.json()["items"]] == [4, 4, 4]


def test_public_answer_endpoints(api_as, east_agent, resolved_ticket, nps_survey):
    done = invite(actor=east_agent, ticket=resolved_ticket, survey=nps_survey, channel="link")
    anon = api_as(None)
    r = anon.get(f"{BASE}/answer/{done.token}")
    assert r.status_code == 200
    assert (r.json()["kind"], r.json()["min_score"], r.json()["max_score"]) == ("nps", 0, 10)
    assert anon.post(f"{BASE}/answer/{done.token}", {"score": 11}).status_code == 422
    r = anon.post(f"{BASE}/answer/{done.token}", {"score": 9, "comment": "'; DROP TABLE x;--"})
    assert r.status_code == 201
    r = anon.post(f"{BASE}/answer/{done.token}", {"score": 10})
    assert r.status_code == 410
    assert r.json()["code"] == "invitation_used"
    assert anon.get(f"{BASE}/answer/{done.token}").status_code == 410
    assert anon.get(f"{BASE}/answer/{done.token}x").status_code == 404
    assert anon.get(f"{BASE}/answer/nonsense").status_code == 404
    rating = SatisfactionRating.objects.get()
    assert (rating.nps, rating.comment) == (9, "'; DROP TABLE x;--")


def test_public_answer_expired_is_410(api_as, east_agent, resolved_ticket, csat_survey):
    past = timezone.now() - timedelta(days=10)
    done = invite(
        actor=east_agent, ticket=resolved_ticket, survey=csat_survey, channel="link", now=past
    )
    r = api_as(None).post(f"{BASE}/answer/{done.token}", {"score": 5})
    assert r.status_code == 410
    assert r.json()["code"] == "invitation_expired"
    assert SurveyInvitation.objects.get().used_at is None


def test_satisfaction_figures_endpoint(api_as, org, manager, east_agent, make_user):
    for score in (5, 5, 3, 2):
        record_rating(
            actor=None, source="survey", unit=org.shanghai, csat=score, created_at=at(2026, 11, 3)
        )
    record_rating(
        actor=None, source="revisit", unit=org.guangzhou, nps=3, created_at=at(2026, 11, 9)
    )
    q = {"since": "2026-11-01", "until": "2026-11-30", "group_by": "week"}
    data = api_as(manager).get(f"{BASE}/satisfaction", q).json()
    assert data["total"]["count"] == 5
    assert (data["total"]["csat_average"], data["total"]["csat_percent"]) == (3.75, 50.0)
    assert data["total"]["nps"] == -100.0
    assert [(r["key"], r["count"]) for r in data["rows"]][:3] == [
        ("2026-10-26", 0),
        ("2026-11-02", 4),
        ("2026-11-09", 1),
    ]
    east_sup = make_user(Role.SUPERVISOR, org.east)
    east = api_as(east_sup).get(f"{BASE}/satisfaction", {**q, "group_by": "unit"}).json()
    assert [(r["label"], r["count"]) for r in east["rows"]] == [("上海一店", 4)]
    assert api_as(east_agent).get(f"{BASE}/satisfaction", q).status_code == 403
    bad = api_as(manager).get(f"{BASE}/satisfaction", {**q, "group_by": "year"})
    assert bad.status_code == 422
