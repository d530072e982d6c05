"""Import pages (mounted under /imports/ by kefu.core.urls)."""

from django.urls import URLPattern, path

from kefu.core.views import imports as views

urlpatterns: list[URLPattern] = [
    path("", views.import_list, name="import_list"),
    path("jobs/<int:job_id>/", views.import_job, name="import_job"),
    path("jobs/<int:job_id>/progress/", views.import_job_progress, name="import_job_progress"),
    path("jobs/<int:job_id>/commit/", views.import_job_commit, name="import_job_commit"),
    path("jobs/<int:job_id>/cancel/", views.import_job_cancel, name="import_job_cancel"),
    path("jobs/<int:job_id>/errors.xlsx", views.import_job_errors, name="import_job_errors"),
    path("<slug:importer_key>/", views.import_upload, name="import_upload"),
    path("<slug:importer_key>/template.xlsx", views.import_template, name="import_template"),
]
