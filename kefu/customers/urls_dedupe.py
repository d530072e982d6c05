"""Duplicate review and merge pages, under /customers/duplicates/ (namespace customers)."""

from django.urls import URLPattern, URLResolver

urlpatterns: list[URLPattern | URLResolver] = []
