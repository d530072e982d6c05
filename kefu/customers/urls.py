from django.urls import URLPattern, URLResolver, include, path

from kefu.customers.views import archive, detail, edit, personal_data

app_name = "customers"
urlpatterns: list[URLPattern | URLResolver] = [
    path("duplicates/", include("kefu.customers.urls_dedupe")),
    path("", archive.customer_list, name="list"),
    path("export/", archive.customer_export, name="export"),
    path("new/", edit.customer_create, name="create"),
    path("<int:customer_id>/", detail.customer_detail, name="detail"),
    path("<int:customer_id>/edit/", edit.customer_edit, name="edit"),
    path("<int:customer_id>/reveal/", detail.customer_reveal, name="reveal"),
    path("<int:customer_id>/phones/", detail.phone_add, name="phone_add"),
    path(
        "<int:customer_id>/phones/<int:phone_id>/delete/",
        detail.phone_remove,
        name="phone_remove",
    ),
    path("<int:customer_id>/contacts/", detail.contact_add, name="contact_add"),
    path(
        "<int:customer_id>/contacts/<int:contact_id>/delete/",
        detail.contact_remove,
        name="contact_remove",
    ),
    path("<int:customer_id>/addresses/", detail.address_add, name="address_add"),
    path(
        "<int:customer_id>/addresses/<int:address_id>/default/",
        detail.address_default,
        name="address_default",
    ),
    path(
        "<int:customer_id>/addresses/<int:address_id>/delete/",
        detail.address_remove,
        name="address_remove",
    ),
    path("<int:customer_id>/tags/", detail.tags_set, name="tags"),
    path("<int:customer_id>/credit/", detail.credit_change, name="credit"),
    path(
        "<int:customer_id>/personal-data/",
        personal_data.personal_data_export,
        name="personal_data_export",
    ),
    path("<int:customer_id>/erase/", personal_data.personal_data_erase, name="erase"),
]
