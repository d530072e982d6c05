"""Spreadsheet imports: upload → dry run (validate) → commit, each a service function.

Small files (at most KEFU_IMPORT_INLINE_BYTES, default 1 MB, and about
KEFU_IMPORT_INLINE_ROWS, default 2,000, rows) are checked at once during the upload request,
so the preview shows straight away; bigger ones are checked and committed by background
tasks (kefu.core.imports.tasks) queued after the job row commits, with progress published
through kefu.core.imports.progress while they run.

The commit writes every row in one transaction: the job's status moves to "done" in that same
transaction, so either all rows and "done" commit together, or nothing is written and the job
says why ("failed"). A second commit of the same job does nothing (status check under
select_for_update).

The uploaded sheet is stored under MEDIA_ROOT/imports/<year>/<month>/ with a random name and
deleted once it is imported or the job is cancelled (a failed job keeps it for inspection).
"""

from __future__ import annotations

import logging
import os
import uuid
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kefu.core.errors import Conflict, ImportFailed, NotFound
from kefu.core.imports import engine, progress, spool
from kefu.core.imports.reader import check_filename, check_size
from kefu.core.imports.registry import ImportContext, Importer, get_importer
from kefu.core.models import ImportJob, ImportStatus, OrgUnit, User
from kefu.core.selectors.scope import require_perm
from kefu.core.services.audit import record_audit
from kefu.core.tasks_util import enqueue_on_commit

logger = logging.getLogger("kefu.imports")


def importer_for(key: str) -> Importer:
    engine.load_importers()
    importer = get_importer(key)
    if importer is None:
        raise NotFound(_("There is no import for “%(key)s”.") % {"key": key})
    return importer


def _runs_in_background(size: int, estimated_rows: int) -> bool:
    inline_bytes = int(getattr(settings, "KEFU_IMPORT_INLINE_BYTES", 1024 * 1024))
    inline_rows = int(getattr(settings, "KEFU_IMPORT_INLINE_ROWS", 2000))
    return size > inline_bytes or estimated_rows > inline_rows


def _estimate_rows(path: str, suffix: str) -> int:
    if suffix in (".csv", ".txt"):
        with open(path, "rb") as fh:
            return sum(chunk.count(b"\n") for chunk in iter(lambda: fh.read(1 << 20), b""))
    return os.path.getsize(path) // 40  # a zipped sheet row takes some 40 bytes


def upload(
    *,
    actor: User,
    importer_key: str,
    file: Any,
    unit: OrgUnit,
    filename: str = "",
    check: bool = True,
) -> ImportJob:
    """Store the file and create the job; with `check`, start the dry run (inline for small
    files, else queued)."""
    importer = importer_for(importer_key)
    require_perm(actor, importer.perm, unit)
    name = Path(filename or getattr(file, "name", "") or "").name[:200]
    suffix = check_filename(name)
    check_size(int(getattr(file, "size", 0) or 0))
    with transaction.atomic():
        job = ImportJob(importer=importer.key, actor=actor, unit=unit, original_name=name)
        job.size = int(file.size)
        # a random name: the stored sheet holds personal data, its path must not be guessable
        job.file.save(f"{uuid.uuid4().hex}{suffix}", File(file), save=False)
        job.background = _runs_in_background(job.size, _estimate_rows(job.file.path, suffix))
        job.save()
        record_audit(
            actor=actor,
            action="import.upload",
            obj=job,
            unit=unit,
            changes={"importer": importer.key, "bytes": job.size},
        )
        if check and job.background:
            job.status = ImportStatus.VALIDATING
            job.save(update_fields=["status"])
            from kefu.core.imports.tasks import validate_import

            enqueue_on_commit(validate_import, job.pk)
    if check and not job.background:
        job = validate(job=job)
    return job


def _fail(job_id: int, message: str) -> ImportJob:
    ImportJob.objects.filter(pk=job_id).update(
        status=ImportStatus.FAILED, message=message[:2000], finished_at=timezone.now()
    )
    progress.clear(job_id)
    return ImportJob.objects.get(pk=job_id)


def _context(job: ImportJob, *, dry_run: bool) -> ImportContext:
    return ImportContext(
        actor=job.actor, unit=job.unit, dry_run=dry_run, options={"valid_only": job.valid_only}
    )


def validate(*, job: ImportJob) -> ImportJob:
    """The dry run: parse and validate every row, record counts, errors and a preview;
    nothing is written."""
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().select_related("actor", "unit").get(pk=job.pk)
        if job.status not in (ImportStatus.UPLOADED, ImportStatus.VALIDATING):
            return job
        job.status = ImportStatus.VALIDATING
        job.save(update_fields=["status"])
    importer = importer_for(job.importer)
    reporter = progress.Reporter(job.pk, phase=ImportStatus.VALIDATING, total=0)

    def on_open(estimated: int) -> None:
        reporter.total = estimated

    try:
        result = engine.run(
            importer,
            path=job.file.path,
            filename=job.original_name,
            ctx=_context(job, dry_run=True),
            progress=reporter,
            on_open=on_open,
        )
    except ImportFailed as exc:
        return _fail(job.pk, exc.message)
    except Exception as exc:
        logger.exception("import %s: dry run failed", job.pk)
        return _fail(job.pk, _("The file could not be checked (%(error)s).") % {"error": exc})
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportStatus.VALIDATED,
        total_rows=result.total_rows,
        valid_rows=result.valid_rows,
        error_rows=result.error_rows,
        errors=result.errors,
        warnings=[str(w) for w in result.warnings],
        preview=result.preview,
        processed_rows=0,
        validated_at=timezone.now(),
    )
    progress.clear(job.pk)
    return ImportJob.objects.get(pk=job.pk)


def commit(*, actor: User, job: ImportJob, valid_only: bool = False) -> ImportJob:
    """Import the checked file: all rows, or only the valid ones (`valid_only`). Refused
    while the dry run found errors unless `valid_only`. Committing again does nothing."""
    importer = importer_for(job.importer)
    require_perm(actor, importer.perm, job.unit)
    with transaction.atomic():
        locked = ImportJob.objects.select_for_update().get(pk=job.pk)
        if locked.actor_id != actor.pk and not actor.is_superuser:
            raise NotFound()
        if locked.status in (ImportStatus.IMPORTING, ImportStatus.DONE):
            return locked
        if locked.status != ImportStatus.VALIDATED:
            raise Conflict(_("Check the file before importing it."), code="import_not_checked")
        if locked.error_rows and not valid_only:
            raise ImportFailed(
                _("%(n)s rows have errors. Correct the file, or import only the valid rows.")
                % {"n": locked.error_rows},
                code="import_has_errors",
            )
        if locked.valid_rows == 0:
            raise ImportFailed(_("No row is valid; nothing to import."), code="import_no_rows")
        locked.status = ImportStatus.IMPORTING
        locked.valid_only = valid_only
        locked.started_at = timezone.now()
        locked.save(update_fields=["status", "valid_only", "started_at"])
        if locked.background:
            from kefu.core.imports.tasks import commit_import

            enqueue_on_commit(commit_import, locked.pk)
    if locked.background:
        return locked
    return run_commit(job_id=locked.pk)


def run_commit(*, job_id: int) -> ImportJob:
    """Write the rows of a job in "importing" state, all in one transaction."""
    job = ImportJob.objects.select_related("actor", "unit").get(pk=job_id)
    if job.status != ImportStatus.IMPORTING:
        return job
    importer = importer_for(job.importer)
    reporter = progress.Reporter(job.pk, phase=ImportStatus.IMPORTING, total=job.total_rows)
    try:
        with transaction.atomic():
            result = engine.run(
                importer,
                path=job.file.path,
                filename=job.original_name,
                ctx=_context(job, dry_run=False),
                write=True,
                valid_only=job.valid_only,
                progress=reporter,
            )
            _finish(job, importer, result)
    except ImportFailed as exc:
        return _fail(job.pk, exc.message)
    except Exception as exc:
        logger.exception("import %s: commit failed", job.pk)
        return _fail(
            job.pk,
            _("The import failed and nothing was imported (%(error)s).") % {"error": exc},
        )
    finally:
        spool.remove(job.file.path)
    progress.clear(job.pk)
    job.file.storage.delete(str(job.file.name))  # imported: the copy of the sheet goes
    return ImportJob.objects.get(pk=job.pk)


def _finish(job: ImportJob, importer: Importer, result: engine.RunResult) -> None:
    counts = dict(result.counts)
    record_audit(
        actor=job.actor,
        action="import.commit",
        object_type=importer.object_type or "core.importjob",
        object_id=job.pk,
        object_repr=f"{importer.key} #{job.pk}",
        unit=job.unit,
        changes={
            "importer": importer.key,
            "job": job.pk,
            "rows": result.valid_rows,
            "skipped": result.error_rows,
            "valid_only": job.valid_only,
            **counts,
        },
    )
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportStatus.DONE,
        processed_rows=result.total_rows,
        valid_rows=result.valid_rows,
        error_rows=result.error_rows,
        result=counts,
        message="",
        finished_at=timezone.now(),
    )


def cancel(*, actor: User, job: ImportJob) -> ImportJob:
    """Drop a job that has not been imported (its file is deleted)."""
    with transaction.atomic():
        locked = ImportJob.objects.select_for_update().get(pk=job.pk)
        if locked.actor_id != actor.pk and not actor.is_superuser:
            raise NotFound()
        if locked.status not in (
            ImportStatus.UPLOADED,
            ImportStatus.VALIDATED,
            ImportStatus.FAILED,
        ):
            raise Conflict(_("This import can no longer be cancelled."), code="import_running")
        locked.status = ImportStatus.CANCELLED
        locked.finished_at = timezone.now()
        locked.save(update_fields=["status", "finished_at"])
        record_audit(actor=actor, action="import.cancel", obj=locked, unit=locked.unit)
        name, path = str(locked.file.name), locked.file.path

        def _remove_files() -> None:
            locked.file.storage.delete(name)
            spool.remove(path)

        transaction.on_commit(_remove_files)
    return locked
