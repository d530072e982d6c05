"""The tickets panel of the workbench (home page): my queue at a glance."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q
from django.http import HttpRequest
from django.utils import timezone

from kefu.core.models import User
from kefu.core.permissions import Perm
from kefu.core.selectors.scope import has_perm
from kefu.tickets.choices import OPEN_STATUSES, SlaState, Status
from kefu.tickets.selectors import DUE_SOON, list_tickets
from kefu.tickets.views.display import annotate_sla, list_badges


def my_work_context(request: HttpRequest) -> dict[str, Any] | None:
    actor = request.user
    if not isinstance(actor, User) or not has_perm(actor, Perm.VIEW_TICKETS):
        return None
    now = timezone.now()
    mine = Q(assignee=actor)
    counts = (
        list_tickets(actor)
        .filter(status__in=OPEN_STATUSES)
        .aggregate(
            mine=Count("pk", filter=mine),
            due_soon=Count(
                "pk",
                filter=mine
                & Q(sla_breached_at__isnull=True)
                & (Q(sla_state=SlaState.WARNING) | Q(resolution_due__lte=now + DUE_SOON)),
            ),
            breached=Count("pk", filter=mine & Q(sla_breached_at__isnull=False)),
            waiting=Count("pk", filter=mine & Q(status=Status.PENDING)),
            follow_ups=Count("pk", filter=mine & Q(next_follow_up_at__lte=now)),
            unassigned=Count("pk", filter=Q(assignee__isnull=True)),
        )
    )
    urgent = list(list_tickets(actor, queue_view="mine")[:5])
    annotate_sla(urgent, now)
    list_badges(urgent)
    return {"counts": counts, "urgent": urgent}
