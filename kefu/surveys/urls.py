"""surveys: the public answer page (no login) and the staff pages."""

from django.urls import URLPattern, URLResolver, path

from kefu.surveys.views import public, staff

app_name = "surveys"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", staff.survey_list, name="list"),
    path("<int:pk>/edit/", staff.survey_list, name="edit"),
    path("invitations/", staff.invitations, name="invitations"),
    path("results/", staff.results, name="results"),
    path("s/<str:token>/", public.answer, name="answer"),
    path("s/<str:token>/thanks/", public.thanks, name="thanks"),
]
