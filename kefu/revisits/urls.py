from django.urls import URLPattern, URLResolver

app_name = "revisits"
urlpatterns: list[URLPattern | URLResolver] = []
