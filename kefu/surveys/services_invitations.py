"""Survey invitations: sending a link, opening it, answering it once, and the automatic
invitations after tickets are resolved."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone

from kefu.core.errors import DomainError, NotFound, PermissionDenied, ValidationFailed
from kefu.core.permissions import Perm
from kefu.core.selectors.scope import has_perm, require_visible
from kefu.core.services.audit import record_audit
from kefu.surveys import tokens
from kefu.surveys.choices import (
    CSAT_MAX,
    CSAT_MIN,
    NPS_MAX,
    NPS_MIN,
    InvitationChannel,
    RatingSource,
    SurveyKind,
)
from kefu.surveys.errors import InvitationExpired, InvitationRefused, InvitationUsed
from kefu.surveys.locks import invitation_for_answer
from kefu.surveys.models import Survey, SurveyInvitation
from kefu.surveys.services import check_score, record_rating
from kefu.tickets.choices import Status
from kefu.tickets.models import Ticket

if TYPE_CHECKING:
    from kefu.core.models import User

TEMPLATE_KEY = "survey.link"  # registered by kefu.notifications.defaults
SURVEYED_STATUSES = (Status.RESOLVED, Status.CLOSED)
AUTO_LOOKBACK = timedelta(days=7)
AUTO_BATCH = 500


@dataclass(frozen=True)
class Invited:
    invitation: SurveyInvitation
    token: str
    url: str


def survey_url(token: str, base_url: str = "") -> str:
    """The public link: `base_url` (or settings.KEFU_PUBLIC_BASE_URL) + /surveys/s/<token>/."""
    base = base_url or getattr(settings, "KEFU_PUBLIC_BASE_URL", "")
    return base.rstrip("/") + reverse("surveys:answer", args=[token])


def _recipient(ticket: Ticket, channel: str) -> str:
    if channel == InvitationChannel.SMS:
        return ticket.contact_phone
    if channel == InvitationChannel.EMAIL:
        customer_email = ticket.customer.email if ticket.customer is not None else ""
        return ticket.contact_email or customer_email
    return ""


def _check_invite(actor: User | None, ticket: Ticket, survey: Survey, channel: str) -> str:
    if actor is not None:
        require_visible(actor, ticket.unit)
        if not has_perm(actor, Perm.WORK_TICKETS, ticket.unit):
            raise PermissionDenied()
    if channel not in InvitationChannel.values:
        raise ValidationFailed(details={"channel": InvitationChannel.values})
    if not survey.active or not ticket.unit.path.startswith(survey.unit.path):
        raise InvitationRefused(details={"survey": "inactive or not for this ticket's unit"})
    if ticket.status not in SURVEYED_STATUSES:
        raise InvitationRefused(details={"ticket": "not resolved"})
    if SurveyInvitation.objects.filter(ticket=ticket, survey=survey).exists():
        raise InvitationRefused(details={"ticket": "already invited to this survey"})
    to = _recipient(ticket, channel)
    if channel != InvitationChannel.LINK and not to:
        raise InvitationRefused(details={"channel": "the ticket has no address for it"})
    return to


def invite(
    *,
    actor: User | None,
    ticket: Ticket,
    survey: Survey,
    channel: str,
    base_url: str = "",
    now: datetime | None = None,
) -> Invited:
    """Create an invitation for a resolved ticket and queue its link (SMS or email) through
    the notifications outbox; channel "link" only returns the link. actor None: the
    automatic invitations task."""
    now = now or timezone.now()
    to = _check_invite(actor, ticket, survey, channel)
    token, digest = tokens.new_token()
    url = survey_url(token, base_url)
    with transaction.atomic():
        inv = SurveyInvitation.objects.create(
            survey=survey,
            ticket=ticket,
            customer=ticket.customer,
            unit=ticket.unit,
            token_hash=digest,
            channel=channel,
            recipient=to,
            sent_by=actor,
            sent_at=now,
            expires_at=now + timedelta(days=survey.expires_after_days),
        )
        if channel != InvitationChannel.LINK:
            _queue_link(actor, inv, ticket, url)
        record_audit(
            actor=actor,
            action="survey.invite",
            obj=inv,
            unit=ticket.unit,
            changes={"ticket": ticket.number, "survey": survey.pk, "channel": channel},
        )
    return Invited(invitation=inv, token=token, url=url)


def _queue_link(actor: User | None, inv: SurveyInvitation, ticket: Ticket, url: str) -> None:
    from kefu.notifications.services import queue_message  # notifications may come later

    name = ticket.contact_name or (ticket.customer.name if ticket.customer else "")
    queue_message(
        actor=actor,
        channel=inv.channel,
        to=inv.recipient,
        template=TEMPLATE_KEY,
        context={"name": name or "客户", "url": url, "title": inv.survey.title},
        customer=ticket.customer,
        dedupe_key=f"survey-invitation:{inv.pk}",
        related=inv,
    )


def _find(token: str) -> tuple[str, SurveyInvitation]:
    digest = tokens.token_hash(token)
    if digest is None:
        raise NotFound()
    inv = SurveyInvitation.objects.select_related("survey", "ticket").filter(token_hash=digest)
    found = inv.first()
    if found is None or not tokens.hashes_match(found.token_hash, digest):
        raise NotFound()
    return digest, found


def _check_usable(inv: SurveyInvitation, now: datetime) -> None:
    if inv.used_at is not None:
        raise InvitationUsed()
    if inv.expires_at <= now:
        raise InvitationExpired()


def open_invitation(*, token: str, now: datetime | None = None) -> SurveyInvitation:
    """The invitation behind a link, marked opened the first time. NotFound for an unknown
    or tampered token; InvitationUsed / InvitationExpired (410) when it can't be answered."""
    now = now or timezone.now()
    _digest, inv = _find(token)
    _check_usable(inv, now)
    if inv.opened_at is None:
        SurveyInvitation.objects.filter(pk=inv.pk, opened_at__isnull=True).update(opened_at=now)
        inv.opened_at = now
    return inv


def _scores(survey: Survey, score: Any) -> tuple[int | None, int | None]:
    if survey.kind == SurveyKind.CSAT:
        return check_score(score, low=CSAT_MIN, high=CSAT_MAX, label="score"), None
    return None, check_score(score, low=NPS_MIN, high=NPS_MAX, label="score")


def answer_invitation(
    *, token: str, score: int, comment: str = "", now: datetime | None = None
) -> SurveyInvitation:
    """Record the customer's answer once: the invitation row is locked, re-checked, used.
    A second answer (even a concurrent one) raises InvitationUsed and records nothing."""
    now = now or timezone.now()
    digest, inv = _find(token)
    _check_usable(inv, now)
    csat, nps = _scores(inv.survey, score)
    with transaction.atomic():
        locked = invitation_for_answer(digest).first()
        if locked is None:
            raise NotFound()
        _check_usable(locked, now)
        ticket = locked.ticket
        rating = record_rating(
            actor=None,
            source=RatingSource.SURVEY,
            unit=locked.unit,
            csat=csat,
            nps=nps,
            comment=comment if locked.survey.comment_question else "",
            ticket=ticket,
            customer=locked.customer,
            agent=ticket.assignee,
            created_at=now,
        )
        locked.used_at = now
        locked.opened_at = locked.opened_at or now
        locked.rating = rating
        locked.save(update_fields=["used_at", "opened_at", "rating"])
        record_audit(actor=None, action="survey.answer", obj=locked, unit=locked.unit)
    return locked


def sampled(ticket_id: int, survey_id: int, percent: int) -> bool:
    """A stable draw: the same ticket is always in or out of a survey's sample."""
    digest = hashlib.sha256(f"{survey_id}:{ticket_id}".encode()).digest()
    return int.from_bytes(digest[:4], "big") % 100 < percent


def auto_invite_resolved(*, now: datetime | None = None, batch: int = AUTO_BATCH) -> dict[str, int]:
    """Invite a sample (each survey's `auto_sample_percent`) of the tickets resolved in the
    last 7 days that have no invitation yet, at most `batch` per run. The survey of the most
    specific unit decides for a ticket; the draw is stable, so a ticket left out stays out."""
    now = now or timezone.now()
    counts = {"invited": 0, "skipped": 0}
    surveys = Survey.objects.filter(active=True, auto_sample_percent__gt=0).select_related("unit")
    done: set[int] = set()
    for survey in sorted(surveys, key=lambda s: -len(s.unit.path)):
        for ticket in _candidates(survey, now):
            if counts["invited"] >= batch:
                return counts
            if ticket.pk in done:
                continue
            done.add(ticket.pk)
            if not sampled(ticket.pk, survey.pk, survey.auto_sample_percent):
                continue
            try:
                invite(
                    actor=None, ticket=ticket, survey=survey, channel=survey.auto_channel, now=now
                )
            except DomainError:  # no address, a bad phone number, an opt-out…
                counts["skipped"] += 1
            else:
                counts["invited"] += 1
    return counts


def _candidates(survey: Survey, now: datetime) -> Iterator[Ticket]:
    invited = SurveyInvitation.objects.filter(ticket=OuterRef("pk"))
    qs = (
        Ticket.objects.filter(
            status__in=SURVEYED_STATUSES,
            resolved_at__gte=now - AUTO_LOOKBACK,
            resolved_at__lte=now,
            unit__path__startswith=survey.unit.path,
        )
        .exclude(Exists(invited))
        .select_related("unit", "customer")
        .order_by("resolved_at", "pk")
    )
    return qs.iterator(chunk_size=500)
