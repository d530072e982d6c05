"""The members' part of a customer's personal data (registered in MembersConfig.ready).

Export: memberships (application form fields, tier, totals), the points ledger, purchases
and greetings. Erase: the application form's personal fields are anonymised; the points
ledger and purchase amounts stay (financial records) with their free text masked; birthday
greetings still to do are dropped (there is no birthday any more)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy

from kefu.members.choices import GreetingStatus
from kefu.members.models import Greeting, Member, PointsEntry, Purchase

if TYPE_CHECKING:
    from kefu.customers.models import Customer
    from kefu.customers.personal_data_registry import Redactor, Rows

ERASED_MEMBER_NAME = "已注销会员 #{id}"
PERSONAL_FIELDS = ("phone", "id_number", "address", "email", "occupation", "company", "gender")


def export_members(customer: Customer) -> dict[str, Rows]:
    own = {"member__customer_id": customer.pk}
    return {
        "members": list(
            Member.objects.filter(customer_id=customer.pk)
            .order_by("id")
            .values(
                "card_number",
                "unit__name",
                "tier__name",
                "status",
                "name",
                "gender",
                "birthday",
                "phone",
                "id_number",
                "address",
                "email",
                "occupation",
                "company",
                "registered_on",
                "expires_on",
                "points_balance",
                "lifetime_spend",
            )
        ),
        "member_points": list(
            PointsEntry.objects.filter(**own)
            .order_by("id")
            .values(
                "member__card_number",
                "kind",
                "points",
                "balance_after",
                "expires_on",
                "reason",
                "created_at",
            )
        ),
        "member_purchases": list(
            Purchase.objects.filter(**own)
            .order_by("purchased_at", "id")
            .values(
                "member__card_number",
                "unit__name",
                "purchased_at",
                "amount",
                "receipt_number",
                "items",
                "notes",
                "points_earned",
                "source",
            )
        ),
        "member_greetings": list(
            Greeting.objects.filter(**own)
            .order_by("on_date", "id")
            .values("member__card_number", "kind", "on_date", "status")
        ),
    }


def known_member_values(customer: Customer) -> Iterable[str]:
    for row in Member.objects.filter(customer_id=customer.pk).values_list(
        "name", "phone", "id_number", "address", "email", "company"
    ):
        yield from row


def erase_members(customer: Customer, redactor: Redactor) -> dict[str, int]:
    members = list(Member.objects.filter(customer_id=customer.pk).order_by("id"))
    for m in members:
        m.name = ERASED_MEMBER_NAME.format(id=m.pk)
        m.birthday = None
        for field in PERSONAL_FIELDS:
            setattr(m, field, "")
        m.return_reason = redactor.text(m.return_reason)
    Member.objects.bulk_update(
        members, ["name", "birthday", "return_reason", *PERSONAL_FIELDS], batch_size=500
    )
    own = {"member__customer_id": customer.pk}
    entries = [
        e
        for e in PointsEntry.objects.filter(**own).exclude(reason="")
        if _mask(e, "reason", redactor)
    ]
    PointsEntry.objects.bulk_update(entries, ["reason"], batch_size=500)
    purchases = list(Purchase.objects.filter(**own))
    for p in purchases:
        p.items = redactor.text(p.items)
        p.notes = ""
    Purchase.objects.bulk_update(purchases, ["items", "notes"], batch_size=500)
    greetings = Greeting.objects.filter(**own, status=GreetingStatus.PENDING).delete()[0]
    return {
        "members": len(members),
        "member_points": len(entries),
        "member_purchases": len(purchases),
        "member_greetings_dropped": greetings,
    }


def _mask(row: object, field: str, redactor: Redactor) -> bool:
    before = getattr(row, field)
    after = redactor.text(before)
    setattr(row, field, after)
    return bool(after != before)


def register() -> None:
    from kefu.customers.personal_data_registry import register_personal_data_provider

    register_personal_data_provider(
        "members",
        gettext_lazy("Memberships"),
        exporter=export_members,
        eraser=erase_members,
        order=30,
        known_values=known_member_values,
    )
