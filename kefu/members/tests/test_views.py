from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from kefu.core.models import AuditEvent
from kefu.members.choices import MemberStatus
from kefu.members.models import Member, Purchase
from kefu.members.services.greetings import create_birthday_greetings
from kefu.members.services.registration import register_member
from kefu.members.tests.factories import form, id_number


def test_member_list_tabs_scope_and_masking(ui, org, tiers, clerk, gz_clerk, keeper):
    register_member(actor=clerk, unit=org.shanghai, **form(1))
    register_member(actor=gz_clerk, unit=org.guangzhou, **form(2, name="广州会员"))
    body = ui(clerk).get(reverse("members:list")).content.decode()
    assert "张1" in body
    assert "广州会员" not in body
    assert "138****0001" in body
    assert "13800000001" not in body
    body = ui(keeper).get(reverse("members:list"), {"status": "filed"}).content.decode()
    assert "张1" not in body
    queue = ui(keeper).get(reverse("members:audit_queue")).content.decode()
    assert "张1" in queue
    assert "广州会员" in queue


def test_register_form_creates_a_pending_member(ui, org, tiers, clerk):
    data = form(3, birthday="1990-03-07", unit=org.shanghai.pk, card_number="")
    r = ui(clerk).post(reverse("members:register"), data)
    member = Member.objects.get()
    assert r.status_code == 302
    assert r["Location"] == reverse("members:detail", args=[member.pk])
    assert member.status == MemberStatus.PENDING


def test_register_form_shows_errors_and_keeps_input(ui, org, tiers, clerk):
    data = form(3, birthday="", unit=org.shanghai.pk, id_number="123")
    r = ui(clerk).post(reverse("members:register"), data)
    assert r.status_code == 200
    assert "check digit" in r.content.decode()
    assert 'value="张3"' in r.content.decode()
    assert Member.objects.count() == 0


def test_detail_shows_missing_fields_and_hq_returns_then_files(ui, org, tiers, clerk, keeper):
    member = register_member(actor=clerk, unit=org.shanghai, **form(1, id_number=""))
    page = ui(keeper).get(reverse("members:detail", args=[member.pk])).content.decode()
    assert "Missing from the application form" in page
    assert "ID number" in page
    client = ui(keeper)
    url = reverse("members:action", args=[member.pk, "return"])
    client.post(url, {"reason": "请补充身份证", "missing": ["id_number"]})
    member.refresh_from_db()
    assert member.status == MemberStatus.RETURNED
    store = ui(clerk)
    store.post(
        reverse("members:edit", args=[member.pk]),
        {**form(1), "card_number": member.card_number, "birthday": "1990-03-07"},
    )
    store.post(reverse("members:action", args=[member.pk, "submit"]))
    client.post(reverse("members:action", args=[member.pk, "file"]))
    member.refresh_from_db()
    assert member.status == MemberStatus.FILED
    assert member.id_number == id_number(1)


def test_reveal_on_the_page_is_logged_and_needs_permission(ui, filed, clerk, keeper):
    url = reverse("members:detail", args=[filed.pk])
    assert "13800000001" not in ui(clerk).get(url, {"reveal": "1"}).content.decode()
    assert "13800000001" in ui(keeper).get(url, {"reveal": "1"}).content.decode()
    assert (
        AuditEvent.objects.filter(object_id=str(filed.pk), action__contains="reveal").count() == 1
    )


def test_export_needs_permission_masks_and_is_logged(ui, filed, clerk, keeper):
    assert ui(clerk).get(reverse("members:list"), {"export": "xlsx"}).status_code == 403
    r = ui(keeper).get(reverse("members:expiring"), {"export": "xlsx", "days": 400})
    assert r.status_code == 200
    assert r["Content-Type"].startswith("application/vnd.openxmlformats")
    assert AuditEvent.objects.filter(action="data.export", object_type="members.member").exists()
    r = ui(keeper).get(reverse("members:birthdays"), {"export": "xlsx"})
    assert r["Content-Type"].startswith("application/vnd.openxmlformats")
    r = ui(keeper).get(reverse("members:purchases"), {"export": "xlsx"})
    assert r["Content-Type"].startswith("application/vnd.openxmlformats")


def test_points_and_purchase_forms(ui, filed, clerk):
    client = ui(clerk)
    r = client.post(
        reverse("members:purchase_create"),
        {"card_number": filed.card_number, "amount": "120.50", "receipt_number": "T1"},
    )
    assert r.status_code == 302
    assert Purchase.objects.get().points_earned == 120
    r = client.post(
        reverse("members:purchase_create"),
        {"card_number": filed.card_number, "amount": "1", "receipt_number": "T1"},
    )
    assert r.status_code == 200
    assert Purchase.objects.count() == 1
    client.post(reverse("members:action", args=[filed.pk, "redeem"]), {"points": 500})
    filed.refresh_from_db()
    assert filed.points_balance == 120
    client.post(reverse("members:action", args=[filed.pk, "redeem"]), {"points": 100})
    filed.refresh_from_db()
    assert filed.points_balance == 20
    page = client.get(reverse("members:purchases")).content.decode()
    assert "T1" in page


def test_expiring_birthdays_and_tiers_pages(ui, filed, clerk, keeper):
    today = timezone.localdate()
    Member.objects.filter(pk=filed.pk).update(
        expires_on=today + timedelta(days=3), birthday=today.replace(year=1990)
    )
    assert filed.card_number in ui(clerk).get(reverse("members:expiring")).content.decode()
    create_birthday_greetings(today=today)
    client = ui(clerk)
    assert filed.card_number in client.get(reverse("members:birthdays")).content.decode()
    greeting = filed.greetings.get()
    client.post(reverse("members:greeting_done", args=[greeting.pk]))
    greeting.refresh_from_db()
    assert greeting.status == "done"
    assert ui(clerk).post(reverse("members:tiers"), {"code": "x"}).status_code == 403
    r = ui(keeper).post(
        reverse("members:tiers"),
        {
            "code": "vip",
            "name": "至尊",
            "level": 9,
            "min_spend": "1",
            "points_per_yuan": "2",
            "validity_months": 12,
            "is_active": "on",
        },
    )
    assert r.status_code == 302


def test_member_list_page_query_count_is_flat(
    ui, org, tiers, clerk, keeper, django_assert_num_queries
):
    for i in range(1, 4):
        register_member(actor=clerk, unit=org.shanghai, **form(i))
    client = ui(keeper)
    client.get(reverse("members:list"))
    with django_assert_num_queries(12) as ctx:
        client.get(reverse("members:list"))
    for i in range(4, 12):
        register_member(actor=clerk, unit=org.shanghai, **form(i))
    with django_assert_num_queries(len(ctx.captured_queries)):
        assert client.get(reverse("members:list")).status_code == 200


def test_nav_entry_is_registered():
    from kefu.core import navigation

    assert "members" in {i.key for i in navigation.registered()}


def test_customer_page_shows_the_members_section(ui, filed, keeper):
    url = reverse("customers:detail", args=[filed.customer_id])
    body = ui(keeper).get(url).content.decode()
    assert filed.card_number in body


@pytest.mark.parametrize("name", ["expiring", "purchases", "audit_queue", "birthdays"])
def test_list_pages_query_counts_are_flat(
    ui, org, tiers, clerk, keeper, django_assert_num_queries, name
):
    from decimal import Decimal

    from kefu.members.services.audit import file_member
    from kefu.members.services.purchases import record_purchase

    today = timezone.localdate()

    def add(start, n):
        for i in range(start, start + n):
            m = register_member(actor=clerk, unit=org.shanghai, **form(i))
            register_member(actor=clerk, unit=org.shanghai, **form(i + 500))  # stays pending
            m = file_member(actor=keeper, member=m)
            record_purchase(actor=clerk, member=m, amount=Decimal("10"))
        Member.objects.update(
            expires_on=today + timedelta(days=5), birthday=today.replace(year=1990)
        )
        create_birthday_greetings(today=today)

    add(1, 2)
    client = ui(keeper)
    url = reverse(f"members:{name}")
    client.get(url)
    with django_assert_num_queries(20, exact=False) as ctx:
        assert client.get(url).status_code == 200
    add(10, 5)
    with django_assert_num_queries(len(ctx.captured_queries)):
        assert client.get(url).status_code == 200
