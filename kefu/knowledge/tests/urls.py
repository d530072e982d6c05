"""The project's URLs plus the public help articles at /help/kb/ (as the lead wires them)."""

from django.urls import URLPattern, URLResolver, include, path

from kefu.urls import urlpatterns as project_urls

urlpatterns: list[URLPattern | URLResolver] = [
    path("help/kb/", include("kefu.knowledge.urls_public")),
    *project_urls,
]
