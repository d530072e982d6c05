from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from kefu.core.choices import Role
from kefu.core.errors import NotFound, PermissionDenied
from kefu.notifications.models import OutboxMessage
from kefu.surveys import tokens
from kefu.surveys.errors import (
    InvitationExpired,
    InvitationRefused,
    InvitationUsed,
    ScoreOutOfRange,
)
from kefu.surveys.models import SatisfactionRating, SurveyInvitation
from kefu.surveys.services_invitations import (
    answer_invitation,
    auto_invite_resolved,
    invite,
    open_invitation,
    sampled,
)
from kefu.surveys.tests.helpers import make_ticket


def test_invite_queues_the_link_and_stores_only_a_hash(resolved_ticket, csat_survey, east_agent):
    done = invite(actor=east_agent, ticket=resolved_ticket, survey=csat_survey, channel="sms")
    inv = done.invitation
    assert done.url == f"/surveys/s/{done.token}/"
    assert done.token not in inv.token_hash
    random_part = done.token.split(".")[0]
    assert inv.token_hash == tokens.hash_part(random_part)
    assert (inv.recipient, inv.unit_id, inv.sent_by_id) == (
        "13800138000",
        resolved_ticket.unit_id,
        east_agent.pk,
    )
    assert inv.expires_at - inv.sent_at == timedelta(days=7)
    msg = OutboxMessage.objects.get(template_key="survey.link")
    assert (msg.channel, msg.template_key, msg.link) == ("sms", "survey.link", done.url)
    assert done.url in msg.body
    assert "张三" in msg.body


def test_invite_refusals_leave_nothing(org, make_user, csat_survey, east_agent, resolved_ticket):
    open_ticket = make_ticket(east_agent, org.shanghai)
    with pytest.raises(InvitationRefused):
        invite(actor=east_agent, ticket=open_ticket, survey=csat_survey, channel="sms")
    south_agent = make_user(Role.AGENT, org.south)
    with pytest.raises(NotFound):
        invite(actor=south_agent, ticket=resolved_ticket, survey=csat_survey, channel="sms")
    auditor = make_user(Role.AUDITOR, org.east)
    with pytest.raises(PermissionDenied):
        invite(actor=auditor, ticket=resolved_ticket, survey=csat_survey, channel="sms")
    invite(actor=east_agent, ticket=resolved_ticket, survey=csat_survey, channel="link")
    with pytest.raises(InvitationRefused):
        invite(actor=east_agent, ticket=resolved_ticket, survey=csat_survey, channel="email")
    assert SurveyInvitation.objects.count() == 1
    assert not OutboxMessage.objects.filter(template_key="survey.link").exists()


def test_answer_once_records_the_rating_with_the_assignee(resolved_ticket, csat_survey, east_agent):
    done = invite(actor=east_agent, ticket=resolved_ticket, survey=csat_survey, channel="link")
    inv = answer_invitation(token=done.token, score=4, comment="<script>alert(1)</script>")
    rating = SatisfactionRating.objects.get()
    assert (rating.source, rating.csat, rating.nps, rating.agent_id, rating.ticket_id) == (
        "survey",
        4,
        None,
        east_agent.pk,
        resolved_ticket.pk,
    )
    assert rating.comment == "<script>alert(1)</script>"  # stored as text, escaped on output
    assert inv.rating_id == rating.pk
    assert inv.used_at is not None
    with pytest.raises(InvitationUsed) as exc:
        answer_invitation(token=done.token, score=5)
    assert exc.value.status_code == 410
    with pytest.raises(InvitationUsed):
        open_invitation(token=done.token)
    assert SatisfactionRating.objects.count() == 1


def test_expired_link_refused(resolved_ticket, csat_survey, east_agent):
    past = timezone.now() - timedelta(days=8)
    done = invite(
        actor=east_agent, ticket=resolved_ticket, survey=csat_survey, channel="link", now=past
    )
    with pytest.raises(InvitationExpired) as exc:
        open_invitation(token=done.token)
    assert exc.value.status_code == 410
    with pytest.raises(InvitationExpired):
        answer_invitation(token=done.token, score=5)
    assert SatisfactionRating.objects.count() == 0


@pytest.mark.parametrize(
    "mangle",
    [
        pytest.param(lambda t: t[:-1] + ("A" if t[-1] != "A" else "B"), id="signature"),
        pytest.param(lambda t: ("A" if t[0] != "A" else "B") + t[1:], id="random-part"),
        pytest.param(lambda t: t.split(".")[0], id="unsigned"),
        pytest.param(lambda t: "", id="empty"),
        pytest.param(lambda t: t + "." + "x" * 300, id="long"),
        pytest.param(lambda t: "' OR 1=1 --", id="sql"),
    ],
)
def test_tampered_tokens_are_unknown(resolved_ticket, csat_survey, east_agent, mangle):
    done = invite(actor=east_agent, ticket=resolved_ticket, survey=csat_survey, channel="link")
    with pytest.raises(NotFound):
        answer_invitation(token=mangle(done.token), score=5)
    assert SatisfactionRating.objects.count() == 0
    assert SurveyInvitation.objects.get().used_at is None


@pytest.mark.parametrize(
    ("kind", "score", "ok"),
    [
        pytest.param("csat", 1, True, id="csat-1"),
        pytest.param("csat", 5, True, id="csat-5"),
        pytest.param("csat", 0, False, id="csat-0"),
        pytest.param("csat", 6, False, id="csat-6"),
        pytest.param("nps", 0, True, id="nps-0"),
        pytest.param("nps", 10, True, id="nps-10"),
        pytest.param("nps", 11, False, id="nps-11"),
        pytest.param("nps", -1, False, id="nps-neg"),
    ],
)
def test_scale_bounds(resolved_ticket, csat_survey, nps_survey, east_agent, kind, score, ok):
    survey = csat_survey if kind == "csat" else nps_survey
    done = invite(actor=east_agent, ticket=resolved_ticket, survey=survey, channel="link")
    if ok:
        answer_invitation(token=done.token, score=score)
        r = SatisfactionRating.objects.get()
        assert (r.csat if kind == "csat" else r.nps) == score
    else:
        with pytest.raises(ScoreOutOfRange):
            answer_invitation(token=done.token, score=score)
        assert SatisfactionRating.objects.count() == 0
        assert SurveyInvitation.objects.get().used_at is None


def test_auto_invite_samples_resolved_tickets_once(org, admin_user, east_agent, csat_survey):
    from kefu.surveys.services import update_survey

    update_survey(actor=admin_user, survey=csat_survey, auto_sample_percent=100)
    t1 = make_ticket(east_agent, org.shanghai, resolved=True)
    t2 = make_ticket(east_agent, org.shanghai, resolved=True, contact_phone="")
    make_ticket(east_agent, org.shanghai)  # still open
    assert auto_invite_resolved() == {"invited": 1, "skipped": 1}
    assert list(SurveyInvitation.objects.values_list("ticket_id", flat=True)) == [t1.pk]
    assert auto_invite_resolved() == {"invited": 0, "skipped": 1}
    assert t2.pk not in set(SurveyInvitation.objects.values_list("ticket_id", flat=True))


def test_sampling_is_stable_and_close_to_the_rate():
    picks = [sampled(n, 3, 30) for n in range(1, 2001)]
    assert picks == [sampled(n, 3, 30) for n in range(1, 2001)]
    assert 500 < sum(picks) < 700
    assert not any(sampled(n, 3, 0) for n in range(1, 200))
    assert all(sampled(n, 3, 100) for n in range(1, 200))
