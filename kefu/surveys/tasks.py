"""Background entry points of the surveys app. Tasks only call services."""

from __future__ import annotations

from datetime import timedelta

from django.tasks import task

from kefu.core.schedule import register_periodic


@task()
def auto_invite_task() -> dict[str, int]:
    """Send survey invitations for a sample of recently resolved tickets."""
    from kefu.surveys.services_invitations import auto_invite_resolved

    return auto_invite_resolved()


register_periodic(
    "surveys.auto_invite",
    auto_invite_task,
    every=timedelta(minutes=15),
    description="Invite a sample of the customers of resolved tickets to a satisfaction survey.",
)
