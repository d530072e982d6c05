"""The calendar API: exact response shapes, permissions, bad input, query counts."""

from __future__ import annotations

import pytest

from kefu.core.choices import Role
from kefu.core.models import AuditEvent, CalendarDay
from kefu.core.selectors.calendar import default_calendar
from kefu.core.services import calendar as services
from kefu.core.services import org as org_services

DEADLINE = "/api/v1/calendar/deadline"
DAYS = "/api/v1/calendar/days"


@pytest.fixture(autouse=True)
def _fresh_calendar_cache():
    services.reset_calendar_cache()
    yield
    services.reset_calendar_cache()


@pytest.fixture
def agent_api(org, make_user, api_as):
    return api_as(make_user(Role.AGENT, org.east))


@pytest.fixture
def manager_api(org, make_user, api_as):
    return api_as(make_user(Role.MANAGER, org.hq))


@pytest.mark.parametrize(
    ("start", "hours", "due", "source"),
    [
        ("2026-09-30T17:00:00+08:00", "2", "2026-10-08T10:00:00+08:00", "statutory"),
        ("2026-10-09T17:00:00+08:00", "2", "2026-10-10T10:00:00+08:00", "statutory"),
        ("2026-09-24T17:00", "2", "2026-09-28T10:00:00+08:00", "statutory"),
        ("2026-09-30T09:00:00Z", "2", "2026-10-08T10:00:00+08:00", "statutory"),
        ("2026-03-02T11:30:00+08:00", "1.5", "2026-03-02T14:00:00+08:00", "statutory"),
        ("2026-03-07T10:00:00+08:00", "1", "2026-03-09T10:00:00+08:00", "statutory"),
        ("2026-03-02T17:00:00+08:00", "1", "2026-03-02T18:00:00+08:00", "statutory"),
        ("2026-12-31T17:00:00+08:00", "2", "2027-01-01T10:00:00+08:00", "fallback"),
    ],
)  # fmt: skip
def test_deadline_answers_exactly(agent_api, start, hours, due, source):
    resp = agent_api.get(DEADLINE, {"start": start, "hours": hours})
    assert resp.status_code == 200
    assert resp.json() == {"due": due, "source": source}


def test_deadline_tolerates_unencoded_plus_in_offset(agent_api):
    resp = agent_api.get(f"{DEADLINE}?start=2026-09-30T17:00:00+08:00&hours=2")
    assert resp.json() == {"due": "2026-10-08T10:00:00+08:00", "source": "statutory"}


def test_fallback_year_turns_override_after_days_are_posted(agent_api, manager_api):
    query = {"start": "2026-12-31T17:00:00+08:00", "hours": "2"}
    assert agent_api.get(DEADLINE, query).json()["source"] == "fallback"
    for day in ("2027-01-01", "2027-01-02", "2027-01-03"):
        resp = manager_api.post(DAYS, {"date": day, "kind": "holiday", "name": "元旦"})
        assert resp.status_code == 201
    assert agent_api.get(DEADLINE, query).json() == {
        "due": "2027-01-04T10:00:00+08:00",
        "source": "override",
    }


def test_deadline_uses_the_units_calendar(org, admin_user, agent_api):
    cal = services.create_calendar(
        actor=admin_user, name="华东日历", weekday_hours={"1": [["08:30", "17:30"]]}
    )
    org_services.update_unit(actor=admin_user, unit=org.east, calendar=cal)
    query = {"start": "2026-03-06T17:00:00+08:00", "hours": "2", "unit": org.shanghai.pk}
    assert agent_api.get(DEADLINE, query).json() == {
        "due": "2026-03-09T10:30:00+08:00",
        "source": "statutory",
    }


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"start": "2026-03-02T09:00:00+08:00", "hours": "abc"}, "hours"),
        ({"start": "2026-03-02T09:00:00+08:00", "hours": "-1"}, "hours"),
        ({"start": "2026-03-02T09:00:00+08:00", "hours": "0"}, "hours"),
        ({"start": "2026-03-02T09:00:00+08:00", "hours": "nan"}, "hours"),
        ({"start": "2026-03-02T09:00:00+08:00", "hours": "inf"}, "hours"),
        ({"start": "2026-03-02T09:00:00+08:00", "hours": "100001"}, "hours"),
        ({"start": "garbage", "hours": "1"}, "start"),
        ({"start": "2026-13-45T09:00", "hours": "1"}, "start"),
        ({"hours": "1"}, "start"),
        ({"start": "2026-03-02T09:00:00+08:00"}, "hours"),
        ({"start": "2026-03-02T09:00:00+08:00", "hours": "1", "unit": "x"}, "unit"),
    ],
)
def test_deadline_bad_input_is_422_in_standard_shape(agent_api, params, field):
    resp = agent_api.get(DEADLINE, params)
    assert resp.status_code == 422
    body = resp.json()
    assert set(body) == {"code", "message", "details"}
    assert body["code"] == "validation_error"
    assert [d["field"] for d in body["details"]] == [field]


def test_deadline_outside_supported_years_is_422(agent_api):
    resp = agent_api.get(DEADLINE, {"start": "1900-01-01T09:00:00+08:00", "hours": "1"})
    assert resp.status_code == 422
    assert resp.json()["code"] == "calendar_out_of_range"
    resp = agent_api.get(DEADLINE, {"start": "2200-12-31T17:00:00+08:00", "hours": "2"})
    assert resp.status_code == 422


def test_deadline_unit_outside_scope_is_404(org, agent_api):
    base = {"start": "2026-03-02T09:00:00+08:00", "hours": "1"}
    assert agent_api.get(DEADLINE, {**base, "unit": org.guangzhou.pk}).status_code == 404
    assert agent_api.get(DEADLINE, {**base, "unit": 999999}).status_code == 404
    assert agent_api.get(DEADLINE, {**base, "unit": org.shanghai.pk}).status_code == 200


def test_deadline_needs_authentication(db, client):
    resp = client.get(DEADLINE, {"start": "2026-03-02T09:00:00+08:00", "hours": "1"})
    assert resp.status_code == 401


def test_deadline_query_count(agent_api, django_assert_num_queries):
    query = {"start": "2026-09-30T17:00:00+08:00", "hours": "2"}
    agent_api.get(DEADLINE, query)  # compiles the calendar
    with django_assert_num_queries(2):  # token, default calendar
        resp = agent_api.get(DEADLINE, query)
    assert resp.status_code == 200


def test_deadline_with_unit_query_count(org, agent_api, django_assert_num_queries):
    query = {"start": "2026-09-30T17:00:00+08:00", "hours": "2", "unit": org.shanghai.pk}
    agent_api.get(DEADLINE, query)
    with django_assert_num_queries(5):  # token, scope, unit, ancestors' calendars, default
        resp = agent_api.get(DEADLINE, query)
    assert resp.status_code == 200


def test_between(agent_api):
    resp = agent_api.get(
        "/api/v1/calendar/between",
        {"start": "2026-09-30T17:00:00+08:00", "end": "2026-10-09T10:30:00+08:00"},
    )
    assert resp.json() == {"seconds": 37800, "hours": 10.5, "source": "statutory"}
    resp = agent_api.get("/api/v1/calendar/between", {"start": "x", "end": "y"})
    assert resp.status_code == 422


def test_post_day_creates_then_replaces(manager_api):
    resp = manager_api.post(DAYS, {"date": "2027-01-01", "kind": "holiday", "name": "元旦"})
    assert resp.status_code == 201
    body = resp.json()
    assert body == {
        "id": body["id"],
        "date": "2027-01-01",
        "kind": "holiday",
        "name": "元旦",
        "source": "admin",
        "calendar": None,
    }
    resp = manager_api.post(DAYS, {"date": "2027-01-01", "kind": "workday", "name": "值班"})
    assert resp.status_code == 200
    assert resp.json() == {**body, "kind": "workday", "name": "值班"}
    assert CalendarDay.objects.count() == 1


def test_post_day_for_one_calendar(admin_user, manager_api):
    cal = services.create_calendar(actor=admin_user, name="门店日历")
    resp = manager_api.post(DAYS, {"date": "2027-01-01", "kind": "holiday", "calendar": cal.pk})
    assert resp.status_code == 201
    assert resp.json()["calendar"] == cal.pk
    resp = manager_api.post(DAYS, {"date": "2027-01-01", "kind": "holiday", "calendar": 99999})
    assert resp.status_code == 404


def test_agent_cannot_post_days_and_nothing_is_written(agent_api):
    audit = AuditEvent.objects.count()
    resp = agent_api.post(DAYS, {"date": "2027-01-01", "kind": "holiday", "name": "元旦"})
    assert resp.status_code == 403
    assert resp.json()["code"] == "permission_denied"
    assert CalendarDay.objects.count() == 0
    assert AuditEvent.objects.count() == audit


@pytest.mark.parametrize(
    ("payload", "code"),
    [
        ({"date": "2027-01-01", "kind": "party"}, "validation_error"),
        ({"date": "2027-02-30", "kind": "holiday"}, "validation_error"),
        ({"date": "2027-01-01", "kind": "holiday", "name": "x" * 61}, "validation_error"),
        ({"date": "2300-01-01", "kind": "holiday"}, "validation_error"),
        ({"kind": "holiday"}, "validation_error"),
    ],
)
def test_post_day_bad_input(manager_api, payload, code):
    resp = manager_api.post(DAYS, payload)
    assert resp.status_code == 422
    assert resp.json()["code"] == code
    assert CalendarDay.objects.count() == 0


def test_list_and_delete_days(admin_user, agent_api, manager_api, django_assert_num_queries):
    from datetime import date

    for d in (date(2026, 12, 31), date(2027, 1, 1), date(2027, 1, 2)):
        services.set_calendar_day(actor=admin_user, date=d, kind="holiday", name="元旦")
    agent_api.get(DAYS)
    with django_assert_num_queries(3):  # token, count, page
        resp = agent_api.get(DAYS, {"year": 2027})
    body = resp.json()
    assert body["count"] == 2
    assert [d["date"] for d in body["items"]] == ["2027-01-01", "2027-01-02"]
    day_id = body["items"][0]["id"]
    assert agent_api.delete(f"{DAYS}/{day_id}").status_code == 403
    assert manager_api.delete(f"{DAYS}/{day_id}").status_code == 204
    assert manager_api.delete(f"{DAYS}/{day_id}").status_code == 404
    assert agent_api.get(DAYS, {"year": 2027}).json()["count"] == 1
    assert agent_api.get(DAYS, {"year": 3000}).status_code == 422


def test_list_calendars(admin_user, agent_api, django_assert_num_queries):
    services.create_calendar(actor=admin_user, name="门店日历")
    agent_api.get("/api/v1/calendar/calendars")
    with django_assert_num_queries(3):  # token, count, page
        resp = agent_api.get("/api/v1/calendar/calendars")
    body = resp.json()
    assert body["count"] == 2
    first = body["items"][0]
    assert first == {
        "id": default_calendar().pk,
        "name": "标准工作日历",
        "timezone": "Asia/Shanghai",
        "weekday_hours": {
            **{str(i): [["09:00", "12:00"], ["13:00", "18:00"]] for i in range(1, 6)},
            "6": [],
            "7": [],
        },
        "is_default": True,
    }
