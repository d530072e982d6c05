from django.conf import settings
from django.conf.urls.static import static
from django.urls import URLPattern, URLResolver, include, path, re_path

from kefu.api import api
from kefu.core.views import health

urlpatterns: list[URLPattern | URLResolver] = [
    re_path(r"^healthz/?$", health.healthz, name="healthz"),
    re_path(r"^readyz/?$", health.readyz, name="readyz"),
    re_path(r"^metrics/?$", health.metrics_view, name="metrics"),
    path("api/v1/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("help/kb/", include("kefu.knowledge.urls_public")),
    path("help/", include("kefu.tickets.urls_public")),
    path("tickets/", include("kefu.tickets.urls")),
    path("reports/", include("kefu.reports.urls")),
    path("customers/", include("kefu.customers.urls")),
    path("members/", include("kefu.members.urls")),
    path("revisits/", include("kefu.revisits.urls")),
    path("surveys/", include("kefu.surveys.urls")),
    path("notifications/", include("kefu.notifications.urls")),
    path("knowledge/", include("kefu.knowledge.urls")),
    path("", include("kefu.core.urls")),
]
if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
