"""Test-only URLs: the complaint router on its own API (nothing else), so the endpoints are
testable whether or not kefu/api.py wires the router yet."""

from django.urls import URLPattern, URLResolver, path
from ninja import NinjaAPI

from kefu.core.api_auth import api_auth
from kefu.core.api_errors import install_error_handlers
from kefu.tickets.api.complaints import router

api = NinjaAPI(auth=api_auth, urls_namespace="complaints_test", docs_url=None)
install_error_handlers(api)
api.add_router("/", router, url_name_prefix="complaints_test")

urlpatterns: list[URLPattern | URLResolver] = [path("api/v1/", api.urls)]
