from django.urls import URLPattern, URLResolver, include, path

app_name = "customers"
urlpatterns: list[URLPattern | URLResolver] = [
    path("duplicates/", include("kefu.customers.urls_dedupe")),
]
