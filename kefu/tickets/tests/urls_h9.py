"""The project's URLs plus the workbench and the dashboard, for tests written before the
lead wires them into kefu/urls.py (then this adds nothing)."""

from django.urls import include, path

from kefu.urls import urlpatterns as project

_namespaces = {getattr(p, "namespace", None) for p in project}
urlpatterns = list(project)
if "tickets" not in _namespaces:
    urlpatterns.insert(0, path("tickets/", include("kefu.tickets.urls")))
if "reports" not in _namespaces:
    urlpatterns.insert(0, path("reports/", include("kefu.reports.urls")))
