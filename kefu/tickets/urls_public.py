"""Public pages under /help/ (no login): web form and self-lookup."""

from django.urls import path

from kefu.tickets.views import public

app_name = "public"

urlpatterns = [
    path("new/", public.new_ticket, name="new"),
    path("new/done/", public.done, name="done"),
    path("lookup/", public.lookup, name="lookup"),
]
