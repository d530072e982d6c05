"""Spreadsheet import endpoints: upload (with its dry run), read a job, commit it."""

from typing import Any

from django.http import HttpRequest
from ninja import File, Form, Router, Status
from ninja.files import UploadedFile

from kefu.core.api_common import ERRORS, actor_of
from kefu.core.models import ImportJob, ImportStatus
from kefu.core.schemas_imports import CommitIn, ImportJobOut
from kefu.core.selectors import imports as selectors
from kefu.core.selectors import org as org_selectors
from kefu.core.services import imports as services

router = Router(tags=["imports"])


def _out(job: ImportJob) -> dict[str, Any]:
    return {
        **{f: getattr(job, f) for f in ImportJobOut.model_fields if hasattr(job, f)},
        "progress": selectors.job_progress(job),
    }


@router.post(
    "/imports/{importer_key}",
    response={201: ImportJobOut, 202: ImportJobOut, **ERRORS},
    summary="Upload a spreadsheet and check it",
)
def upload(
    request: HttpRequest,
    importer_key: str,
    file: File[UploadedFile],
    unit_id: Form[int],
    dry_run: Form[bool] = True,
) -> Any:
    """The file is checked at once when small (201, status `validated` or `failed`), else in
    the background (202, status `validating`: poll the job). With `dry_run=false` a small file
    without errors is imported straight away."""
    actor = actor_of(request)
    unit = org_selectors.get_unit(actor, unit_id)
    job = services.upload(actor=actor, importer_key=importer_key, file=file, unit=unit)
    if not dry_run and job.status == ImportStatus.VALIDATED and not job.error_rows:
        job = services.commit(actor=actor, job=job)
    job = selectors.get_job(actor, job.pk)
    return Status(202 if job.is_running else 201, _out(job))


@router.get("/imports/jobs/{job_id}", response={200: ImportJobOut, **ERRORS})
def get_job(request: HttpRequest, job_id: int) -> Any:
    return _out(selectors.get_job(actor_of(request), job_id))


@router.post(
    "/imports/jobs/{job_id}/commit",
    response={200: ImportJobOut, 202: ImportJobOut, **ERRORS},
    summary="Import a checked file",
)
def commit(request: HttpRequest, job_id: int, payload: CommitIn) -> Any:
    actor = actor_of(request)
    job = services.commit(
        actor=actor, job=selectors.get_job(actor, job_id), valid_only=payload.valid_only
    )
    job = selectors.get_job(actor, job.pk)
    return Status(202 if job.is_running else 200, _out(job))
