"""Messages that kefu sends on its own or in bulk, all through `queue_message`:
birthday greetings (from the members app's Greeting rows), holiday greetings to a
customer segment, ticket progress updates and SLA escalations (called by those apps)."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone

from kefu.notifications.choices import Channel
from kefu.notifications.errors import BadRecipient
from kefu.notifications.services import queue_message

if TYPE_CHECKING:
    from kefu.core.models import User
    from kefu.customers.models import Customer

logger = logging.getLogger("kefu.notifications")


def company_name() -> str:
    return str(getattr(settings, "KEFU_COMPANY_NAME", "") or "")


@dataclass
class Run:
    queued: int = 0
    opted_out: int = 0
    existing: int = 0
    skipped: int = 0
    errors: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, int]:
        return {
            "queued": self.queued,
            "opted_out": self.opted_out,
            "existing": self.existing,
            "skipped": self.skipped,
        }


def _count(run: Run, result: Any, created_before: int | None) -> None:
    if result is None:
        run.opted_out += 1
    elif created_before is not None and result.pk <= created_before:
        run.existing += 1
    else:
        run.queued += 1


def _last_id() -> int:
    from kefu.notifications.models import OutboxMessage

    return OutboxMessage.objects.order_by("-id").values_list("id", flat=True).first() or 0


def queue_birthday_greetings(*, day: date | None = None) -> dict[str, int]:
    """SMS greetings for the day's birthday Greeting rows (filed members with a phone), and
    an in-app reminder to whoever registered a top-tier member who gets a call. One
    dedupe key per greeting and channel: running twice queues nothing new."""
    from kefu.members.choices import GreetingKind, MemberStatus
    from kefu.members.models import Greeting

    day = day or timezone.localdate()
    run = Run()
    before = _last_id()
    greetings = Greeting.objects.filter(
        on_date=day, kind=GreetingKind.BIRTHDAY, member__status=MemberStatus.FILED
    ).select_related("member", "member__customer", "member__customer__unit")
    for greeting in greetings.order_by("id").iterator(chunk_size=500):
        member = greeting.member
        context = {"name": member.name, "company": company_name(), "card": member.card_number}
        with transaction.atomic():
            if member.phone:
                try:
                    result = queue_message(
                        actor=None,
                        channel=Channel.SMS,
                        to=member.phone,
                        template="member.birthday",
                        context=context,
                        customer=member.customer,
                        dedupe_key=f"greeting:{greeting.pk}:sms",
                        related=greeting,
                    )
                    _count(run, result, before)
                except BadRecipient:
                    run.skipped += 1
            if greeting.call and member.registered_by_id:
                result = queue_message(
                    actor=None,
                    channel=Channel.INAPP,
                    to=str(member.registered_by_id),
                    template="member.birthday_call",
                    context={**context, "url": f"/members/{member.pk}/"},
                    dedupe_key=f"greeting:{greeting.pk}:inapp",
                    related=greeting,
                )
                _count(run, result, before)
    return run.as_dict()


SEGMENT_KEYS = ("unit_id", "grade", "key_accounts_only", "tag_id")


def segment_customers(actor: User, segment: dict[str, Any]) -> models.QuerySet[Customer]:
    """Customers in the actor's scope matching the segment: unit (with its sub-units),
    grade, key accounts only, tag."""
    from kefu.core.models import OrgUnit
    from kefu.core.selectors.scope import restrict_to_scope
    from kefu.customers.models import Customer

    qs = restrict_to_scope(Customer.objects.all(), actor)
    if segment.get("unit_id"):
        unit = OrgUnit.objects.filter(pk=segment["unit_id"]).first()
        qs = qs.filter(unit__path__startswith=unit.path) if unit else qs.none()
    if segment.get("grade"):
        qs = qs.filter(grade=segment["grade"])
    if segment.get("key_accounts_only"):
        qs = qs.filter(is_key_account=True)
    if segment.get("tag_id"):
        qs = qs.filter(tag_links__tag_id=segment["tag_id"])
    return qs.order_by("id")


def _recipient(customer: Customer, channel: str) -> str:
    if channel == Channel.EMAIL:
        return customer.email
    phones = sorted(customer.phones.all(), key=lambda p: (not p.is_primary, p.pk))
    return phones[0].number if phones else ""


def send_holiday_greeting(
    *,
    actor: User,
    campaign: str,
    channel: str,
    template: str,
    holiday: str,
    segment: dict[str, Any],
    batch_size: int = 500,
) -> dict[str, int]:
    """Queue `template` to every customer of the segment on `channel` (sms or email), one
    transaction per batch; opted-out customers are recorded, not sent to. The campaign id
    makes it idempotent: running it again (after a crash, say) queues only the missing."""
    run = Run()
    before = _last_id()
    qs = segment_customers(actor, segment).prefetch_related("phones")
    ids = list(qs.values_list("id", flat=True))
    for start in range(0, len(ids), batch_size):
        chunk = qs.filter(id__in=ids[start : start + batch_size]).select_related("unit")
        with transaction.atomic():
            for customer in chunk:
                to = _recipient(customer, channel)
                if not to:
                    run.skipped += 1
                    continue
                try:
                    result = queue_message(
                        actor=actor,
                        channel=channel,
                        to=to,
                        template=template,
                        context={
                            "name": customer.name,
                            "holiday": holiday,
                            "company": company_name(),
                        },
                        customer=customer,
                        dedupe_key=f"holiday:{campaign}:{customer.pk}:{channel}",
                    )
                except BadRecipient:
                    run.skipped += 1
                    continue
                _count(run, result, before)
    logger.info("holiday greeting %s: %s", campaign, run.as_dict())
    return run.as_dict()


def notify_ticket_progress(
    *,
    actor: User | None,
    ticket: Any,
    status: str,
    note: str = "",
    channel: str = "",
) -> Any:
    """Tell the ticket's contact how it is going ("ticket.progress"), by SMS to the contact
    phone, else by email. One message per ticket and status. Call it inside the service
    that changes the ticket; the send happens after commit."""
    phone = str(getattr(ticket, "contact_phone", "") or "")
    mail = str(getattr(ticket, "contact_email", "") or "")
    kind = channel or (Channel.SMS if phone else Channel.EMAIL)
    to = phone if kind == Channel.SMS else mail
    if not to:
        return None
    return queue_message(
        actor=actor,
        channel=kind,
        to=to,
        template="ticket.progress",
        context={
            "name": getattr(ticket, "contact_name", ""),
            "number": getattr(ticket, "number", ""),
            "title": getattr(ticket, "title", ""),
            "status": status,
            "note": note,
        },
        customer=getattr(ticket, "customer", None),
        dedupe_key=f"ticket.progress:{ticket.pk}:{status}",
        related=ticket,
    )


def enabled_robots(
    channels: tuple[str, ...] = (Channel.WECOM, Channel.DINGTALK),
) -> frozenset[str]:
    """The group-robot channels set up to receive messages (one query)."""
    from kefu.notifications.models import ChannelConfig

    return frozenset(
        ChannelConfig.objects.filter(enabled=True, channel__in=channels)
        .exclude(endpoint="")
        .values_list("channel", flat=True)
    )


def notify_sla_escalation(
    *,
    actor: User | None,
    ticket: Any,
    level: str,
    due_at: Any = None,
    assignee: str = "",
    url: str = "",
    channels: tuple[str, ...] = (Channel.WECOM, Channel.DINGTALK),
    user_ids: tuple[int, ...] = (),
    mention: str = "",
    enabled: frozenset[str] | None = None,
) -> list[Any]:
    """Post an SLA escalation ("sla.escalation") to the configured group robots and as
    in-app notices to `user_ids` (supervisors). One message per ticket, level and target.
    A caller posting many escalations passes `enabled` (from `enabled_robots`) once."""
    if enabled is None:
        enabled = enabled_robots(channels)
    due = timezone.localtime(due_at).strftime("%Y-%m-%d %H:%M") if due_at else ""
    context = {
        "number": getattr(ticket, "number", ""),
        "title": getattr(ticket, "title", ""),
        "level": level,
        "assignee": assignee,
        "due_at": due,
        "url": url,
    }
    targets = [(c, mention) for c in channels if c in enabled]
    targets += [(Channel.INAPP, str(uid)) for uid in user_ids]
    out = []
    for kind, to in targets:
        out.append(
            queue_message(
                actor=actor,
                channel=kind,
                to=to,
                template="sla.escalation",
                context=context,
                dedupe_key=f"sla:{ticket.pk}:{level}:{kind}:{to}",
                related=ticket,
            )
        )
    return out
