"""notifications."""

from django.urls import URLPattern, URLResolver, path

from kefu.notifications.views import customers, holiday, inapp, outbox, settings_views

app_name = "notifications"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", inapp.inapp_list, name="inapp"),
    path("read/", inapp.inapp_read, name="inapp_read"),
    path("outbox/", outbox.outbox_list, name="outbox"),
    path("outbox/<int:pk>/", outbox.outbox_detail, name="outbox_detail"),
    path(
        "outbox/<int:pk>/<str:action>/",
        outbox.outbox_action,
        name="outbox_action",
    ),
    path("templates/", settings_views.template_list, name="template_list"),
    path("templates/<str:key>/", settings_views.template_edit, name="template_edit"),
    path("channels/", settings_views.channel_settings, name="channels"),
    path("channels/<str:channel>/test/", settings_views.channel_test, name="channel_test"),
    path("holiday/", holiday.holiday_send, name="holiday"),
    path(
        "customers/<int:customer_id>/opt-out/",
        customers.customer_opt_out,
        name="customer_opt_out",
    ),
]
