"""Background entry points of the customers app. Tasks only call services."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.tasks import task

from kefu.core.schedule import register_periodic


@task()
def find_duplicates_task(actor_id: int | None = None) -> dict[str, Any]:
    """Run the duplicate finder over every customer (nightly, or a manager's "run now")."""
    from kefu.core.models import User
    from kefu.customers.services_dedupe import find_duplicates

    actor = User.objects.filter(pk=actor_id).first() if actor_id else None
    return find_duplicates(actor=actor).as_dict()


register_periodic(
    "customers.find_duplicates",
    find_duplicates_task,
    every=timedelta(days=1),
    offset=timedelta(hours=3, minutes=10),
    description="Find possible duplicate customers (same name, phone or ID number).",
)
