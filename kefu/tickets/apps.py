from django.apps import AppConfig


class TicketsConfig(AppConfig):
    name = "kefu.tickets"
    label = "tickets"
    verbose_name = "tickets"

    def ready(self) -> None:
        from kefu.tickets.navigation import register_entries

        register_entries()
        from kefu.tickets.customer_section import register as register_customer_section

        register_customer_section()
        from kefu.tickets.personal_data import register as register_personal_data

        register_personal_data()
