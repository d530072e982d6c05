"""Public help-centre articles, mounted at /help/kb/ in kefu/urls.py:

path("help/kb/", include("kefu.knowledge.urls_public")),
"""

from django.urls import URLPattern, URLResolver, path

from kefu.knowledge import views_public

app_name = "knowledge_public"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views_public.public_list, name="list"),
    path("<int:pk>/", views_public.public_detail, name="detail"),
]
