from django.apps import AppConfig


class RevisitsConfig(AppConfig):
    name = "kefu.revisits"
    label = "revisits"
    verbose_name = "revisits"

    def ready(self) -> None:
        from kefu.revisits.navigation import register_entries

        register_entries()
        from kefu.revisits.customer_section import register as register_customer_section

        register_customer_section()
        from kefu.revisits.personal_data import register as register_personal_data

        register_personal_data()
