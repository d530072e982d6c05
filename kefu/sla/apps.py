from django.apps import AppConfig


class SlaConfig(AppConfig):
    name = "kefu.sla"
    label = "sla"
    verbose_name = "SLA"

    def ready(self) -> None:
        from kefu.core.navigation import register_notification_provider
        from kefu.sla.bell import unread_alerts

        register_notification_provider(unread_alerts)
        from kefu.sla.personal_data import register as register_personal_data

        register_personal_data()
