"""Customers see only their own tickets (self-lookup by number + phone, survey links), and
access ends when it should: a revoked API token, a deactivated user, a changed role or unit
all take effect on the very next request."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.test import Client

from kefu.core.choices import Role
from kefu.core.models import ApiToken, UnitAssignment
from kefu.core.services import users as user_services
from kefu.core.services.tokens import create_token, revoke_token
from kefu.core.tests.fixtures import ApiClient
from kefu.surveys.services import create_survey
from kefu.surveys.services_invitations import invite
from kefu.tickets.services.intake import create_ticket
from kefu.tickets.services.work import change_status

pytestmark = pytest.mark.django_db
LOOKUP = "/help/lookup/"


@pytest.fixture
def two(org: Any, admin_user: Any) -> dict[str, Any]:
    """A ticket for 王女士 in 上海一店 and one for 陈先生 in 广州一店."""

    def make(unit: Any, name: str, phone: str) -> Any:
        return create_ticket(
            actor=admin_user,
            unit=unit,
            type="repair",
            channel="phone",
            title=f"{name}的热水器",
            contact_name=name,
            contact_phone=phone,
            contact_email="kehu@example.com",
        )

    return {
        "mine": make(org.shanghai, "王女士", "13812340001"),
        "theirs": make(org.guangzhou, "陈先生", "13912340002"),
    }


def _lookup(client: Client, number: str, phone: str) -> str:
    response = client.post(LOOKUP, {"number": number, "phone": phone})
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def test_lookup_shows_a_ticket_only_with_its_own_number_and_phone(two: dict[str, Any]) -> None:
    mine, theirs = two["mine"], two["theirs"]
    client = Client()
    html = _lookup(client, mine.number, "138 1234 0001")
    assert "王女士的热水器" in html
    assert theirs.number not in html
    assert "陈先生" not in html
    for number, phone in [
        (theirs.number, "13812340001"),  # my phone, their number
        (mine.number, "13912340002"),  # their phone, my number
    ]:
        html = _lookup(client, number, phone)
        assert 'data-testid="not-found"' in html
        assert "热水器" not in html


def test_guessing_numbers_finds_nothing_and_is_rate_limited(
    two: dict[str, Any], settings: Any
) -> None:
    settings.KEFU_PUBLIC_LOOKUP_RATE = (5, 600)
    cache.clear()
    theirs = two["theirs"]
    prefix, seq = theirs.number[:-4], int(theirs.number[-4:])
    client = Client()
    guesses = [f"{prefix}{n:04d}" for n in range(seq - 2, seq + 3)]
    for number in guesses:  # the right number, the wrong phone: never a hit
        html = _lookup(client, number, "13800000000")
        assert "热水器" not in html
    # the sixth try is refused even with the right pair: guessing cannot go on
    limited = client.post(LOOKUP, {"number": theirs.number, "phone": "13912340002"})
    assert limited.status_code == 429
    assert "热水器" not in limited.content.decode()


def test_a_survey_link_shows_only_its_own_survey_and_forged_links_nothing(
    org: Any, admin_user: Any, two: dict[str, Any]
) -> None:
    survey = create_survey(
        actor=admin_user, unit=org.hq, kind="csat", title="服务满意度", question="满意吗？"
    )
    links = {}
    for key in ("mine", "theirs"):
        ticket = change_status(actor=admin_user, ticket=two[key], status="resolved")
        links[key] = invite(actor=admin_user, ticket=ticket, survey=survey, channel="link").token
    client = Client()
    page = client.get(f"/surveys/s/{links['mine']}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert two["theirs"].number not in html
    assert "陈先生" not in html
    token = links["mine"]
    forged = [token[:-1] + ("A" if token[-1] != "A" else "B"), "x" * len(token), "1"]
    for bad in forged:
        assert client.get(f"/surveys/s/{bad}/").status_code == 404
        assert client.get(f"/api/v1/surveys/answer/{bad}").status_code == 404


def test_revoked_token_is_refused_on_the_next_request(org: Any, make_user: Any) -> None:
    agent = make_user(Role.AGENT, org.east)
    token, raw = create_token(actor=None, user=agent, name="脚本")
    headers = {"Authorization": f"Bearer {raw}"}
    client = Client()
    assert client.get("/api/v1/me", headers=headers).status_code == 200
    revoke_token(actor=agent, token=token)
    assert client.get("/api/v1/me", headers=headers).status_code == 401
    assert client.get("/api/v1/tickets", headers=headers).status_code == 401


def test_token_revoke_command_ends_access(org: Any, make_user: Any) -> None:
    agent = make_user(Role.AGENT, org.east)
    token, raw = create_token(actor=None, user=agent, name="脚本")
    headers = {"Authorization": f"Bearer {raw}"}
    assert Client().get("/api/v1/me", headers=headers).status_code == 200
    call_command("token", "revoke", str(token.pk), stdout=StringIO())
    assert ApiToken.objects.get(pk=token.pk).revoked_at is not None
    assert Client().get("/api/v1/me", headers=headers).status_code == 401


def test_deactivated_users_token_and_session_stop_working(
    org: Any, make_user: Any, admin_user: Any
) -> None:
    agent = make_user(Role.AGENT, org.east)
    api = ApiClient(agent)
    page = Client()
    page.force_login(agent)
    assert api.get("/api/v1/me").status_code == 200
    assert page.get("/tickets/").status_code == 200
    user_services.update_user(actor=admin_user, user=agent, is_active=False)
    assert api.get("/api/v1/me").status_code == 401
    response = page.get("/tickets/")
    assert response.status_code == 302
    assert "/login/" in response["Location"]


def test_a_new_unit_takes_effect_on_the_next_request(
    org: Any, make_user: Any, admin_user: Any, two: dict[str, Any]
) -> None:
    agent = make_user(Role.AGENT, org.east)
    api = ApiClient(agent)
    page = Client()
    page.force_login(agent)
    mine = two["mine"]
    assert api.get(f"/api/v1/tickets/{mine.pk}").status_code == 200
    assert page.get(f"/tickets/{mine.pk}/").status_code == 200
    user_services.assign_role(actor=admin_user, user=agent, unit=org.south, role=Role.AGENT)
    old = UnitAssignment.objects.get(user=agent, unit=org.east)
    user_services.remove_assignment(actor=admin_user, assignment=old)
    assert api.get(f"/api/v1/tickets/{mine.pk}").status_code == 404
    assert page.get(f"/tickets/{mine.pk}/").status_code == 404
    listed = api.get("/api/v1/tickets").json()["items"]
    assert [t["number"] for t in listed] == [two["theirs"].number]


def test_a_lost_permission_takes_effect_on_the_next_request(
    org: Any, make_user: Any, admin_user: Any
) -> None:
    supervisor = make_user(Role.SUPERVISOR, org.east)
    page = Client()
    page.force_login(supervisor)
    assert page.get("/settings/audit/").status_code == 200
    user_services.assign_role(actor=admin_user, user=supervisor, unit=org.east, role=Role.AGENT)
    old = UnitAssignment.objects.get(user=supervisor, unit=org.east, role=Role.SUPERVISOR)
    user_services.remove_assignment(actor=admin_user, assignment=old)
    assert page.get("/settings/audit/").status_code == 403
