"""导入: upload a spreadsheet, see the dry run (errors, preview), import, follow the progress."""

from __future__ import annotations

import io
from typing import Any
from urllib.parse import quote

from django.contrib import messages
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kefu.core.errors import DomainError
from kefu.core.exports import XLSX_MIME, ExportColumn, export_xlsx_response
from kefu.core.forms import apply_domain_error
from kefu.core.imports.engine import load_importers
from kefu.core.imports.forms import UploadForm
from kefu.core.imports.registry import registered
from kefu.core.imports.template import write_template
from kefu.core.selectors import imports as selectors
from kefu.core.selectors.scope import has_perm
from kefu.core.services import imports as services
from kefu.core.views.common import actor_of, deny_unless, is_htmx, perm_required


@perm_required()
def import_list(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    load_importers()
    importers = [i for i in registered() if has_perm(actor, i.perm)]
    jobs = list(selectors.list_jobs(actor)[:50])
    return render(request, "core/imports/list.html", {"importers": importers, "jobs": jobs})


@perm_required()
def import_upload(request: HttpRequest, importer_key: str) -> HttpResponse:
    actor = actor_of(request)
    importer = services.importer_for(importer_key)
    deny_unless(has_perm(actor, importer.perm))
    units = selectors.units_for(actor, importer.perm)
    form = UploadForm(request.POST or None, request.FILES or None, units=units)
    if request.method == "POST" and form.is_valid():
        try:
            job = services.upload(
                actor=actor,
                importer_key=importer.key,
                file=form.cleaned_data["file"],
                unit=form.cleaned_data["unit"],
            )
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            return redirect("core:import_job", job_id=job.pk)
    context = {"importer": importer, "form": form}
    return render(request, "core/imports/upload.html", context)


@perm_required()
def import_template(request: HttpRequest, importer_key: str) -> Any:
    importer = services.importer_for(importer_key)
    buffer = io.BytesIO()
    write_template(buffer, importer)
    buffer.seek(0)
    response = FileResponse(buffer, content_type=XLSX_MIME)
    name = quote(f"{importer.label}-导入模板.xlsx")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{name}"
    return response


def _job_context(request: HttpRequest, job_id: int) -> dict[str, Any]:
    job = selectors.get_job(actor_of(request), job_id)
    return {
        "job": job,
        "importer": services.importer_for(job.importer),
        "progress": selectors.job_progress(job),
    }


@perm_required()
def import_job(request: HttpRequest, job_id: int) -> HttpResponse:
    return render(request, "core/imports/job.html", _job_context(request, job_id))


@perm_required()
def import_job_progress(request: HttpRequest, job_id: int) -> HttpResponse:
    context = _job_context(request, job_id)
    response = render(request, "core/imports/partials/progress.html", context)
    if is_htmx(request) and not context["job"].is_running:
        response["HX-Refresh"] = "true"  # finished: show the result page
    return response


@perm_required()
@require_POST
def import_job_commit(request: HttpRequest, job_id: int) -> HttpResponse:
    actor = actor_of(request)
    job = selectors.get_job(actor, job_id)
    try:
        job = services.commit(
            actor=actor, job=job, valid_only=request.POST.get("valid_only") == "1"
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        if job.status == "done":
            messages.success(request, _("%(n)s rows imported.") % {"n": job.valid_rows})
    return redirect("core:import_job", job_id=job.pk)


@perm_required()
@require_POST
def import_job_cancel(request: HttpRequest, job_id: int) -> HttpResponse:
    actor = actor_of(request)
    job = selectors.get_job(actor, job_id)  # someone else's job: 404, not a redirect
    try:
        services.cancel(actor=actor, job=job)
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("core:import_list")


@perm_required()
def import_job_errors(request: HttpRequest, job_id: int) -> Any:
    actor = actor_of(request)
    job = selectors.get_job(actor, job_id)
    columns = [
        ExportColumn(_("Row"), "row", width=8),
        ExportColumn(_("Column"), "column", width=16),
        ExportColumn(_("Value"), "value", width=30),
        ExportColumn(_("Reason"), "reason", width=60),
    ]
    return export_xlsx_response(
        actor=actor,
        filename=f"{job.original_name.rsplit('.', 1)[0]}-{_('errors')}",
        columns=columns,
        rows=job.errors,
        object_type="core.importjob",
        sheet=_("Errors"),
    )
