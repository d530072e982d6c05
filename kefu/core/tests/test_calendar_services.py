"""Calendar services: unit calendars, day and calendar writes, cache invalidation, CSV import."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.cache import cache
from django.utils import translation

from kefu.core.choices import Role
from kefu.core.errors import (
    CalendarRangeError,
    Conflict,
    ImportFailed,
    PermissionDenied,
    ValidationFailed,
)
from kefu.core.models import AuditEvent, BusinessCalendar, CalendarDay
from kefu.core.selectors.calendar import default_calendar
from kefu.core.services import calendar as services
from kefu.core.services import org as org_services

SH = ZoneInfo("Asia/Shanghai")


@pytest.fixture(autouse=True)
def _fresh_calendar_cache():
    services.reset_calendar_cache()
    yield
    services.reset_calendar_cache()


@pytest.fixture
def english():
    with translation.override("en"):
        yield


def due(calendar, start: str, hours: float) -> tuple[str, str]:
    start_at = datetime.fromisoformat(start).replace(tzinfo=SH)
    result = services.add_business_time(start_at, timedelta(hours=hours), calendar)
    return result.due.isoformat(), result.source


def test_default_calendar_gives_statutory_answers(db):
    cal = default_calendar()
    assert cal.name == "标准工作日历"
    assert due(cal, "2026-09-30T17:00", 2) == ("2026-10-08T10:00:00+08:00", "statutory")
    span = services.business_time_between(
        datetime(2026, 9, 30, 17, tzinfo=SH), datetime(2026, 10, 8, 10, tzinfo=SH), cal
    )
    assert span == (7200, "statutory")


def test_out_of_range_is_calendar_range_error(db):
    with pytest.raises(CalendarRangeError) as exc:
        due(default_calendar(), "2200-12-31T17:00", 2)
    assert exc.value.details == {"year": 2201, "min_year": 1990, "max_year": 2200}
    assert "1990" in exc.value.message


def test_unit_uses_nearest_ancestor_calendar(org, admin_user):
    east_cal = services.create_calendar(
        actor=admin_user, name="华东日历", weekday_hours={"1": [["08:30", "17:30"]]}
    )
    org_services.update_unit(actor=admin_user, unit=org.east, calendar=east_cal)
    store_cal = services.create_calendar(actor=admin_user, name="门店日历")
    assert services.calendar_for_unit(org.shanghai) == east_cal
    assert services.calendar_for_unit(org.east) == east_cal
    assert services.calendar_for_unit(org.guangzhou) == default_calendar()
    assert services.calendar_for_unit(org.hq) == default_calendar()
    assert services.calendar_for_unit(None) == default_calendar()
    shanghai = org_services.update_unit(actor=admin_user, unit=org.shanghai, calendar=store_cal)
    assert services.calendar_for_unit(shanghai) == store_cal
    # Monday-only hours: Friday 2026-03-06 17:00 + 2 h → Monday 2026-03-09 10:30.
    assert due(east_cal, "2026-03-06T17:00", 2) == ("2026-03-09T10:30:00+08:00", "statutory")


def test_set_day_upserts_by_date_and_is_audited(db, admin_user):
    day, created = services.set_calendar_day(
        actor=admin_user, date=date(2027, 1, 1), kind="holiday", name=" 元旦 "
    )
    assert (created, day.kind, day.name, day.calendar_id) == (True, "holiday", "元旦", None)
    again, created = services.set_calendar_day(
        actor=admin_user, date=date(2027, 1, 1), kind="workday", name="值班"
    )
    assert (created, again.pk, again.kind, again.name) == (False, day.pk, "workday", "值班")
    assert CalendarDay.objects.count() == 1
    actions = list(AuditEvent.objects.order_by("id").values_list("action", flat=True))
    assert actions[-2:] == ["calendar_day.create", "calendar_day.update"]
    last = AuditEvent.objects.order_by("-id")[0]
    assert last.changes == {
        "kind": ["holiday", "workday"],
        "name": ["元旦", "值班"],
        "calendar": None,
    }


def test_agent_cannot_set_or_delete_days_and_nothing_is_written(org, make_user, admin_user):
    agent = make_user(Role.AGENT, org.hq)
    audit_before = AuditEvent.objects.count()
    with pytest.raises(PermissionDenied):
        services.set_calendar_day(actor=agent, date=date(2027, 1, 1), kind="holiday", name="x")
    day, _ = services.set_calendar_day(actor=admin_user, date=date(2027, 1, 1), kind="holiday")
    with pytest.raises(PermissionDenied):
        services.delete_calendar_day(actor=agent, day=day)
    assert list(CalendarDay.objects.values_list("pk", flat=True)) == [day.pk]
    assert AuditEvent.objects.count() == audit_before + 1


def test_headquarters_manager_can_set_days(org, make_user):
    manager = make_user(Role.MANAGER, org.hq)
    day, created = services.set_calendar_day(actor=manager, date=date(2027, 5, 1), kind="holiday")
    assert created
    services.delete_calendar_day(actor=manager, day=day)
    assert CalendarDay.objects.count() == 0


def test_regional_manager_cannot_change_the_national_schedule(org, make_user):
    manager = make_user(Role.MANAGER, org.east)
    with pytest.raises(PermissionDenied):
        services.set_calendar_day(actor=manager, date=date(2027, 5, 1), kind="holiday")
    assert CalendarDay.objects.count() == 0


@pytest.mark.parametrize(
    ("kwargs", "details"),
    [
        ({"kind": "party"}, {"kind": "Choose holiday or workday."}),
        ({"name": "x" * 61}, {"name": "At most 60 characters."}),
        ({"date": date(2300, 1, 1)}, {"date": "Choose a date between 1990 and 2200."}),
    ],
)
def test_set_day_validates(db, admin_user, english, kwargs, details):
    args = {"date": date(2027, 1, 1), "kind": "holiday", "name": "", **kwargs}
    with pytest.raises(ValidationFailed) as exc:
        services.set_calendar_day(actor=admin_user, **args)
    assert exc.value.details == details
    assert CalendarDay.objects.count() == 0


def test_fallback_year_becomes_override_after_days_are_entered(db, admin_user):
    cal = default_calendar()
    assert due(cal, "2026-12-31T17:00", 2) == ("2027-01-01T10:00:00+08:00", "fallback")
    for day in (1, 2, 3):
        services.set_calendar_day(
            actor=admin_user, date=date(2027, 1, day), kind="holiday", name="元旦"
        )
    assert due(cal, "2026-12-31T17:00", 2) == ("2027-01-04T10:00:00+08:00", "override")


def test_calendar_day_beats_global_day(db, admin_user):
    own = services.create_calendar(actor=admin_user, name="工厂日历")
    services.set_calendar_day(actor=admin_user, date=date(2026, 10, 9), kind="holiday", name="x")
    services.set_calendar_day(
        actor=admin_user, date=date(2026, 10, 9), kind="workday", name="y", calendar=own
    )
    assert due(default_calendar(), "2026-10-08T17:00", 2) == (
        "2026-10-10T10:00:00+08:00",
        "override",
    )
    assert due(own, "2026-10-08T17:00", 2) == ("2026-10-09T10:00:00+08:00", "override")


def test_other_processes_see_changes_after_the_version_check(db, admin_user, settings):
    cal = default_calendar()
    settings.KEFU_CALENDAR_CACHE_SECONDS = 3600
    assert due(cal, "2026-10-08T17:00", 2)[0] == "2026-10-09T10:00:00+08:00"
    # Another process writes a day and bumps the version key; we have not looked yet.
    CalendarDay.objects.create(date=date(2026, 10, 9), kind="holiday")
    cache.set(services.VERSION_KEY, "from-another-process", None)
    assert due(cal, "2026-10-08T17:00", 2)[0] == "2026-10-09T10:00:00+08:00"
    settings.KEFU_CALENDAR_CACHE_SECONDS = 0
    assert due(cal, "2026-10-08T17:00", 2)[0] == "2026-10-10T10:00:00+08:00"


def test_update_calendar_hours_takes_effect_at_once(db, admin_user):
    cal = default_calendar()
    assert due(cal, "2026-03-02T17:00", 2)[0] == "2026-03-03T10:00:00+08:00"
    cal = services.update_calendar(
        actor=admin_user, calendar=cal, weekday_hours={"2": [["08:00", "20:00"]]}
    )
    assert cal.weekday_hours == {
        "1": [],
        "2": [["08:00", "20:00"]],
        "3": [],
        "4": [],
        "5": [],
        "6": [],
        "7": [],
    }
    assert due(cal, "2026-03-02T17:00", 2)[0] == "2026-03-03T10:00:00+08:00"
    assert due(cal, "2026-03-03T19:00", 2)[0] == "2026-03-10T09:00:00+08:00"
    assert AuditEvent.objects.filter(action="calendar.update").count() == 1


NOT_A_PERIOD = "“%s” is not a period; use HH:MM, e.g. 09:00–12:00."
NEEDS_TWO = 'Each period needs a start and an end, like ["09:00", "12:00"].'


@pytest.mark.parametrize(
    ("hours", "details"),
    [
        ({"1": [["9:00", "12:00"]]}, {"1": NOT_A_PERIOD % "9:00–12:00"}),
        ({"1": [["25:00", "26:00"]]}, {"1": NOT_A_PERIOD % "25:00–26:00"}),
        ({"1": [["12:00", "09:00"]]}, {"1": "12:00–09:00 ends before it starts."}),
        (
            {"1": [["09:00", "12:00"], ["11:00", "13:00"]]},
            {"1": "09:00–12:00 overlaps 11:00–13:00."},
        ),
        ({"8": [["09:00", "12:00"]]}, {"8": "Unknown weekday; use 1 (Monday) to 7 (Sunday)."}),
        ({"1": [["09:00"]]}, {"1": NEEDS_TWO}),
        ({"1": []}, {"weekday_hours": "Enter working hours for at least one weekday."}),
    ],
)
def test_working_hours_are_validated_with_clear_messages(db, admin_user, english, hours, details):
    cal = default_calendar()
    with pytest.raises(ValidationFailed) as exc:
        services.update_calendar(actor=admin_user, calendar=cal, weekday_hours=hours)
    assert exc.value.details == {"weekday_hours": details}
    cal.refresh_from_db()
    assert cal.weekday_hours["1"] == [["09:00", "12:00"], ["13:00", "18:00"]]


def test_create_calendar_checks_name_zone_and_default(db, admin_user, english):
    with pytest.raises(ValidationFailed) as exc:
        services.create_calendar(actor=admin_user, name=" ", timezone="Mars/Olympus")
    assert exc.value.details == {
        "name": "Enter a name.",
        "timezone": "Unknown time zone (e.g. Asia/Shanghai).",
    }
    with pytest.raises(Conflict):
        services.create_calendar(actor=admin_user, name="标准工作日历")
    new = services.create_calendar(actor=admin_user, name="24h", is_default=True)
    assert list(BusinessCalendar.objects.filter(is_default=True)) == [new]
    with pytest.raises(ValidationFailed):
        services.update_calendar(actor=admin_user, calendar=new, is_default=False)
    with pytest.raises(ValidationFailed):
        services.update_calendar(actor=admin_user, calendar=new, colour="red")


def test_agent_cannot_create_calendar(org, make_user):
    with pytest.raises(PermissionDenied):
        services.create_calendar(actor=make_user(Role.AGENT, org.hq), name="x")
    assert BusinessCalendar.objects.count() == 1


# --- CSV import -------------------------------------------------------------------------------
GBK_FILE = "日期,类型,名称\r\n2027-01-01,休,元旦\r\n2027-02-06,假,春节\r\n2027/2/20,班,春节调休\r\n"


def test_import_gbk_file_previews_then_applies(db, admin_user):
    data = GBK_FILE.encode("gbk")
    preview = services.import_calendar_year(actor=admin_user, file_bytes=data)
    assert (preview.year, preview.ok, preview.applied, preview.existing) == (2027, True, False, 0)
    assert [(d.row, d.date, d.kind, d.name) for d in preview.days] == [
        (2, date(2027, 1, 1), "holiday", "元旦"),
        (3, date(2027, 2, 6), "holiday", "春节"),
        (4, date(2027, 2, 20), "workday", "春节调休"),
    ]
    assert CalendarDay.objects.count() == 0
    applied = services.import_calendar_year(actor=admin_user, file_bytes=data, apply=True)
    assert applied.applied
    rows = CalendarDay.objects.values_list("date", "kind", "source", "calendar_id")
    assert sorted(tuple(r) for r in rows) == [
        (date(2027, 1, 1), "holiday", "import", None),
        (date(2027, 2, 6), "holiday", "import", None),
        (date(2027, 2, 20), "workday", "import", None),
    ]
    event = AuditEvent.objects.get(action="calendar.import_year")
    assert event.changes == {"year": 2027, "days": 3, "replaced": 0}


def test_import_accepts_utf8_bom_and_english_kinds(db, admin_user):
    text = "\ufeffDate,Kind,Name\n2027-10-01,holiday,国庆节\n2027-09-26,workday,\n"
    preview = services.import_calendar_year(actor=admin_user, file_bytes=text.encode("utf-8"))
    assert [(d.date, d.kind, d.name) for d in preview.days] == [
        (date(2027, 10, 1), "holiday", "国庆节"),
        (date(2027, 9, 26), "workday", ""),
    ]
    assert preview.errors == []


@pytest.mark.parametrize(
    ("word", "kind"),
    [("休", "holiday"), ("假", "holiday"), ("节假日", "holiday"), ("休息日", "holiday"),
     ("班", "workday"), ("调休上班", "workday"), ("工作日", "workday"), ("WORKDAY", "workday")],
)  # fmt: skip
def test_import_kind_words(db, admin_user, word, kind):
    data = f"日期,类型\n2027-03-01,{word}\n".encode()
    preview = services.import_calendar_year(actor=admin_user, file_bytes=data)
    assert [d.kind for d in preview.days] == [kind]


def test_import_with_bad_rows_lists_every_error_and_writes_nothing(db, admin_user, english):
    data = (
        "date,kind,name\n"
        "2027-01-01,holiday,元旦\n"
        "2027-13-01,holiday,x\n"
        "2028-01-01,holiday,y\n"
        "2027-01-01,workday,dup\n"
        "2027-01-05,party,z\n"
    ).encode()
    preview = services.import_calendar_year(actor=admin_user, file_bytes=data, apply=True)
    assert (preview.ok, preview.applied) == (False, False)
    assert [(e.row, e.column, e.value, e.reason) for e in preview.errors] == [
        (3, "date", "2027-13-01", "Not a date (use 2027-01-01)."),
        (4, "date", "2028-01-01", "Not in 2027; a file holds one year."),
        (5, "date", "2027-01-01", "Same date as row 2."),
        (6, "kind", "party", "Unknown kind; use holiday/workday (休/班)."),
    ]
    assert CalendarDay.objects.count() == 0
    assert not AuditEvent.objects.filter(action="calendar.import_year").exists()


def test_import_with_year_checks_every_row(db, admin_user, english):
    data = b"date,kind\n2026-01-01,holiday\n"
    preview = services.import_calendar_year(actor=admin_user, file_bytes=data, year=2027)
    assert [(e.row, e.reason) for e in preview.errors] == [
        (2, "Not in 2027; a file holds one year.")
    ]


def test_apply_replaces_only_that_year_of_that_calendar(db, admin_user):
    own = services.create_calendar(actor=admin_user, name="门店日历")
    services.set_calendar_day(actor=admin_user, date=date(2026, 12, 31), kind="holiday")
    services.set_calendar_day(actor=admin_user, date=date(2027, 6, 1), kind="holiday", calendar=own)
    services.set_calendar_day(actor=admin_user, date=date(2027, 5, 1), kind="holiday")
    data = b"date,kind,name\n2027-05-03,holiday,labour\n"
    preview = services.import_calendar_year(actor=admin_user, file_bytes=data)
    assert preview.existing == 1
    services.import_calendar_year(actor=admin_user, file_bytes=data, apply=True)
    remaining = CalendarDay.objects.order_by("date").values_list("date", "calendar_id")
    assert list(remaining) == [
        (date(2026, 12, 31), None),
        (date(2027, 5, 3), None),
        (date(2027, 6, 1), own.pk),
    ]
    # The compiled calendar sees the import at once.
    assert due(default_calendar(), "2027-04-30T17:00", 2)[0] == "2027-05-04T10:00:00+08:00"


@pytest.mark.parametrize(
    ("data", "code", "message"),
    [
        (b"x" * (1024 * 1024 + 1), "import_failed", "The file is larger than 1024 KB."),
        (b"date,kind\n\xff\xff\xff,\xff\n", "import_failed",
         "The file is neither UTF-8 nor GBK text. Save it as CSV (UTF-8) and try again."),
        (b"foo,bar\n2027-01-01,holiday\n", "import_failed",
         "The first row must name the columns: date,kind,name (or 日期,类型,名称)."),
        (b"", "import_failed", "The file is empty."),
        (b"date,kind\n\n", "import_failed", "The file has no rows below the header."),
    ],
)  # fmt: skip
def test_import_file_level_problems(db, admin_user, english, data, code, message):
    with pytest.raises(ImportFailed) as exc:
        services.import_calendar_year(actor=admin_user, file_bytes=data, apply=True)
    assert (exc.value.code, exc.value.message) == (code, message)
    assert CalendarDay.objects.count() == 0


def test_agent_cannot_import(org, make_user):
    agent = make_user(Role.AGENT, org.hq)
    with pytest.raises(PermissionDenied):
        services.import_calendar_year(actor=agent, file_bytes=GBK_FILE.encode("gbk"), apply=True)
    assert CalendarDay.objects.count() == 0
