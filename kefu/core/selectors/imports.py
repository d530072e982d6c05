"""Reads of import jobs: an actor sees their own jobs (administrators see all)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from kefu.core.errors import NotFound
from kefu.core.imports import progress
from kefu.core.models import ImportJob, OrgUnit, User
from kefu.core.permissions import Perm
from kefu.core.selectors.scope import scope_for, visible_units


def list_jobs(actor: User) -> QuerySet[ImportJob]:
    qs = ImportJob.objects.select_related("unit", "actor").defer("errors", "preview", "warnings")
    return qs if actor.is_superuser else qs.filter(actor=actor)


def get_job(actor: User, job_id: int) -> ImportJob:
    qs = ImportJob.objects.select_related("unit", "actor")
    job = (qs if actor.is_superuser else qs.filter(actor=actor)).filter(pk=job_id).first()
    if job is None:
        raise NotFound()
    return job


def units_for(actor: User, perm: Perm) -> QuerySet[OrgUnit]:
    """Active units where the actor holds `perm` (the upload form's choices)."""
    scope = scope_for(actor)
    ids = [
        pk
        for pk, path in visible_units(actor).filter(is_active=True).values_list("pk", "path")
        if perm in scope.perms_at(path)
    ]
    return OrgUnit.objects.filter(pk__in=ids).order_by("path")


def job_progress(job: ImportJob) -> dict[str, Any]:
    """{"processed", "total", "rate", "percent"} of a running job (or of its last state)."""
    live = progress.read(job.pk) if job.is_running else None
    if live and str(live.get("phase")) == job.status:
        processed, total = int(live["processed"]), int(live["total"])
        rate = float(live.get("rate", 0))
    else:
        processed = job.processed_rows if job.status != "validating" else 0
        total, rate = job.total_rows, 0.0
    percent = min(100, int(processed * 100 / total)) if total else 0
    return {"processed": processed, "total": total, "rate": rate, "percent": percent}
