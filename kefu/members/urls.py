"""Members (会员): registration, headquarters' audit, tiers, points ledger, purchases."""

from django.urls import URLPattern, URLResolver, path

from kefu.members.views import lists, purchases, record, tiers

app_name = "members"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", lists.member_list, name="list"),
    path("audit/", lists.audit_queue, name="audit_queue"),
    path("new/", record.member_register, name="register"),
    path("expiring/", lists.expiring_list, name="expiring"),
    path("birthdays/", lists.birthdays, name="birthdays"),
    path("birthdays/<int:pk>/done/", lists.greeting_done, name="greeting_done"),
    path("purchases/", lists.purchase_list, name="purchases"),
    path("purchases/new/", purchases.purchase_create, name="purchase_create"),
    path("tiers/", tiers.tier_settings, name="tiers"),
    path("tiers/<int:pk>/", tiers.tier_settings, name="tier_edit"),
    path("<int:pk>/", record.member_detail, name="detail"),
    path("<int:pk>/edit/", record.member_edit, name="edit"),
    path("<int:pk>/<slug:action>/", record.member_action, name="action"),
]
