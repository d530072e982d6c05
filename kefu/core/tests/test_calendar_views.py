"""Calendar pages: who sees and changes what, the year view, CSV import with preview."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kefu.core.choices import Role
from kefu.core.models import AuditEvent, BusinessCalendar, CalendarDay
from kefu.core.selectors.calendar import default_calendar
from kefu.core.services import calendar as services

GBK_FILE = "日期,类型,名称\r\n2027-01-01,休,元旦\r\n2027-02-06,休,春节\r\n2027-02-20,班,调休\r\n"


@pytest.fixture(autouse=True)
def _fresh_calendar_cache():
    services.reset_calendar_cache()
    yield
    services.reset_calendar_cache()


@pytest.fixture
def cal(db):
    return default_calendar()


@pytest.fixture
def agent_client(org, make_user, client):
    client.force_login(make_user(Role.AGENT, org.east))
    return client


@pytest.fixture
def manager_client(org, make_user, client):
    client.force_login(make_user(Role.MANAGER, org.hq))
    return client


def detail_url(cal, year=None):
    url = reverse("core:calendar_detail", kwargs={"calendar_id": cal.pk})
    return f"{url}?year={year}" if year else url


def test_pages_need_login(cal, client):
    resp = client.get(reverse("core:calendar_list"))
    assert resp.status_code == 302
    assert resp.url.startswith(reverse("core:login"))


def test_list_for_agent_is_read_only(cal, agent_client, django_assert_max_num_queries):
    agent_client.get(reverse("core:calendar_list"))
    with django_assert_max_num_queries(12):
        resp = agent_client.get(reverse("core:calendar_list"))
    assert resp.status_code == 200
    body = resp.content.decode()
    assert "标准工作日历" in body
    assert reverse("core:calendar_create") not in body


def test_list_query_count_does_not_grow_with_calendars(
    cal, admin_user, agent_client, django_assert_num_queries
):
    agent_client.get(reverse("core:calendar_list"))
    with CaptureQueriesContext(connection) as captured:
        agent_client.get(reverse("core:calendar_list"))
    one = len(captured)
    assert one <= 8
    for n in range(3):
        services.create_calendar(actor=admin_user, name=f"门店日历{n}")
    with django_assert_num_queries(one):
        resp = agent_client.get(reverse("core:calendar_list"))
    assert resp.content.decode().count('data-row-link href="/settings/calendars/') == 4


def test_year_view_marks_holidays_and_make_up_days(cal, agent_client):
    resp = agent_client.get(detail_url(cal, 2026))
    assert resp.status_code == 200
    body = resp.content.decode()
    assert '<td class="cal-holiday" title="2026-10-01 国庆节">' in body
    assert (
        '<td class="cal-makeup" title="2026-10-10 国庆节"><span class="cal-day">10</span>' in body
    )
    assert '<span class="cal-mark">班</span>' in body
    assert '<td class="cal-holiday" title="2026-09-25 中秋">' in body
    assert 'data-source="fallback"' not in body
    assert reverse("core:calendar_day_add", kwargs={"calendar_id": cal.pk}) not in body


def test_year_without_data_is_flagged_loudly(cal, agent_client):
    body = agent_client.get(detail_url(cal, 2027)).content.decode()
    assert 'class="callout cal-fallback" role="alert" data-source="fallback"' in body


def test_detail_query_count_does_not_grow_with_days(
    cal, admin_user, agent_client, django_assert_num_queries
):
    agent_client.get(detail_url(cal, 2027))
    with CaptureQueriesContext(connection) as captured:
        agent_client.get(detail_url(cal, 2027))
    before = len(captured)  # session, user, calendar, scope, days, assignments (menu)
    assert before <= 8
    for day in range(1, 8):
        services.set_calendar_day(actor=admin_user, date=date(2027, 1, day), kind="holiday")
    services.set_calendar_day(actor=admin_user, date=date(2027, 2, 6), kind="workday", calendar=cal)
    agent_client.get(detail_url(cal, 2027))  # recompiles after the writes
    with django_assert_num_queries(before):
        resp = agent_client.get(detail_url(cal, 2027))
    assert len(resp.context["days"]) == 8


def test_manager_adds_and_removes_a_day(cal, manager_client):
    url = reverse("core:calendar_day_add", kwargs={"calendar_id": cal.pk})
    data = {"date": "2027-01-01", "kind": "holiday", "name": "元旦", "scope": "global"}
    resp = manager_client.post(url, data)
    assert resp.status_code == 302
    assert resp.url == detail_url(cal, 2027)
    day = CalendarDay.objects.get()
    assert (day.date, day.kind, day.name, day.calendar_id) == (
        date(2027, 1, 1),
        "holiday",
        "元旦",
        None,
    )
    body = manager_client.get(detail_url(cal, 2027)).content.decode()
    assert 'data-source="override"' in body
    delete = reverse("core:calendar_day_delete", kwargs={"calendar_id": cal.pk, "day_id": day.pk})
    assert manager_client.post(delete).status_code == 302
    assert CalendarDay.objects.count() == 0


def test_bad_day_form_shows_errors_and_writes_nothing(cal, manager_client):
    url = reverse("core:calendar_day_add", kwargs={"calendar_id": cal.pk})
    resp = manager_client.post(url, {"date": "2027-02-30", "kind": "holiday", "scope": "calendar"})
    assert resp.status_code == 200
    assert resp.context["day_form"].errors["date"]
    assert CalendarDay.objects.count() == 0


def test_agent_cannot_change_anything(cal, agent_client):
    add = reverse("core:calendar_day_add", kwargs={"calendar_id": cal.pk})
    data = {"date": "2027-01-01", "kind": "holiday", "scope": "global"}
    assert agent_client.post(add, data).status_code == 403
    edit = reverse("core:calendar_edit", kwargs={"calendar_id": cal.pk})
    assert agent_client.get(edit).status_code == 403
    imp = reverse("core:calendar_import", kwargs={"calendar_id": cal.pk})
    upload = SimpleUploadedFile("2027.csv", GBK_FILE.encode("gbk"), "text/csv")
    assert agent_client.post(imp, {"file": upload, "scope": "global"}).status_code == 403
    assert agent_client.get(reverse("core:calendar_create")).status_code == 403
    assert CalendarDay.objects.count() == 0
    assert not AuditEvent.objects.filter(action__startswith="calendar").exists()


def test_edit_working_hours(cal, manager_client):
    url = reverse("core:calendar_edit", kwargs={"calendar_id": cal.pk})
    form = manager_client.get(url)
    assert form.context["form"].initial["day_1"] == "09:00-12:00, 13:00-18:00"
    data = {"name": cal.name, "timezone": "Asia/Shanghai", "is_default": "on"}
    data |= {f"day_{i}": "8:30-12:00，13:00–17:30" for i in range(1, 6)}
    resp = manager_client.post(url, data)
    assert resp.status_code == 302
    cal.refresh_from_db()
    assert cal.weekday_hours["1"] == [["08:30", "12:00"], ["13:00", "17:30"]]
    assert cal.weekday_hours["6"] == []


def test_bad_working_hours_are_shown_on_their_day(cal, manager_client):
    url = reverse("core:calendar_edit", kwargs={"calendar_id": cal.pk})
    data = {"name": cal.name, "timezone": "Asia/Shanghai", "is_default": "on"}
    data |= {"day_1": "12:00-09:00", "day_2": "09:00", "day_3": "09:00-12:00, 11:00-13:00"}
    resp = manager_client.post(url, data)
    assert resp.status_code == 200
    errors = resp.context["form"].errors
    assert set(errors) == {"day_2"}  # the form catches the shape first
    data["day_2"] = ""
    resp = manager_client.post(url, data)
    assert set(resp.context["form"].errors) == {"day_1", "day_3"}
    cal.refresh_from_db()
    assert cal.weekday_hours["1"] == [["09:00", "12:00"], ["13:00", "18:00"]]


def test_create_calendar_page(cal, manager_client):
    data = {"name": "门店日历", "timezone": "Asia/Shanghai", "day_6": "10:00-16:00"}
    resp = manager_client.post(reverse("core:calendar_create"), data)
    assert resp.status_code == 302
    new = BusinessCalendar.objects.get(name="门店日历")
    assert new.weekday_hours["6"] == [["10:00", "16:00"]]
    assert new.weekday_hours["1"] == []


def test_import_preview_then_confirm(cal, manager_client):
    url = reverse("core:calendar_import", kwargs={"calendar_id": cal.pk})
    upload = SimpleUploadedFile("2027.csv", GBK_FILE.encode("gbk"), "text/csv")
    resp = manager_client.post(url, {"file": upload, "scope": "global"})
    assert resp.status_code == 200
    preview = resp.context["preview"]
    assert [(d.row, d.date.isoformat(), d.kind) for d in preview.days] == [
        (2, "2027-01-01", "holiday"),
        (3, "2027-02-06", "holiday"),
        (4, "2027-02-20", "workday"),
    ]
    assert CalendarDay.objects.count() == 0
    confirm = {k: "" if v is None else v for k, v in resp.context["confirm"].initial.items()}
    assert 'name="payload"' in resp.content.decode()
    resp = manager_client.post(url, confirm)
    assert resp.status_code == 302
    assert resp.url == detail_url(cal, 2027)
    assert sorted(CalendarDay.objects.values_list("date", "kind", "source")) == [
        (date(2027, 1, 1), "holiday", "import"),
        (date(2027, 2, 6), "holiday", "import"),
        (date(2027, 2, 20), "workday", "import"),
    ]


def test_import_with_errors_shows_rows_and_no_confirm(cal, manager_client):
    url = reverse("core:calendar_import", kwargs={"calendar_id": cal.pk})
    bad = "date,kind\n2027-01-01,holiday\n2027-01-02,party\nnope,休\n".encode()
    upload = SimpleUploadedFile("bad.csv", bad, "text/csv")
    resp = manager_client.post(url, {"file": upload, "scope": "calendar"})
    body = resp.content.decode()
    assert 'data-import-errors="2"' in body
    assert [(e.row, e.column, e.value) for e in resp.context["preview"].errors] == [
        (3, "kind", "party"),
        (4, "date", "nope"),
    ]
    assert 'name="payload"' not in body
    assert CalendarDay.objects.count() == 0


def test_import_of_an_oversized_file_is_refused(cal, manager_client):
    url = reverse("core:calendar_import", kwargs={"calendar_id": cal.pk})
    upload = SimpleUploadedFile("big.csv", b"date,kind\n" + b"x" * (1024 * 1024), "text/csv")
    resp = manager_client.post(url, {"file": upload, "scope": "calendar"})
    assert resp.status_code == 200
    assert resp.context["import_form"].non_field_errors()
    assert CalendarDay.objects.count() == 0


def test_deadline_calculator(cal, agent_client):
    url = reverse("core:calendar_deadline")
    assert agent_client.get(url).status_code == 200
    preset = agent_client.get(url, {"calendar": cal.pk})
    assert not preset.context["form"].is_bound
    params = {"start": "2026-09-30T17:00", "hours": "2", "calendar": cal.pk}
    body = agent_client.get(url, params).content.decode()
    assert 'data-due="2026-10-08T10:00:00+08:00"' in body
    assert 'data-source="statutory"' in body
    body = agent_client.get(url, {**params, "start": "2026-12-31T17:00"}).content.decode()
    assert 'data-due="2027-01-01T10:00:00+08:00"' in body
    assert 'data-source="fallback"' in body
    resp = agent_client.get(url, {**params, "hours": "-1"})
    assert resp.context["form"].errors["hours"]
