"""Background entry points of the members app (daily). Tasks only call services."""

from __future__ import annotations

from datetime import timedelta

from django.tasks import task

from kefu.core.schedule import register_periodic
from kefu.members.services import greetings, points


@task()
def birthday_greetings() -> dict[str, int]:
    """Today's birthday greetings (idempotent)."""
    run = greetings.create_birthday_greetings()
    return {"created": run.created, "calls": run.calls}


@task()
def expire_points() -> dict[str, int]:
    """Expire points lots past their date, first-in first-out."""
    return {"expired": points.expire_points()}


register_periodic(
    "members.birthdays",
    birthday_greetings,
    every=timedelta(days=1),
    offset=timedelta(hours=6),
    description="Birthday greetings of the day (phone calls for the top tier).",
)
register_periodic(
    "members.points_expiry",
    expire_points,
    every=timedelta(days=1),
    offset=timedelta(minutes=30),
    description="Expire members' points lots whose validity has ended.",
)
