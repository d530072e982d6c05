"""Two answers to one link at the same moment: the row lock lets exactly one count."""

from __future__ import annotations

import threading
import time

import pytest
from django.db import connection, connections

from kefu.core.choices import Role
from kefu.surveys.errors import InvitationUsed
from kefu.surveys.models import SatisfactionRating, SurveyInvitation
from kefu.surveys.services import create_survey, record_rating
from kefu.surveys.services_invitations import answer_invitation, invite
from kefu.surveys.tests.helpers import make_ticket

pytestmark = pytest.mark.django_db(transaction=True)


def test_two_concurrent_answers_count_once(org, make_user, admin_user, monkeypatch):
    if connection.vendor == "sqlite":
        pytest.skip("SQLite serialises writers itself; the row lock is PostgreSQL's")
    agent = make_user(Role.AGENT, org.east)
    survey = create_survey(
        actor=admin_user, unit=org.hq, kind="csat", title="调查", question="满意吗？"
    )
    ticket = make_ticket(agent, org.shanghai, resolved=True)
    token = invite(actor=agent, ticket=ticket, survey=survey, channel="link").token
    real_record = record_rating

    def slow_record(**kwargs):  # hold the transaction open so that the answers overlap
        time.sleep(0.4)
        return real_record(**kwargs)

    monkeypatch.setattr("kefu.surveys.services_invitations.record_rating", slow_record)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def answer(score: int) -> None:
        try:
            barrier.wait(timeout=5)
            answer_invitation(token=token, score=score)
            outcomes.append("ok")
        except InvitationUsed:
            outcomes.append("used")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=answer, args=(s,)) for s in (5, 1)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=20)
    assert sorted(outcomes) == ["ok", "used"]
    assert SatisfactionRating.objects.count() == 1
    inv = SurveyInvitation.objects.get()
    assert inv.rating_id == SatisfactionRating.objects.get().pk


def test_sequential_second_answer_on_any_database(org, make_user, admin_user):
    agent = make_user(Role.AGENT, org.east)
    survey = create_survey(
        actor=admin_user, unit=org.hq, kind="nps", title="调查", question="推荐吗？"
    )
    ticket = make_ticket(agent, org.shanghai, resolved=True)
    token = invite(actor=agent, ticket=ticket, survey=survey, channel="link").token
    answer_invitation(token=token, score=9)
    with pytest.raises(InvitationUsed):
        answer_invitation(token=token, score=0)
    assert list(SatisfactionRating.objects.values_list("nps", flat=True)) == [9]
