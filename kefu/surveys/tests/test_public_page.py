from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from kefu.surveys.models import SatisfactionRating, SurveyInvitation
from kefu.surveys.services_invitations import invite

PHONE: dict[str, Any] = {
    "HTTP_USER_AGENT": "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Mobile/15E148",
    "HTTP_ACCEPT_LANGUAGE": "zh-CN,zh;q=0.9",
}


@pytest.fixture
def link(resolved_ticket, csat_survey, east_agent):
    return invite(actor=east_agent, ticket=resolved_ticket, survey=csat_survey, channel="link")


def test_page_renders_in_chinese_for_a_phone_without_login(link):
    client = Client()
    r = client.get(link.url, **PHONE)
    assert r.status_code == 200
    html = r.content.decode()
    assert '<html lang="zh-hans">' in html
    assert 'name="viewport" content="width=device-width, initial-scale=1"' in html
    assert "服务满意度调查" in html
    assert "您对本次服务满意吗？" in html
    assert "提交" in html
    assert "非常满意" in html
    assert html.count('type="radio" name="score"') == 5
    assert "csrfmiddlewaretoken" in html
    assert SurveyInvitation.objects.get().opened_at is not None


def test_answer_then_thanks_then_already_answered(link):
    client = Client(enforce_csrf_checks=True)
    page = client.get(link.url, **PHONE)
    csrf = page.cookies["csrftoken"].value
    r = client.post(
        link.url,
        {"score": "5", "comment": "<b>很好</b>", "csrfmiddlewaretoken": csrf},
        **PHONE,
    )
    assert r.status_code == 302
    assert r["Location"] == link.url + "thanks/"
    thanks = client.get(r["Location"], **PHONE)
    assert thanks.status_code == 200
    assert "感谢您的反馈" in thanks.content.decode()
    again = client.get(link.url, **PHONE)
    assert again.status_code == 410
    assert "您已经填写过这份问卷" in again.content.decode()
    assert SatisfactionRating.objects.get().comment == "<b>很好</b>"


def test_post_without_csrf_is_refused(link):
    r = Client(enforce_csrf_checks=True).post(link.url, {"score": "5"}, **PHONE)
    assert r.status_code == 403
    assert SatisfactionRating.objects.count() == 0


def test_missing_or_bad_score_keeps_the_comment(link):
    client = Client()
    r = client.post(link.url, {"score": "9", "comment": "还行"}, **PHONE)
    assert r.status_code == 422
    html = r.content.decode()
    assert "请在量表上选择一个分数" in html
    assert "还行" in html
    assert SatisfactionRating.objects.count() == 0


def test_expired_unknown_and_tampered_pages(resolved_ticket, csat_survey, east_agent):
    past = timezone.now() - timedelta(days=30)
    old = invite(
        actor=east_agent, ticket=resolved_ticket, survey=csat_survey, channel="link", now=past
    )
    client = Client()
    r = client.get(old.url, **PHONE)
    assert r.status_code == 410
    assert "问卷链接已过期" in r.content.decode()
    r = client.get(old.url[:-3] + "x/", **PHONE)
    assert r.status_code == 404
    assert "问卷链接无效" in r.content.decode()


def test_comment_is_escaped_on_the_staff_side_too(link):
    # the injection string is stored verbatim; templates never mark it safe
    Client().post(link.url, {"score": "1", "comment": "<script>alert(1)</script>"})
    assert SatisfactionRating.objects.get().comment == "<script>alert(1)</script>"


def test_rate_limited_per_token(link, settings):
    settings.KEFU_SURVEY_TOKEN_RATE = (3, 600)
    client = Client()
    codes = [client.get(link.url).status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]


def test_thanks_page_before_answering_goes_back_to_the_form(link):
    r = Client().get(link.url + "thanks/")
    assert r.status_code == 302
    assert r["Location"] == link.url


def test_answered_then_expired_still_says_already_answered(
    resolved_ticket, csat_survey, east_agent
):
    from kefu.surveys.services_invitations import answer_invitation

    past = timezone.now() - timedelta(days=30)
    old = invite(
        actor=east_agent, ticket=resolved_ticket, survey=csat_survey, channel="link", now=past
    )
    answer_invitation(token=old.token, score=4, now=past + timedelta(hours=2))
    r = Client().get(old.url)
    assert r.status_code == 410
    assert "您已经填写过这份问卷" in r.content.decode()
    assert Client().get(old.url + "thanks/").status_code == 200
