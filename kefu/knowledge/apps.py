from django.apps import AppConfig


class KnowledgeConfig(AppConfig):
    name = "kefu.knowledge"
    label = "knowledge"
    verbose_name = "knowledge"

    def ready(self) -> None:
        from kefu.knowledge.navigation import register_entries

        register_entries()
