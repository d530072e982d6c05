"""Birthday greetings: each day's list of members to greet (greeting and birthday gift
card), with the top tier marked for a phone call. Sending comes later."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from kefu.core.services.audit import record_audit
from kefu.members.access import require_work_at
from kefu.members.choices import GreetingKind, GreetingStatus, MemberStatus
from kefu.members.dates import birthday_keys
from kefu.members.errors import WrongMemberStatus
from kefu.members.models import Greeting, Member, MemberTier

if TYPE_CHECKING:
    from kefu.core.models import User


@dataclass(frozen=True)
class GreetingRun:
    on_date: date
    created: int
    calls: int


def top_tier() -> MemberTier | None:
    return MemberTier.objects.filter(is_active=True).order_by("-level").first()


def create_birthday_greetings(*, today: date | None = None) -> GreetingRun:
    """Today's birthday greetings for filed members, one row per member and day (running
    twice adds nothing). 29 February birthdays are greeted on 28 February in common years.
    Members of the top tier are marked for a phone call."""
    today = today or timezone.localdate()
    match = Q()
    for month, day in birthday_keys(today):
        match |= Q(birthday__month=month, birthday__day=day)
    top = top_tier()
    members = Member.objects.filter(match, status=MemberStatus.FILED).values_list("pk", "tier_id")
    with transaction.atomic():
        existing = set(
            Greeting.objects.filter(kind=GreetingKind.BIRTHDAY, on_date=today).values_list(
                "member_id", flat=True
            )
        )
        rows = [
            Greeting(
                member_id=pk,
                kind=GreetingKind.BIRTHDAY,
                on_date=today,
                call=top is not None and tier_id == top.pk,
            )
            for pk, tier_id in members
            if pk not in existing
        ]
        Greeting.objects.bulk_create(rows, batch_size=1000, ignore_conflicts=True)
        if rows:
            record_audit(
                actor=None,
                action="member.greetings",
                object_type="members.greeting",
                changes={"date": str(today), "created": len(rows)},
            )
    return GreetingRun(today, len(rows), sum(1 for r in rows if r.call))


def mark_greeting_done(*, actor: User, greeting: Greeting) -> Greeting:
    """The store or call centre greeted the member (and handed over the gift card)."""
    require_work_at(actor, greeting.member.unit)
    with transaction.atomic():
        locked = Greeting.objects.select_for_update().get(pk=greeting.pk)
        if locked.status == GreetingStatus.DONE:
            raise WrongMemberStatus(_("This greeting is already done."))
        locked.status = GreetingStatus.DONE
        locked.done_by = actor
        locked.done_at = timezone.now()
        locked.save(update_fields=["status", "done_by", "done_at"])
        record_audit(
            actor=actor,
            action="member.greeting.done",
            obj=greeting.member,
            unit=greeting.member.unit,
            changes={"greeting": locked.pk, "kind": locked.kind},
        )
    return locked
