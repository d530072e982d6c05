"""The "Members" (会员) section of the customer 360° page: the customer's memberships in the
actor's scope with status, tier, points and expiry (registered in MembersConfig.ready())."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from kefu.core.models import User
from kefu.members import display
from kefu.members.selectors import list_members

if TYPE_CHECKING:
    from django.http import HttpRequest

    from kefu.customers.models import Customer


def members_section(request: HttpRequest, customer: Customer) -> tuple[str, dict[str, Any]]:
    actor = request.user
    assert isinstance(actor, User)
    rows = [display.member_row(m) for m in list_members(actor, customer=customer.pk)[:20]]
    return "members/customer_section.html", {"rows": rows}


def register() -> None:
    from django.utils.translation import gettext_lazy

    from kefu.customers.sections import register_customer_section

    register_customer_section("members", gettext_lazy("Members"), order=30, render=members_section)
