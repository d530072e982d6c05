"""`kefu calendar import|deadline`."""

from __future__ import annotations

from datetime import date
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from kefu.core.models import AuditEvent, CalendarDay
from kefu.core.services import calendar as services
from kefu.core.services import org as org_services


@pytest.fixture(autouse=True)
def _fresh_calendar_cache():
    services.reset_calendar_cache()
    yield
    services.reset_calendar_cache()


def run(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("calendar", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.fixture
def gbk_file(tmp_path):
    path = tmp_path / "2027.csv"
    path.write_bytes("日期,类型,名称\n2027-01-01,休,元旦\n2027-02-20,班,调休\n".encode("gbk"))
    return str(path)


def test_import_is_a_dry_run_unless_apply(db, gbk_file):
    out, _err = run("import", gbk_file)
    assert out.splitlines() == [
        "    2  2027-01-01  holiday  元旦",
        "    3  2027-02-20  workday  调休",
        "Dry run: 2 day(s) for 2027 (all calendars) would replace 0 day(s). "
        "Nothing written; add --apply to import.",
    ]
    assert CalendarDay.objects.count() == 0
    out, _err = run("import", gbk_file, "--apply")
    assert (
        out.splitlines()[-1] == "Imported 2 day(s) for 2027 (all calendars); 0 old day(s) replaced."
    )
    assert sorted(CalendarDay.objects.values_list("date", flat=True)) == [
        date(2027, 1, 1),
        date(2027, 2, 20),
    ]
    event = AuditEvent.objects.get(action="calendar.import_year")
    assert (event.actor_label, event.via) == ("system", "command")


def test_import_errors_are_printed_and_nothing_written(db, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("date,kind\n2027-01-01,holiday\n2027-01-02,party\n", encoding="utf-8")
    out, err = StringIO(), StringIO()
    with pytest.raises(CommandError, match=r"1 problem\(s\); nothing was written\."):
        call_command("calendar", "import", str(path), "--apply", stdout=out, stderr=err)
    assert "row 3, kind 'party':" in err.getvalue()
    assert CalendarDay.objects.count() == 0


def test_import_of_missing_file_or_calendar(db, tmp_path):
    with pytest.raises(CommandError, match="Cannot read"):
        run("import", str(tmp_path / "nope.csv"))
    (tmp_path / "x.csv").write_text("date,kind\n2027-01-01,休\n", encoding="utf-8")
    with pytest.raises(CommandError, match="No calendar with id 999"):
        run("import", str(tmp_path / "x.csv"), "--calendar", "999")


def test_deadline(db):
    out, _err = run("deadline", "2026-09-30T17:00+08:00", "2")
    assert out == "2026-10-08T10:00:00+08:00 statutory\n"
    out, _err = run("deadline", "2026-12-31T17:00", "2")
    assert out == "2027-01-01T10:00:00+08:00 fallback\n"


def test_deadline_for_a_unit(org, admin_user):
    cal = services.create_calendar(
        actor=admin_user, name="华东日历", weekday_hours={"1": [["08:30", "17:30"]]}
    )
    org_services.update_unit(actor=admin_user, unit=org.east, calendar=cal)
    out, _err = run("deadline", "2026-03-06T17:00", "2", "--unit", str(org.shanghai.pk))
    assert out == "2026-03-09T10:30:00+08:00 statutory\n"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("garbage", "2"), "Not an ISO 8601 moment"),
        (("2026-03-02T09:00", "abc"), "HOURS must be a number"),
        (("2026-03-02T09:00", "-1"), "HOURS must be a number"),
        (("2026-03-02T09:00", "nan"), "HOURS must be a number"),
        (("1900-01-01T09:00", "1"), "1990 至 2200"),
        (("2026-03-02T09:00", "1", "--unit", "999"), "No unit with id 999"),
    ],
)
def test_deadline_bad_input(db, args, message):
    with pytest.raises(CommandError, match=message):
        run("deadline", *args)
