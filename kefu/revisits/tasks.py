"""Periodic job: every 15 minutes each active plan generates its missing tasks."""

from __future__ import annotations

from datetime import timedelta

from django.tasks import task

from kefu.core.schedule import register_periodic


@task()
def generate_revisits() -> int:
    from kefu.revisits.services import generate_all

    return generate_all()


register_periodic(
    "revisits.generate",
    generate_revisits,
    every=timedelta(minutes=15),
    description="Generate revisit tasks from the active plans",
)
