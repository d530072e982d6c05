from django.apps import AppConfig


class SurveysConfig(AppConfig):
    name = "kefu.surveys"
    label = "surveys"
    verbose_name = "surveys"

    def ready(self) -> None:
        from kefu.surveys.navigation import register_entries

        register_entries()
        from kefu.surveys.personal_data import register as register_personal_data

        register_personal_data()
