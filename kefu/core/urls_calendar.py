"""Calendar management pages (mounted under /settings/calendars/ by kefu.core.urls)."""

from django.urls import URLPattern, path

from kefu.core.views import calendar as views

urlpatterns: list[URLPattern] = [
    path("", views.calendar_list, name="calendar_list"),
    path("new/", views.calendar_create, name="calendar_create"),
    path("deadline/", views.calendar_deadline, name="calendar_deadline"),
    path("<int:calendar_id>/", views.calendar_detail, name="calendar_detail"),
    path("<int:calendar_id>/edit/", views.calendar_edit, name="calendar_edit"),
    path("<int:calendar_id>/days/", views.calendar_day_add, name="calendar_day_add"),
    path(
        "<int:calendar_id>/days/<int:day_id>/delete/",
        views.calendar_day_delete,
        name="calendar_day_delete",
    ),
    path("<int:calendar_id>/import/", views.calendar_import, name="calendar_import"),
]
