"""Knowledge base (知识库): articles, search, editor, versions, categories."""

from django.urls import URLPattern, URLResolver, path

from kefu.knowledge import views

app_name = "knowledge"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.article_list, name="list"),
    path("new/", views.article_create, name="create"),
    path("categories/", views.categories, name="categories"),
    path("<int:pk>/", views.article_detail, name="detail"),
    path("<int:pk>/edit/", views.article_edit, name="edit"),
    path("<int:pk>/history/", views.article_history, name="history"),
    path("<int:pk>/restore/", views.article_restore, name="restore"),
    path("suggest/", views.suggest, name="suggest"),
    path("for-ticket/<int:ticket_id>/", views.ticket_suggestions, name="ticket_suggestions"),
]
