"""Background entry points of the SLA app. Tasks only call services."""

from __future__ import annotations

from datetime import timedelta

from django.tasks import task
from django.utils import timezone

from kefu.core.schedule import register_periodic
from kefu.sla.alerts import scan_prohibitions
from kefu.sla.scan import scan_sla


@task()
def sla_scan() -> dict[str, int]:
    """One SLA breach scan plus the prohibition alerts, as of now."""
    now = timezone.now()
    sla = scan_sla(now=now)
    alerts = scan_prohibitions(now=now)
    return {
        "checked": sla.checked,
        "warnings": sla.warnings,
        "breaches": sla.breaches,
        "escalations": sla.escalations,
        "alerts": sla.alerts + alerts.alerts,
    }


register_periodic(
    "sla.scan",
    sla_scan,
    every=timedelta(minutes=1),
    description="SLA warnings, breaches and escalations; prohibition alerts.",
)
