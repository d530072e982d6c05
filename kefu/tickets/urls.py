"""The agent's workbench: queues, phone intake, the ticket page, ticket settings."""

from django.urls import path

from kefu.sla import views as sla_views
from kefu.tickets.views import actions, detail, intake, queues, settings, settings_rules

app_name = "tickets"

urlpatterns = [
    path("", queues.ticket_list, name="list"),
    path("complaints/", queues.complaint_list, name="complaints"),
    path("bulk/", queues.bulk_action, name="bulk"),
    path("views/save/", queues.save_view, name="save_view"),
    path("views/<int:view_id>/delete/", queues.delete_view, name="delete_view"),
    path("new/", intake.create, name="create"),
    path("new/lookup/", intake.lookup, name="lookup"),
    path("<int:ticket_id>/", detail.ticket_detail, name="detail"),
    path("<int:ticket_id>/reply/", actions.reply, name="reply"),
    path("<int:ticket_id>/assign/", actions.assign, name="assign"),
    path("<int:ticket_id>/transfer/", actions.transfer, name="transfer"),
    path("<int:ticket_id>/status/", actions.status, name="status"),
    path("<int:ticket_id>/details/", actions.details, name="details"),
    path("<int:ticket_id>/follow-up/", actions.follow_up, name="follow_up"),
    path("<int:ticket_id>/macro/", actions.macro, name="macro"),
    path("<int:ticket_id>/complaint/", actions.complaint_action, name="complaint_action"),
    path("settings/categories/", settings.categories, name="settings_categories"),
    path("settings/queues/", settings.queues, name="settings_queues"),
    path("settings/macros/", settings.macros, name="settings_macros"),
    path("settings/rules/", settings_rules.rules, name="settings_rules"),
    path(
        "settings/rules/<int:rule_id>/delete/",
        settings_rules.delete_rule,
        name="settings_rule_delete",
    ),
    path("settings/sla/", sla_views.policies, name="settings_policies"),
    path(
        "settings/sla/<int:policy_id>/delete/",
        sla_views.delete_policy,
        name="settings_policy_delete",
    ),
]
