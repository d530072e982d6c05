"""Duplicate review and merge pages, under /customers/duplicates/ (namespace customers)."""

from django.urls import URLPattern, URLResolver, path

from kefu.customers import views_dedupe as views

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.duplicate_list, name="duplicates"),
    path("run/", views.duplicate_run, name="duplicates_run"),
    path("history/", views.merge_history, name="merge_history"),
    path("<int:pair_id>/merge/", views.duplicate_merge, name="duplicate_merge"),
    path("<int:pair_id>/dismiss/", views.duplicate_dismiss, name="duplicate_dismiss"),
]
