"""Background entry points of the SLA app. Tasks only call services.

The breach scan runs every minute (it reads only tickets whose next milestone has come). The
prohibition alerts filter every open ticket (≈1.7 s at a million open tickets on
PostgreSQL, see docs/benchmarks.md), so they run every ten minutes; an alert is at most ten
minutes late. `kefu sla-scan` runs both."""

from __future__ import annotations

from datetime import timedelta

from django.tasks import task
from django.utils import timezone

from kefu.core.schedule import register_periodic
from kefu.sla.alerts import scan_prohibitions
from kefu.sla.scan import scan_sla


@task()
def sla_scan() -> dict[str, int]:
    """One SLA breach scan as of now."""
    result = scan_sla(now=timezone.now())
    return {
        "checked": result.checked,
        "warnings": result.warnings,
        "breaches": result.breaches,
        "escalations": result.escalations,
        "alerts": result.alerts,
    }


@task()
def prohibition_scan() -> dict[str, int]:
    """The handbooks' prohibitions (禁令) as alerts, as of now."""
    result = scan_prohibitions(now=timezone.now())
    return {
        "follow_up_passed": result.follow_up_passed,
        "complaint_no_reply": result.complaint_no_reply,
        "tracking_late": result.tracking_late,
        "alerts": result.alerts,
    }


register_periodic(
    "sla.scan",
    sla_scan,
    every=timedelta(minutes=1),
    description="SLA warnings, breaches and escalations.",
)
register_periodic(
    "sla.alerts",
    prohibition_scan,
    every=timedelta(minutes=10),
    offset=timedelta(minutes=3),
    description="Prohibition alerts: follow-ups passed, complaints unanswered, no tracking.",
)
