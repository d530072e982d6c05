from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "kefu.notifications"
    label = "notifications"
    verbose_name = "notifications"

    def ready(self) -> None:
        from kefu.notifications.navigation import register_entries
        from kefu.notifications.views.customers import register as register_customer_section

        register_entries()
        register_customer_section()
        from kefu.notifications.personal_data import register as register_personal_data

        register_personal_data()
