from django.apps import AppConfig


class CustomersConfig(AppConfig):
    name = "kefu.customers"
    label = "customers"
    verbose_name = "customers"

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from kefu.core import navigation
        from kefu.core.navigation import WORK, NavItem
        from kefu.core.permissions import Perm

        navigation.register(
            NavItem(
                "customers",
                _("Customers"),
                "customers:list",
                WORK,
                "customer",
                Perm.VIEW_CUSTOMERS,
                50,
            )
        )
        navigation.register(
            NavItem(
                "customer_duplicates",
                _("Possible duplicates"),
                "customers:duplicates",
                WORK,
                "users",
                Perm.MERGE_CUSTOMERS,
                52,
            )
        )
        navigation.register(
            NavItem(
                "imports",
                _("Imports"),
                "core:import_list",
                WORK,
                "arrow-up",
                Perm.EDIT_CUSTOMERS,
                90,
            )
        )
        from kefu.customers.personal_data_archive import register as register_personal_data

        register_personal_data()
