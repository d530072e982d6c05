"""Calendar management pages (mounted under /settings/calendars/ by kefu.core.urls)."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
