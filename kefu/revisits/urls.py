"""Revisits (回访): my queue, the revisit screen, plans, scripts, the summary report."""

from django.urls import URLPattern, URLResolver, path

from kefu.revisits.views import admin, report, work

app_name = "revisits"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", work.queue, name="queue"),
    path("tasks/<int:pk>/", work.task_screen, name="task"),
    path("tasks/<int:pk>/attempt/", work.attempt, name="attempt"),
    path("tasks/<int:pk>/complete/", work.complete, name="complete"),
    path("plans/", admin.plans, name="plans"),
    path("plans/<int:pk>/", admin.plans, name="plan_edit"),
    path("plans/<int:pk>/generate/", admin.generate, name="generate"),
    path("scripts/", admin.scripts, name="scripts"),
    path("scripts/<int:pk>/", admin.scripts, name="script_edit"),
    path("quiet-hours/", admin.quiet_hours, name="quiet_hours"),
    path("report/", report.report, name="report"),
]
