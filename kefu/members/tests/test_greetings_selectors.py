from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from kefu.core.errors import NotFound
from kefu.members.choices import GreetingStatus
from kefu.members.dates import birthday_keys
from kefu.members.models import Greeting, Member
from kefu.members.selectors import (
    expiring_members,
    get_member,
    greetings_on,
    list_members,
    status_counts,
)
from kefu.members.services.audit import file_member
from kefu.members.services.greetings import create_birthday_greetings, mark_greeting_done
from kefu.members.services.registration import register_member
from kefu.members.tests.factories import form


def _filed(actor, keeper, unit, n, **over):
    return file_member(
        actor=keeper, member=register_member(actor=actor, unit=unit, **form(n, **over))
    )


def test_birthday_keys_leap_rule():
    assert birthday_keys(date(2027, 2, 28)) == [(2, 28), (2, 29)]
    assert birthday_keys(date(2028, 2, 28)) == [(2, 28)]
    assert birthday_keys(date(2028, 2, 29)) == [(2, 29)]


def test_birthday_task_is_idempotent_and_greets_feb29_on_feb28(org, tiers, clerk, keeper):
    leap = _filed(clerk, keeper, org.shanghai, 1, birthday=date(1992, 2, 29))
    normal = _filed(clerk, keeper, org.shanghai, 2, birthday=date(1990, 2, 28))
    _filed(clerk, keeper, org.shanghai, 3, birthday=date(1990, 3, 1))
    pending = register_member(actor=clerk, unit=org.shanghai, **form(4, birthday=date(1991, 2, 28)))
    Member.objects.filter(pk=normal.pk).update(tier=tiers[3])

    run = create_birthday_greetings(today=date(2027, 2, 28))
    assert (run.created, run.calls) == (2, 1)
    again = create_birthday_greetings(today=date(2027, 2, 28))
    assert again.created == 0
    rows = list(Greeting.objects.values_list("member_id", "call").order_by("member_id"))
    assert rows == [(leap.pk, False), (normal.pk, True)]
    assert pending.pk not in [m for m, _c in rows]
    assert create_birthday_greetings(today=date(2028, 2, 28)).created == 1  # only normal


def test_greeting_list_calls_first_and_mark_done(org, tiers, clerk, keeper, gz_clerk):
    today = timezone.localdate()
    a = _filed(clerk, keeper, org.shanghai, 1, birthday=today.replace(year=1990))
    b = _filed(gz_clerk, keeper, org.guangzhou, 2, birthday=today.replace(year=1991))
    Member.objects.filter(pk=b.pk).update(tier=tiers[3])
    create_birthday_greetings(today=today)
    assert [g.member_id for g in greetings_on(keeper, on_date=today)] == [b.pk, a.pk]
    mine = list(greetings_on(clerk, on_date=today))
    assert [g.member_id for g in mine] == [a.pk]
    done = mark_greeting_done(actor=clerk, greeting=mine[0])
    assert done.status == GreetingStatus.DONE


def test_expiring_list_covers_the_next_n_days(org, tiers, clerk, keeper):
    today = timezone.localdate()
    soon = _filed(clerk, keeper, org.shanghai, 1)
    later = _filed(clerk, keeper, org.shanghai, 2)
    past = _filed(clerk, keeper, org.shanghai, 3)
    Member.objects.filter(pk=soon.pk).update(expires_on=today + timedelta(days=30))
    Member.objects.filter(pk=later.pk).update(expires_on=today + timedelta(days=31))
    Member.objects.filter(pk=past.pk).update(expires_on=today - timedelta(days=1))
    assert [m.pk for m in expiring_members(keeper)] == [soon.pk]
    assert [m.pk for m in expiring_members(keeper, days=31)] == [soon.pk, later.pk]


def test_clerk_sees_only_their_store(org, tiers, clerk, gz_clerk, keeper, make_user):
    from kefu.core.choices import Role

    a = register_member(actor=clerk, unit=org.shanghai, **form(1))
    b = register_member(actor=gz_clerk, unit=org.guangzhou, **form(2))
    assert [m.pk for m in list_members(clerk)] == [a.pk]
    assert [m.pk for m in list_members(keeper)] == [b.pk, a.pk]
    with pytest.raises(NotFound):
        get_member(clerk, b.pk)
    dept = make_user(Role.DEPARTMENT_HANDLER, org.hq)  # no member or customer permission
    assert list(list_members(dept)) == []
    assert status_counts(keeper) == {"pending": 2, "returned": 0, "filed": 0, "cancelled": 0}


def test_search_by_card_name_or_phone(org, tiers, clerk):
    a = register_member(actor=clerk, unit=org.shanghai, **form(1, card_number="C100"))
    register_member(actor=clerk, unit=org.shanghai, **form(2, name="王五"))
    assert [m.pk for m in list_members(clerk, q="C100")] == [a.pk]
    assert [m.pk for m in list_members(clerk, q="138 0000 0001")] == [a.pk]
    assert [m.name for m in list_members(clerk, q="王")] == ["王五"]


def test_member_list_query_count(org, tiers, clerk, keeper, django_assert_num_queries):
    for i in range(1, 6):
        register_member(actor=clerk, unit=org.shanghai, **form(i))
    keeper = type(keeper).objects.get(pk=keeper.pk)
    with django_assert_num_queries(2):  # scope + list
        rows = list(list_members(keeper))
        assert [r.tier.code for r in rows if r.tier] == ["normal"] * 5
        assert {r.unit.name for r in rows} == {"上海一店"}


def test_daily_tasks_call_the_services(org, tiers, clerk, keeper):
    from kefu.members import tasks

    today = timezone.localdate()
    _filed(clerk, keeper, org.shanghai, 1, birthday=today.replace(year=1990))
    assert tasks.birthday_greetings.call() == {"created": 1, "calls": 0}
    assert tasks.birthday_greetings.call() == {"created": 0, "calls": 0}
    assert tasks.expire_points.call() == {"expired": 0}
