"""The bell: unread in-app alerts of the signed-in user, listing and marking them read."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone

from kefu.core.models import User
from kefu.sla.models import Alert


def unread_alerts(request: HttpRequest) -> int:
    """Notification provider (registered in SlaConfig.ready)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return 0
    return Alert.objects.filter(user_id=user.pk, read_at__isnull=True).count()


def list_alerts(actor: User, *, unread_only: bool = False) -> QuerySet[Alert]:
    """The actor's own alerts, newest first."""
    qs = Alert.objects.filter(user_id=actor.pk).select_related("ticket")
    if unread_only:
        qs = qs.filter(read_at__isnull=True)
    return qs.order_by("-created_at", "-pk")


def mark_alerts_read(
    *, actor: User, ids: list[int] | None = None, now: datetime | None = None
) -> int:
    """Mark the actor's alerts (all, or those in `ids`) read; others' alerts are untouched.
    Not audited: reading one's own notifications changes nothing on any record."""
    qs = Alert.objects.filter(user_id=actor.pk, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=ids)
    with transaction.atomic():
        return qs.update(read_at=now or timezone.now())
