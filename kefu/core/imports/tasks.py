"""Background entry points for big imports; they only call the import services."""

from __future__ import annotations

from django.tasks import task


@task()
def validate_import(job_id: int) -> str:
    from kefu.core.models import ImportJob
    from kefu.core.services import imports

    job = ImportJob.objects.filter(pk=job_id).first()
    if job is None:
        return "missing"
    return str(imports.validate(job=job).status)


@task()
def commit_import(job_id: int) -> str:
    from kefu.core.services import imports

    return str(imports.run_commit(job_id=job_id).status)
