from django.apps import AppConfig


class MembersConfig(AppConfig):
    name = "kefu.members"
    label = "members"
    verbose_name = "members"

    def ready(self) -> None:
        from kefu.members.navigation import register_entries

        register_entries()
        from kefu.members.customer_section import register as register_customer_section

        register_customer_section()
        from kefu.members.personal_data import register as register_personal_data

        register_personal_data()
